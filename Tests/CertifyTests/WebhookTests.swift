import Certification
import ConnectorPackage
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OutboundHTTP
import Synchronization
import XCTest

@testable import CertifyServer
@testable import Pipeline
@testable import SubmissionStore

/// What a loopback receiver got.
final class Received: Sendable {
    struct Delivery: Sendable {
        var body: [UInt8]
        var signature: String?
        var attempt: String?
    }

    let deliveries = Mutex<[Delivery]>([])
    /// How many of the next requests to answer 500.
    let failuresLeft = Mutex(0)
}

func receiverApp(_ received: Received) -> some ApplicationProtocol {
    let router = Router()
    router.post("hook") { request, context -> HTTPResponse.Status in
        let body = try await request.body.collect(upTo: 1 << 20)
        received.deliveries.withLock {
            $0.append(
                .init(
                    body: Array(body.readableBytesView), signature: request.headers[HTTPField.Name("X-Certify-Signature")!],
                    attempt: request.headers[HTTPField.Name("X-Certify-Attempt")!]))
        }
        let fail = received.failuresLeft.withLock { left -> Bool in
            guard left > 0 else { return false }
            left -= 1
            return true
        }
        return fail ? .internalServerError : .noContent
    }
    return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
}

final class WebhookTests: XCTestCase {
    func testStateChangesAreDeliveredSignedAndRetried() async throws {
        let received = Received()
        received.failuresLeft.withLock { $0 = 1 }
        try await receiverApp(received).test(.live) { receiver in
            let port = try XCTUnwrap(receiver.port)
            let f = try await makeServerFixture(allowPrivateNetwork: true)
            let secret = try await f.app.test(.router) { client -> String in
                let body = try JSONSerialization.data(withJSONObject: ["url": "http://127.0.0.1:\(port)/hook"])
                let secret = try await client.execute(
                    uri: "/v1/webhooks", method: .post, headers: apiHeaders(f.contoso, contentType: "application/json"),
                    body: ByteBuffer(bytes: body)
                ) { response -> String in
                    XCTAssertEqual(response.status, .created, String(buffer: response.body))
                    return try XCTUnwrap(try apiJSON(response)["secret"] as? String)
                }
                _ = try await apiSubmit(client, token: f.contoso)
                _ = try await apiSubmit(client, token: f.fabrikam)  // another publisher: not delivered here
                await f.drain()
                return secret
            }
            var dispatcher = WebhookDispatcher(
                store: f.store, policy: OutboundPolicy(allowPrivateNetwork: true), initialBackoffSeconds: 0)
            dispatcher.publicURL = "https://certify.example.com/"
            // submitted, checking, awaiting-review: three state changes; the first attempt of the first gets a 500.
            for _ in 0..<5 { await dispatcher.deliverDue() }
            let deliveries = received.deliveries.withLock { $0 }
            XCTAssertEqual(deliveries.count, 4, "three events, one of them retried once")
            for delivery in deliveries {
                XCTAssertEqual(delivery.signature, WebhookSignature.sign(delivery.body, secret: secret))
                XCTAssertNotEqual(delivery.signature, WebhookSignature.sign(delivery.body, secret: secret + "x"))
            }
            XCTAssertEqual(deliveries.map(\.attempt).sorted { ($0 ?? "") < ($1 ?? "") }, ["1", "1", "1", "2"])
            // The first delivery failed and was sent again, byte for byte.
            let retried = try XCTUnwrap(deliveries.first { $0.attempt == "2" })
            XCTAssertEqual(retried.body, deliveries.first?.body)
            let payloads = try deliveries.filter { $0.attempt == "1" }.map {
                try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any])
            }
            // Deliveries may arrive out of order (a failed one is retried later); eventId orders them.
            let ordered = payloads.sorted { ($0["eventId"] as? Int ?? 0) < ($1["eventId"] as? Int ?? 0) }
            XCTAssertEqual(ordered.map { $0["to"] as? String }, ["submitted", "checking", "awaiting-review"])
            XCTAssertEqual(Set(payloads.compactMap { ($0["submission"] as? [String: Any])?["publisher"] as? String }), ["Contoso"])
            // With the server's public URL, the link is absolute (and signed as sent, above).
            let links = Set(payloads.compactMap { ($0["submission"] as? [String: Any])?["link"] as? String })
            XCTAssertEqual(links.count, 1)
            XCTAssertTrue(links.first?.hasPrefix("https://certify.example.com/v1/submissions/sub_") == true, "\(links)")
            let attemptCount = try await f.store.scalar("SELECT count(*) FROM webhook_attempt")
            XCTAssertEqual(attemptCount, 4)
            let deliveredCount = try await f.store.scalar("SELECT count(*) FROM webhook_delivery WHERE state = 'delivered'")
            XCTAssertEqual(deliveredCount, 3)
            let failedAttemptCount = try await f.store.scalar("SELECT count(*) FROM webhook_attempt WHERE status = 500")
            XCTAssertEqual(failedAttemptCount, 1)
            // Every attempt is listed with its time, status and duration; the retried one has two.
            let firstHookId = try await f.store.webhooks(publisher: "Contoso").first?.id
            let hookId = try XCTUnwrap(firstHookId)
            let records = try await f.store.deliveries(webhookId: hookId)
            XCTAssertEqual(records.map(\.history.count).sorted(), [1, 1, 2])
            let retriedRecord = try XCTUnwrap(records.first { $0.history.count == 2 })
            XCTAssertEqual(retriedRecord.history.map(\.status), [500, 204])
            XCTAssertEqual(retriedRecord.history.map(\.attempt), [1, 2])
            XCTAssertTrue(records.allSatisfy { $0.nextAttemptAt == nil }, "delivered: nothing is due")
            // The secret signs every delivery, but the database never holds it in the clear.
            let file =
                try Data(contentsOf: URL(fileURLWithPath: f.store.path ?? ""))
                + ((try? Data(contentsOf: URL(fileURLWithPath: (f.store.path ?? "") + "-wal"))) ?? Data())
            XCTAssertNil(file.range(of: Data(secret.utf8)), "the webhook secret is in the database file")
            let sealedCount = try await f.store.scalar("SELECT count(*) FROM webhook WHERE secret LIKE 'sealed:v1:%'")
            XCTAssertEqual(sealedCount, 1)
        }
    }

    /// A store without the key (or with another one) cannot open a sealed secret: its
    /// deliveries fail with a reason instead of going out unsigned or wrongly signed. Secrets
    /// stored in the clear before sealing existed are sealed by `sealPlaintextWebhookSecrets`.
    func testSealedSecretsNeedTheirKey() async throws {
        let path = TestPaths.temporaryDatabase()
        let plain = try Store(path: path)
        _ = try await plain.createWebhook(
            publisher: "Contoso", url: "http://127.0.0.1:9/hook", secret: "legacy-secret-0123456789", actor: "test")
        let sealedWithoutKey = try await plain.sealPlaintextWebhookSecrets()
        XCTAssertEqual(sealedWithoutKey, 0, "nothing to seal with")
        let key = SecretSealer(key: SymmetricKey(size: .bits256))
        let sealed = try Store(path: path, sealer: key)
        let sealedFirst = try await sealed.sealPlaintextWebhookSecrets()
        XCTAssertEqual(sealedFirst, 1)
        let sealedAgain = try await sealed.sealPlaintextWebhookSecrets()
        XCTAssertEqual(sealedAgain, 0, "sealed once")
        let plaintextCount = try await sealed.scalar("SELECT count(*) FROM webhook WHERE secret = 'legacy-secret-0123456789'")
        XCTAssertEqual(plaintextCount, 0)
        let (_, fresh) = try await sealed.createWebhook(publisher: "Contoso", url: "http://127.0.0.1:9/other", secret: nil, actor: "test")
        XCTAssertTrue(fresh.hasPrefix("whsec_"))
        XCTAssertEqual(fresh.count, 6 + 48)
        let sealedSecretCount = try await sealed.scalar("SELECT count(*) FROM webhook WHERE secret LIKE 'sealed:v1:%'")
        XCTAssertEqual(sealedSecretCount, 2)

        // Deliveries through the service, whose store seals with its key.
        let f = try await makeServerFixture(allowPrivateNetwork: true)
        try await f.app.test(.router) { client in
            let body = try JSONSerialization.data(withJSONObject: ["url": "http://127.0.0.1:9/hook", "secret": "service-secret-0123456789"])
            try await client.execute(
                uri: "/v1/webhooks", method: .post, headers: apiHeaders(f.contoso, contentType: "application/json"),
                body: ByteBuffer(bytes: body)
            ) { response in XCTAssertEqual(response.status, .created) }
            _ = try await apiSubmit(client, token: f.contoso)
        }
        let other = try Store(path: f.store.path ?? "", sealer: SecretSealer(key: SymmetricKey(size: .bits256)))
        let unopened = try await other.claimDueDeliveries(owner: "b", limit: 10, leaseSeconds: 0.001)
        XCTAssertFalse(unopened.isEmpty)
        XCTAssertTrue(unopened.allSatisfy { $0.secret == nil }, "another key opens nothing")
        let dispatcher = WebhookDispatcher(store: other, policy: OutboundPolicy(allowPrivateNetwork: true), initialBackoffSeconds: 0)
        try await Task.sleep(for: .milliseconds(20))
        let attempted = await dispatcher.deliverDue()
        XCTAssertEqual(attempted, unopened.count)
        let unopenedAttemptCount = try await other.scalar(
            "SELECT count(*) FROM webhook_attempt WHERE error LIKE '%sealed with a key this server does not have%'")
        XCTAssertEqual(
            unopenedAttemptCount,
            unopened.count)
        let opened = try await f.store.claimDueDeliveries(owner: "a", limit: 10, leaseSeconds: 60)
        XCTAssertEqual(opened.count, unopened.count)
        XCTAssertTrue(opened.allSatisfy { $0.secret == "service-secret-0123456789" }, "the service's own key opens them")
    }

    func testPrivateTargetsAreRefusedUnlessAllowed() async throws {
        let f = try await makeServerFixture()  // the default policy: no private networks
        try await f.app.test(.router) { client in
            for url in [
                "http://127.0.0.1:9/hook", "http://[::1]/x", "http://169.254.169.254/latest", "http://10.1.2.3/", "ftp://example.com/",
            ] {
                let body = try JSONSerialization.data(withJSONObject: ["url": url])
                try await client.execute(
                    uri: "/v1/webhooks", method: .post, headers: apiHeaders(f.contoso, contentType: "application/json"),
                    body: ByteBuffer(bytes: body)
                ) { response in
                    XCTAssertEqual(response.status, .badRequest, url)
                }
            }
        }
        // A webhook stored earlier under a laxer policy is not called under a strict one.
        let (hook, _) = try await f.store.createWebhook(publisher: "Contoso", url: "http://127.0.0.1:9/hook", secret: nil, actor: "t")
        _ = try await f.store.createSubmission(
            publisher: "Contoso", actor: "t",
            upload: Store.Upload(
                zip: try TestPaths.zippedPackage("clean"), contentSha256: "x", connector: "c", fileName: nil, stages: [],
                rulesetVersion: "r", toolVersion: "t"))
        await WebhookDispatcher(store: f.store).deliverDue()
        let firstDelivery = try await f.store.deliveries(webhookId: hook.id).first
        let delivery = try XCTUnwrap(firstDelivery)
        XCTAssertEqual(delivery.attempts, 1)
        XCTAssertTrue(delivery.lastError?.contains("loopback") == true, delivery.lastError ?? "")
        XCTAssertNil(delivery.lastStatus, "no request was sent")
    }

    /// Defect 8: a delivery fails once, the webhook is deleted; no further attempt reaches the
    /// receiver, even long after the backoff. The pending delivery is cancelled, with the reason,
    /// in the transaction of the delete; its recorded attempt stays.
    func testADeletedWebhookGetsNoFurtherAttempts() async throws {
        let received = Received()
        received.failuresLeft.withLock { $0 = 1_000 }
        try await receiverApp(received).test(.live) { receiver in
            let port = try XCTUnwrap(receiver.port)
            let f = try await makeServerFixture(allowPrivateNetwork: true)
            let dispatcher = WebhookDispatcher(
                store: f.store, policy: OutboundPolicy(allowPrivateNetwork: true), initialBackoffSeconds: 0.05)
            let hookId = try await f.app.test(.router) { client -> Int64 in
                let body = try JSONSerialization.data(withJSONObject: ["url": "http://127.0.0.1:\(port)/hook"])
                let id = try await client.execute(
                    uri: "/v1/webhooks", method: .post, headers: apiHeaders(f.contoso, contentType: "application/json"),
                    body: ByteBuffer(bytes: body)
                ) { response -> Int64 in
                    XCTAssertEqual(response.status, .created)
                    let hook = try XCTUnwrap(try apiJSON(response)["webhook"] as? [String: Any])
                    return Int64(try XCTUnwrap(hook["id"] as? Int))
                }
                _ = try await apiSubmit(client, token: f.contoso)  // one state change: one delivery
                let attempted = await dispatcher.deliverDue()
                XCTAssertEqual(attempted, 1)
                XCTAssertEqual(received.deliveries.withLock { $0.count }, 1, "the first attempt got a 500")
                try await client.execute(uri: "/v1/webhooks/\(id)", method: .delete, headers: apiHeaders(f.contoso)) { response in
                    XCTAssertEqual(response.status, .noContent)
                }
                return id
            }
            // Well past the backoff of attempts 2 and 3.
            for _ in 0..<4 {
                try await Task.sleep(for: .milliseconds(150))
                await dispatcher.deliverDue()
            }
            XCTAssertEqual(received.deliveries.withLock { $0.count }, 1, "no attempt after the delete")
            let attemptCount = try await f.store.scalar("SELECT count(*) FROM webhook_attempt")
            XCTAssertEqual(attemptCount, 1, "the attempt made stays recorded")
            let cancelledCount = try await f.store.scalar(
                "SELECT count(*) FROM webhook_delivery WHERE webhook_id = \(hookId) AND state = 'cancelled' AND attempts = 1 AND last_error = '\(Store.cancelledForDeletedWebhook)'"
            )
            XCTAssertEqual(
                cancelledCount,
                1)
        }
    }

    /// The same cause, in its other paths: a delivery claimed before the delete is looked at again
    /// right before it is sent; an attempt in flight during the delete leaves it cancelled; and
    /// pending deliveries of webhooks deleted before deletes cancelled them are never sent.
    func testDeliveriesOfADeletedWebhookNeverGoOutWhateverTheTiming() async throws {
        let received = Received()
        try await receiverApp(received).test(.live) { receiver in
            let port = try XCTUnwrap(receiver.port)
            let f = try await makeServerFixture(allowPrivateNetwork: true)
            let dispatcher = WebhookDispatcher(
                store: f.store, policy: OutboundPolicy(allowPrivateNetwork: true), initialBackoffSeconds: 0)
            func submit() async throws {
                _ = try await f.store.createSubmission(
                    publisher: "Contoso", actor: "t",
                    upload: Store.Upload(
                        zip: try TestPaths.zippedPackage("clean"), contentSha256: UUID().uuidString, connector: "c",
                        fileName: nil, stages: [], rulesetVersion: "r", toolVersion: "t"))
            }
            // Claimed, then the webhook is deleted, then the dispatcher gets to it.
            let (first, _) = try await f.store.createWebhook(
                publisher: "Contoso", url: "http://127.0.0.1:\(port)/hook", secret: nil, actor: "t")
            try await submit()
            let claimed = try await f.store.claimDueDeliveries(owner: "slow-dispatcher", limit: 10, leaseSeconds: 60)
            XCTAssertEqual(claimed.count, 1)
            let firstDeleted = try await f.store.deleteWebhook(id: first.id, publisher: "Contoso")
            XCTAssertTrue(firstDeleted)
            await dispatcher.attempt(try XCTUnwrap(claimed.first))
            XCTAssertEqual(received.deliveries.withLock { $0.count }, 0, "looked at again before sending")
            // An attempt that was in flight during the delete is recorded, the delivery stays cancelled.
            try await f.store.recordDeliveryAttempt(
                try XCTUnwrap(claimed.first), status: 500, error: "the receiver answered 500", durationMs: 1, retryAfter: 0,
                maximumAttempts: 8)
            let firstRecord = try await f.store.deliveries(webhookId: first.id).first
            let record = try XCTUnwrap(firstRecord)
            XCTAssertEqual(record.state, "cancelled")
            XCTAssertEqual(record.attempts, 1)
            XCTAssertEqual(record.lastError, Store.cancelledForDeletedWebhook)

            // Deleted by an earlier version, which left its deliveries pending.
            let (second, _) = try await f.store.createWebhook(
                publisher: "Contoso", url: "http://127.0.0.1:\(port)/hook", secret: nil, actor: "t")
            try await submit()
            try await f.store.database.write(durable: false) { db in
                try await db.execute(sql: "UPDATE webhook SET deleted_at = 1 WHERE id = ?", arguments: [second.id])
            }
            let none = await dispatcher.deliverDue()
            XCTAssertEqual(none, 0)
            XCTAssertEqual(received.deliveries.withLock { $0.count }, 0)
            let secondStates = try await f.store.deliveries(webhookId: second.id).map(\.state)
            XCTAssertEqual(secondStates, ["cancelled"])

            // A live webhook is still delivered to.
            _ = try await f.store.createWebhook(publisher: "Contoso", url: "http://127.0.0.1:\(port)/hook", secret: nil, actor: "t")
            try await submit()
            let one = await dispatcher.deliverDue()
            XCTAssertEqual(one, 1)
            XCTAssertEqual(received.deliveries.withLock { $0.count }, 1)
        }
    }

    /// Receivers often carry a token in the URL: the server's log shows only its origin.
    func testTheLogShowsOnlyTheWebhookURLsOrigin() {
        let url = "https://hooks.example.com:8443/services/T000/B000/s3cr3t?token=s3cr3t"
        let logged = WebhookDispatcher.withoutURLSecrets("\(url): connection refused", url: url)
        XCTAssertEqual(logged, "https://hooks.example.com:8443/***: connection refused")
    }

    /// Defect 5: a webhook URL over maximumWebhookURLBytes, or a secret over
    /// maximumWebhookSecretBytes, is refused at creation; a body of 100 KB or more is refused by
    /// size; a too-long URL stored earlier is never handed to the HTTP client, and its delivery
    /// fails at once with the reason.
    func testOverlongWebhookURLsAndSecretsAreRefused() async throws {
        let f = try await makeServerFixture(allowPrivateNetwork: true)
        let long = "http://127.0.0.1:9/" + String(repeating: "a", count: WebhookLimits.maximumWebhookURLBytes)
        try await f.app.test(.router) { client in
            let cases: [([String: String], HTTPResponse.Status, String)] = [
                (["url": long], .badRequest, "maximumWebhookURLBytes"),
                (["url": "http://127.0.0.1:9/" + String(repeating: "a", count: 100_000)], .contentTooLarge, "maximumJSONBodyBytes"),
                (["url": "http://127.0.0.1:9/", "secret": String(repeating: "s", count: 257)], .badRequest, "maximumWebhookSecretBytes"),
                (["url": "http://127.0.0.1:9/", "secret": "short"], .badRequest, "at least 16"),
            ]
            for (fields, status, words) in cases {
                try await client.execute(
                    uri: "/v1/webhooks", method: .post, headers: apiHeaders(f.contoso, contentType: "application/json"),
                    body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: fields))
                ) { response in
                    XCTAssertEqual(response.status, status, words)
                    let message = try apiError(response)
                    XCTAssertTrue(message.contains(words), message)
                }
            }
            let fits = "http://127.0.0.1:9/" + String(repeating: "a", count: WebhookLimits.maximumWebhookURLBytes - 19)
            XCTAssertEqual(fits.utf8.count, WebhookLimits.maximumWebhookURLBytes)
            try await client.execute(
                uri: "/v1/webhooks", method: .post, headers: apiHeaders(f.contoso, contentType: "application/json"),
                body: ByteBuffer(
                    bytes: try JSONSerialization.data(withJSONObject: ["url": fits, "secret": String(repeating: "s", count: 256)]))
            ) { response in
                XCTAssertEqual(response.status, .created, String(buffer: response.body))
                // Deleted at once: nothing is to be delivered there.
                let hook = try XCTUnwrap(try apiJSON(response)["webhook"] as? [String: Any])
                try await client.execute(
                    uri: "/v1/webhooks/\(try XCTUnwrap(hook["id"] as? Int))", method: .delete, headers: apiHeaders(f.contoso)
                ) { XCTAssertEqual($0.status, .noContent) }
            }
        }
        await XCTAssertThrowsErrorAsync(try await f.store.createWebhook(publisher: "Contoso", url: long, secret: nil, actor: "t"))
        // Stored by an earlier version: 1 MB.
        let (hook, _) = try await f.store.createWebhook(publisher: "Contoso", url: "http://127.0.0.1:9/x", secret: nil, actor: "t")
        try await f.store.database.write(durable: false) { db in
            try await db.execute(
                sql: "UPDATE webhook SET url = ? WHERE id = ?",
                arguments: ["http://127.0.0.1:9/" + String(repeating: "b", count: 1 << 20), hook.id])
        }
        _ = try await f.store.createSubmission(
            publisher: "Contoso", actor: "t",
            upload: Store.Upload(
                zip: try TestPaths.zippedPackage("clean"), contentSha256: "x", connector: "c", fileName: nil, stages: [],
                rulesetVersion: "r", toolVersion: "t"))
        await WebhookDispatcher(store: f.store, policy: OutboundPolicy(allowPrivateNetwork: true)).deliverDue()
        let firstDelivery = try await f.store.deliveries(webhookId: hook.id).first
        let delivery = try XCTUnwrap(firstDelivery)
        XCTAssertEqual(delivery.state, "failed", "not retried")
        XCTAssertEqual(delivery.attempts, 1)
        XCTAssertTrue(delivery.lastError?.contains("maximumWebhookURLBytes") == true, delivery.lastError ?? "")
        XCTAssertNil(delivery.lastStatus, "no request was sent")
    }
}

