import ConnectorPackage
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import OutboundHTTP
import Pipeline
import Prometheus
import SubmissionStore
import UseCases
import XCTest

@testable import CertifyServer

/// Who sees and does what, asked of the use cases directly, as the API, the CLI and the coming
/// console all ask them: a submitter sees only its publisher's submissions (another's is
/// `notFound`, exactly as one that does not exist, never `forbidden`); a submitter does not
/// decide; a reviewer reads everything and decides but does not submit; admins alone start
/// re-certifications, import and create tokens.
final class UseCasesTests: XCTestCase {
    struct Fixture {
        let store: Store
        let submissions: Submissions
        let review: Review
        let recertifications: Recertifications
        let webhooks: Webhooks
        let tokens: Tokens
        let catalog: Catalog
        let contoso: Principal
        let fabrikam: Principal
        let reviewer: Principal
        let admin: Principal
    }

    func makeFixture() async throws -> Fixture {
        let secretSealer = SecretSealer(key: SymmetricKey(size: .bits256))
        let store = try Store(path: TestPaths.temporaryDatabase(), sealer: secretSealer)
        let registry = PrometheusCollectorRegistry()
        let tokens = Tokens(store: store)
        func principal(_ role: Principal.Role, _ publisher: String?, _ label: String) async throws -> Principal {
            let token = try await tokens.create(role: role, publisher: publisher, label: label, by: .operator("tests"))
            let authenticated = try await tokens.authenticate(token)
            return try XCTUnwrap(authenticated)
        }
        return Fixture(
            store: store,
            submissions: Submissions(
                store: store, ruleset: .default, secretSealer: secretSealer,
                metricsFactory: PrometheusMetricsFactory(registry: registry)),
            review: Review(store: store),
            recertifications: Recertifications(store: store, ruleset: .default),
            webhooks: Webhooks(store: store, outbound: OutboundPolicy(allowPrivateNetwork: true)),
            tokens: tokens,
            catalog: Catalog(store: store, ruleset: .default),
            contoso: try await principal(.submitter, "Contoso", "contoso-ci"),
            fabrikam: try await principal(.submitter, "Fabrikam", "fabrikam-ci"),
            reviewer: try await principal(.reviewer, nil, "alice"),
            admin: try await principal(.admin, nil, "root"))
    }

    func upload(_ fixture: String = "clean") throws -> PackageUpload {
        let package = try PackageLoader().load(path: TestPaths.package(fixture))
        return PackageUpload(zip: try package.zipData(), fileName: "\(fixture).zip", package: package)
    }

    /// Asserts that `body` throws exactly `expected`.
    func assertRefused<T>(
        _ expected: UseCaseError, _ message: String = "", file: StaticString = #filePath, line: UInt = #line,
        _ body: () async throws -> T
    ) async {
        do {
            _ = try await body()
            XCTFail("expected \(expected), got an answer. \(message)", file: file, line: line)
        } catch let error as UseCaseError {
            XCTAssertEqual(error, expected, message, file: file, line: line)
        } catch {
            XCTFail("expected \(expected), got \(error). \(message)", file: file, line: line)
        }
    }

    /// Whether `error` is the given kind of refusal, whatever its message.
    func kind(_ error: UseCaseError) -> String {
        switch error {
        case .notFound: "notFound"
        case .forbidden: "forbidden"
        case .invalid: "invalid"
        case .conflict: "conflict"
        case .notAllowed: "notAllowed"
        case .unprocessable: "unprocessable"
        case .failed: "failed"
        }
    }

    func assertKind<T>(
        _ expected: String, _ message: String = "", file: StaticString = #filePath, line: UInt = #line,
        _ body: () async throws -> T
    ) async {
        do {
            _ = try await body()
            XCTFail("expected \(expected), got an answer. \(message)", file: file, line: line)
        } catch let error as UseCaseError {
            XCTAssertEqual(kind(error), expected, "\(message): \(error)", file: file, line: line)
        } catch {
            XCTFail("expected \(expected), got \(error). \(message)", file: file, line: line)
        }
    }

    // MARK: Submitters see only their publisher's submissions