final class AddressPolicyTests: XCTestCase {
    func kind(_ text: String) -> AddressClass? { IPAddress(text).map(AddressPolicy.classify) }

    func testClassification() {
        let expectations: [(String, AddressClass)] = [
            ("127.0.0.1", .loopback), ("127.255.0.9", .loopback), ("10.0.0.1", .privateNetwork),
            ("172.16.0.1", .privateNetwork), ("172.31.255.255", .privateNetwork), ("172.32.0.1", .publicInternet),
            ("192.168.1.1", .privateNetwork), ("169.254.1.1", .linkLocal), ("169.254.169.254", .cloudMetadata),
            ("100.64.0.1", .sharedCGNAT), ("100.127.255.254", .sharedCGNAT), ("100.128.0.1", .publicInternet),
            ("100.100.100.200", .cloudMetadata), ("224.0.0.1", .multicast), ("0.0.0.0", .unspecified),
            ("255.255.255.255", .broadcast), ("8.8.8.8", .publicInternet),
            ("::1", .loopback), ("::", .unspecified), ("fe80::1", .linkLocal), ("fc00::1", .privateNetwork),
            ("fd12:3456::1", .privateNetwork), ("ff02::1", .multicast), ("fd00:ec2::254", .cloudMetadata),
            ("::ffff:127.0.0.1", .loopback), ("::ffff:10.0.0.1", .privateNetwork), ("::ffff:169.254.169.254", .cloudMetadata),
            ("::ffff:8.8.8.8", .publicInternet), ("64:ff9b::a00:1", .privateNetwork), ("2002:7f00:1::", .loopback),
            ("2001:4860:4860::8888", .publicInternet), ("[::1]", .loopback),
        ]
        for (text, expected) in expectations {
            XCTAssertEqual(kind(text), expected, text)
        }
        XCTAssertNil(IPAddress("not-an-ip"))
    }