    func testAnotherPublishersSubmissionIsNotFoundExactlyAsAMissingOne() async throws {
        let f = try await makeFixture()
        let own = try await f.submissions.submit(try upload(), by: f.contoso)
        let id = own.submission.id
        XCTAssertEqual(own.submission.publisher, "Contoso")

        // The owner sees it everywhere.
        let ownerDetailId = try await f.submissions.detail(id, by: f.contoso).submission.id
        XCTAssertEqual(ownerDetailId, id)
        let reportNamesPublisher = try await f.submissions.report(id, format: "markdown", by: f.contoso).text.contains("Contoso")
        XCTAssertTrue(reportNamesPublisher)
        let ownerAccepted = try await f.review.acceptedFindings(of: id, by: f.contoso)
        XCTAssertEqual(ownerAccepted, [])
        let ownerListedIds = try await f.submissions.list(QueueQuery(), by: f.contoso).items.map(\.id)
        XCTAssertEqual(ownerListedIds, [id])

        // Another publisher's submitter gets what a missing id gets, word for word.
        for (what, submission) in [("another publisher's", id), ("a missing", "sub_doesnotexist")] {
            let expected = UseCaseError.notFound("No submission '\(submission)' is visible to this token.")
            await assertRefused(expected, what) { try await f.submissions.detail(submission, by: f.fabrikam) }
            await assertRefused(expected, what) { try await f.submissions.report(submission, format: "html", by: f.fabrikam) }
            await assertRefused(expected, what) { try await f.review.acceptedFindings(of: submission, by: f.fabrikam) }
            await assertRefused(expected, what) {
                try await f.submissions.addRevision(to: submission, try self.upload(), by: f.fabrikam)
            }
            // Actions its role may take on its own submissions: still not found, not forbidden.
            for action in [ReviewAction.comment, .withdraw] {
                await assertRefused(expected, "\(what), \(action)") {
                    try await f.review.perform(ReviewRequest(action: action, text: "mine?"), on: submission, by: f.fabrikam)
                }
            }
        }
        let fabrikamItems = try await f.submissions.list(QueueQuery(), by: f.fabrikam).items
        XCTAssertEqual(fabrikamItems, [])
        // Naming another publisher in the filter does not widen a submitter's view.
        let filteredItems = try await f.submissions.list(QueueQuery(publisher: "Contoso"), by: f.fabrikam).items
        XCTAssertEqual(filteredItems, [])
        let fabrikamTotal = try await f.submissions.list(QueueQuery(states: ["all"]), by: f.fabrikam).counts.values.reduce(0, +)
        XCTAssertEqual(fabrikamTotal, 0)

        // Nothing changed for the owner.
        let ownerEventCount = try await f.submissions.detail(id, by: f.contoso).events.count
        XCTAssertEqual(ownerEventCount, own.events.count)
    }

    func testASubmitterFilesUnderItsOwnPublisherWhateverItNames() async throws {
        let f = try await makeFixture()
        var upload = try upload()
        upload.publisher = "Fabrikam"
        let detail = try await f.submissions.submit(upload, by: f.contoso)
        XCTAssertEqual(detail.submission.publisher, "Contoso")
        // An admin's names it; a reviewer does not submit at all.
        let named = try await f.submissions.submit(upload, by: f.admin)
        XCTAssertEqual(named.submission.publisher, "Fabrikam")
        await assertKind("forbidden") { try await f.submissions.submit(upload, by: f.reviewer) }
    }

    func testASubmitterTokenWithoutPublisherSeesNothing() async throws {
        let f = try await makeFixture()
        _ = try await f.submissions.submit(try upload(), by: f.contoso)
        let orphan = Principal(tokenId: 99, role: .submitter, publisher: nil, label: "orphan")
        await assertKind("forbidden") { try await f.submissions.list(QueueQuery(), by: orphan) }
        await assertKind("forbidden") { try await f.webhooks.list(by: orphan) }
    }

    // MARK: Roles

    func testASubmitterCannotDecideOrReadTheQueue() async throws {
        let f = try await makeFixture()
        let id = try await f.submissions.submit(try upload(), by: f.contoso).submission.id
        for action in [ReviewAction.approve, .reject, .requestChanges, .certify, .assign, .unassign, .accept] {
            await assertRefused(
                .forbidden("A submitter token cannot '\(action.rawValue)'; a reviewer or admin can."), action.rawValue
            ) {
                try await f.review.perform(ReviewRequest(action: action), on: id, by: f.contoso)
            }
        }
        // The role is refused before anything else: on a submission it cannot see, too.
        await assertKind("forbidden") {
            try await f.review.perform(ReviewRequest(action: .approve), on: id, by: f.fabrikam)
        }
        await assertKind("forbidden") { try await f.submissions.queue(QueueQuery(), by: f.contoso) }
        // The submitter withdraws its own.
        let withdrawnState = try await f.review.perform(ReviewRequest(action: .withdraw), on: id, by: f.contoso).submission.state
        XCTAssertEqual(withdrawnState, "withdrawn")
        await assertKind("conflict") { try await f.submissions.addRevision(to: id, try self.upload(), by: f.contoso) }
    }

    func testAReviewerReadsEverythingAndDecidesButDoesNotSubmit() async throws {
        let f = try await makeFixture()
        let contoso = try await f.submissions.submit(try upload(), by: f.contoso).submission.id
        let fabrikam = try await f.submissions.submit(try upload("duplicate-keys"), by: f.fabrikam).submission.id

        for id in [contoso, fabrikam] {
            let detailId = try await f.submissions.detail(id, by: f.reviewer).submission.id
            XCTAssertEqual(detailId, id)
            let reportIsEmpty = try await f.submissions.report(id, format: "json", by: f.reviewer).text.isEmpty
            XCTAssertFalse(reportIsEmpty)
            let accepted = try await f.review.acceptedFindings(of: id, by: f.reviewer)
            XCTAssertEqual(accepted, [])
        }
        let listedIds = try await f.submissions.list(QueueQuery(), by: f.reviewer).items.map(\.id)
        XCTAssertEqual(Set(listedIds), [contoso, fabrikam])
        let queuedIds = try await f.submissions.queue(QueueQuery(), by: f.reviewer).items.map(\.id)
        XCTAssertEqual(Set(queuedIds), [contoso, fabrikam])
        let fabrikamQueuedIds = try await f.submissions.queue(QueueQuery(publisher: "Fabrikam"), by: f.reviewer).items.map(\.id)
        XCTAssertEqual(Set(fabrikamQueuedIds), [fabrikam])

        // It decides: a comment now, and approval is refused by the state (no run yet), not the role.
        let commented = try await f.review.perform(ReviewRequest(action: .comment, text: "Looking."), on: contoso, by: f.reviewer)
        XCTAssertEqual(commented.events.last?.action, "comment")
        await assertKind("notAllowed") { try await f.review.perform(ReviewRequest(action: .approve), on: contoso, by: f.reviewer) }
        XCTAssertEqual(
            Review.allowedActions(in: "awaiting-review", for: f.reviewer).map(\.rawValue),
            ["assign", "comment", "accept", "request-changes", "approve", "reject"])
        XCTAssertEqual(Review.allowedActions(in: "awaiting-review", for: f.contoso).map(\.rawValue), ["comment", "withdraw"])

        // It does not submit, revise, withdraw, manage webhooks or start a batch.
        await assertKind("forbidden") { try await f.submissions.submit(try self.upload(), by: f.reviewer) }
        await assertKind("forbidden") { try await f.submissions.addRevision(to: contoso, try self.upload(), by: f.reviewer) }
        await assertKind("forbidden") { try await f.review.perform(ReviewRequest(action: .withdraw), on: contoso, by: f.reviewer) }
        await assertKind("forbidden") { try await f.webhooks.list(by: f.reviewer) }
        await assertKind("forbidden") { try await f.webhooks.add(WebhookRequest(url: "https://example.com/hook"), by: f.reviewer) }
        await assertKind("forbidden") { try await f.recertifications.start(RecertificationRequest(), by: f.reviewer) }
    }