    func testResolvedNamesAreCheckedToo() throws {
        let client = OutboundClient(policy: OutboundPolicy())
        XCTAssertThrowsError(try client.vet("http://localhost:8080/")) { error in
            XCTAssertEqual((error as? OutboundError)?.kind, .privateNetwork)
        }
        XCTAssertNoThrow(try OutboundClient(policy: OutboundPolicy(allowPrivateNetwork: true)).vet("http://localhost:8080/"))
        XCTAssertThrowsError(try client.vet("file:///etc/passwd")) { error in
            XCTAssertEqual((error as? OutboundError)?.kind, .invalidURL)
        }
    }
}

final class RedirectCredentialTests: XCTestCase {
    /// Credentials follow a redirect within the same origin, never to another one.
    func testCredentialsDoNotFollowARedirectToAnotherOrigin() async throws {
        let router = Router()
        router.get("away") { request, _ -> Response in
            let authority = request.head.authority ?? ""
            let elsewhere = authority.replacingOccurrences(of: "127.0.0.1", with: "localhost")
            return Response(status: .found, headers: [.location: "http://\(elsewhere)/echo"])
        }
        router.get("same") { _, _ in Response(status: .found, headers: [.location: "/echo"]) }
        router.get("echo") { request, _ -> String in
            "auth=\(request.headers[.authorization] ?? "none");key=\(request.headers[HTTPField.Name("X-Key")!] ?? "none")"
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { server in
            let port = try XCTUnwrap(server.port)
            let client = OutboundClient(policy: OutboundPolicy(allowPrivateNetwork: true))
            func call(_ path: String) async throws -> String {
                let response = try await client.send(
                    OutboundRequest(
                        url: "http://127.0.0.1:\(port)/\(path)", headers: [("Authorization", "Bearer s3cr3t"), ("X-Key", "k-1")],
                        credentialHeaders: ["X-Key"]))
                XCTAssertEqual(response.redirects.count, 1)
                return String(decoding: response.body, as: UTF8.self)
            }
            let same = try await call("same")
            XCTAssertEqual(same, "auth=Bearer s3cr3t;key=k-1")
            let away = try await call("away")
            XCTAssertEqual(away, "auth=none;key=none")
        }
    }
}