    func testAdminOnlyActions() async throws {
        let f = try await makeFixture()
        let package = try PackageLoader().load(path: TestPaths.package("clean"))

        // Importing certified connectors.
        for caller in [f.contoso, f.reviewer] {
            await assertKind("forbidden", caller.actor) { try await f.catalog.importCertified(package, folder: "clean", by: caller) }
        }
        let (imported, outcome) = try await f.catalog.importCertified(package, folder: "clean", by: f.admin)
        XCTAssertEqual(outcome, .imported)
        let importedState = try await f.submissions.detail(imported, by: f.reviewer).submission.state
        XCTAssertEqual(importedState, "certified")

        // Starting a re-certification: admins; reading batches: reviewers and admins.
        for caller in [f.contoso, f.reviewer] {
            await assertRefused(.forbidden("Only an admin token can start a re-certification."), caller.actor) {
                try await f.recertifications.start(RecertificationRequest(), by: caller)
            }
            await assertKind("forbidden", caller.actor) { try await f.recertifications.unfinished(by: caller) }
        }
        let batch = try await f.recertifications.start(RecertificationRequest(), by: f.admin)
        XCTAssertEqual(batch.total, 1)
        XCTAssertEqual(batch.createdBy, "admin:root")
        for caller in [f.reviewer, f.admin] {
            let batchIds = try await f.recertifications.list(by: caller).map(\.id)
            XCTAssertEqual(batchIds, [batch.id])
            let batchTotal = try await f.recertifications.progress(batch.id, by: caller).total
            XCTAssertEqual(batchTotal, 1)
            let summaryHasTitle = try await f.recertifications.summary(batch.id, format: "markdown", by: caller).text.contains(
                "Re-certification")
            XCTAssertTrue(summaryHasTitle)
        }
        await assertRefused(.forbidden("Re-certification is for reviewers (reading) and admins.")) {
            try await f.recertifications.list(by: f.contoso)
        }
        await assertKind("forbidden") { try await f.recertifications.summary(batch.id, format: nil, by: f.contoso) }
        await assertRefused(.notFound("No such re-certification.")) { try await f.recertifications.progress(nil, by: f.admin) }
        await assertRefused(.notFound("No such re-certification.")) { try await f.recertifications.progress(batch.id + 1, by: f.admin) }
        await assertKind("invalid") { try await f.recertifications.summary(batch.id, format: "sarif", by: f.admin) }
        await assertKind("invalid") {
            try await f.recertifications.start(RecertificationRequest(stages: ["probe"]), by: f.admin)
        }
        await assertKind("unprocessable") {
            try await f.recertifications.start(RecertificationRequest(selection: .publisher("Nobody")), by: f.admin)
        }

        // Tokens.
        for caller in [f.contoso, f.reviewer] {
            await assertKind("forbidden", caller.actor) {
                try await f.tokens.create(role: .admin, publisher: nil, label: "escalate", by: caller)
            }
        }
        await assertKind("invalid") { try await f.tokens.create(role: .submitter, publisher: nil, label: nil, by: f.admin) }
        let token = try await f.tokens.create(role: .submitter, publisher: "Northwind", label: "nw", by: f.admin)
        let authenticated = try await f.tokens.authenticate(token)
        let northwind = try XCTUnwrap(authenticated)
        XCTAssertEqual(northwind.role, .submitter)
        XCTAssertEqual(northwind.publisher, "Northwind")
        let tamperedPrincipal = try await f.tokens.authenticate(token + "x")
        XCTAssertNil(tamperedPrincipal)
        XCTAssertEqual(Principal.operator("cli:ops").actor, "admin:cli:ops")
    }

    func testWebhooksAreTheirPublishersAlone() async throws {
        let f = try await makeFixture()
        let registered = try await f.webhooks.add(
            WebhookRequest(url: "http://127.0.0.1:9/certify", publisher: "Fabrikam"), by: f.contoso)
        XCTAssertEqual(registered.webhook.publisher, "Contoso", "a submitter registers for its own publisher only")
        XCTAssertFalse(registered.secret.isEmpty)
        let id = registered.webhook.id

        let contosoHookIds = try await f.webhooks.list(by: f.contoso).map(\.id)
        XCTAssertEqual(contosoHookIds, [id])
        let fabrikamHooks = try await f.webhooks.list(by: f.fabrikam)
        XCTAssertEqual(fabrikamHooks, [])
        let adminHookIds = try await f.webhooks.list(by: f.admin).map(\.id)
        XCTAssertEqual(adminHookIds, [id])
        let contosoDeliveries = try await f.webhooks.deliveries(of: id, by: f.contoso)
        XCTAssertEqual(contosoDeliveries, [])
        for missing in [id, id + 100] {
            await assertRefused(.notFound("No such webhook for this token.")) {
                try await f.webhooks.deliveries(of: missing, by: f.fabrikam)
            }
            await assertRefused(.notFound("No such webhook for this token.")) { try await f.webhooks.remove(missing, by: f.fabrikam) }
        }
        await assertKind("invalid") { try await f.webhooks.add(WebhookRequest(url: "https://example.com/hook"), by: f.admin) }
        try await f.webhooks.remove(id, by: f.contoso)
        let hooksAfterRemoval = try await f.webhooks.list(by: f.contoso)
        XCTAssertEqual(hooksAfterRemoval, [])
    }

    // MARK: Input is read once the caller is allowed

    func testARefusedCallersInputIsNeverRead() async throws {
        let f = try await makeFixture()
        let id = try await f.submissions.submit(try self.upload(), by: f.contoso).submission.id
        var read = 0
        func unreadUpload() throws -> PackageUpload {
            read += 1
            throw UseCaseError.invalid("the upload was read")
        }
        func query() throws -> QueueQuery {
            read += 1
            throw UseCaseError.invalid("the query was read")
        }
        func batch() throws -> RecertificationRequest {
            read += 1
            throw UseCaseError.invalid("the request was read")
        }
        await assertKind("forbidden") { try await f.submissions.submit(try unreadUpload(), by: f.reviewer) }
        await assertKind("notFound") { try await f.submissions.addRevision(to: id, try unreadUpload(), by: f.fabrikam) }
        await assertKind("forbidden") { try await f.submissions.addRevision(to: id, try unreadUpload(), by: f.reviewer) }
        await assertKind("forbidden") { try await f.submissions.queue(try query(), by: f.contoso) }
        await assertKind("forbidden") { try await f.recertifications.start(try batch(), by: f.reviewer) }
        XCTAssertEqual(read, 0)
        // An allowed caller's input is read, and its refusal comes back.
        await assertKind("invalid") { try await f.submissions.queue(try query(), by: f.reviewer) }
        XCTAssertEqual(read, 1)
    }

    func testQueueQueriesAreCheckedNamingTheParameter() async throws {
        let f = try await makeFixture()
        for (query, parameter) in [
            (QueueQuery(states: ["nonsense"]), "state"), (QueueQuery(states: ["all,submitted"]), "state"),
            (QueueQuery(minAge: "3651d"), "minAge"), (QueueQuery(limit: "0"), "limit"), (QueueQuery(cursor: "abc"), "cursor"),
        ] {
            do {
                _ = try await f.submissions.queue(query, by: f.reviewer)
                XCTFail("\(query) was taken")
            } catch let error as UseCaseError {
                XCTAssertEqual(kind(error), "invalid")
                XCTAssertTrue(error.message.hasPrefix(parameter), error.message)
            }
        }
        XCTAssertEqual(QueueQuery.parseAge("1.5h"), 5400)
        XCTAssertNil(QueueQuery.parseAge("1e3"))
    }

    // MARK: The API's statuses

    /// Each kind of refusal has one status, applied in one place (`ErrorBodyMiddleware`).
    func testEachRefusalHasOneStatus() {
        let statuses: [(UseCaseError, HTTPResponse.Status)] = [
            (.notFound("x"), .notFound), (.forbidden("x"), .forbidden), (.invalid("x"), .badRequest),
            (.conflict("x"), .conflict), (.notAllowed(message: "x", state: "s", allowedActions: []), .conflict),
            (.unprocessable("x"), .unprocessableContent), (.failed("x"), .internalServerError),
        ]
        for (error, status) in statuses {
            XCTAssertEqual(error.httpError.status, status, "\(error)")
        }
    }
}
