import Certification
import Foundation
import Hummingbird
import Reports
import StageCatalog
import SubmissionStore
import UseCases

extension ConsolePages {
    // MARK: Re-certification

    func recertificationList(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        let principal = try signedIn(context)
        _ = try QueryParameters(request, accepting: [])
        let batches = try await recertifications.list(by: principal)
        let model: [String: Any] = [
            "batches": batches.map(ConsoleViews.batch), "hasBatches": !batches.isEmpty,
            "canStart": principal.role == .admin,
            "stages": StageRegistry.staticNames.map { ["name": $0] },
        ]
        return ConsoleRenderer.page(
            "recertifications", title: "Re-certification", model: model,
            chrome: chrome(context, current: "/recertifications"))
    }

    func startRecertification(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        let (principal, form) = try await postedForm(request, context)
        var stages: [String]?
        if let named = form.text("stages") {
            stages = named.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let progress = try await recertifications.start(RecertificationRequest(stages: stages), by: principal)
        return ConsoleRenderer.redirect("/recertifications/\(progress.id)?done=started")
    }

    func recertification(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        let principal = try signedIn(context)
        let query = try QueryParameters(request, accepting: ["done"])
        let id = Int64(try context.parameters.require("id"))
        let summary = try await recertifications.summaryModel(id, by: principal)
        var model = ConsoleViews.batchSummary(summary)
        if let done = query.optional("done") { model["flash"] = ConsoleViews.flash(done) }
        let running = summary.state != "finished"
        return ConsoleRenderer.page(
            "recertification", title: "Re-certification \(summary.id)", model: model,
            chrome: chrome(context, current: "/recertifications"), refreshSeconds: running ? 2 : nil)
    }

    // MARK: Tokens

    func tokenList(_ request: Request, _ context: CertifyRequestContext, created: (String, TokenRecord?)?) async throws -> Response {
        let principal = try signedIn(context)
        let query = try QueryParameters(request, accepting: ["done"])
        let records = try await tokens.list(by: principal)
        var model: [String: Any] = [
            "tokens": records.map { record -> [String: Any] in
                var row: [String: Any] = [
                    "id": record.id, "role": record.role.rawValue, "publisher": record.publisher ?? "",
                    "label": record.label ?? "", "created": ConsoleTime.model(record.createdAt),
                    "isSelf": record.id == principal.tokenId,
                ]
                if let revoked = record.revokedAt { row["revoked"] = ConsoleTime.model(revoked) }
                return row
            },
            "roles": Principal.Role.allCases.map { ["name": $0.rawValue] },
        ]
        if let created { model["newToken"] = created.0 }
        if let done = query.optional("done") { model["flash"] = ConsoleViews.flash(done) }
        return ConsoleRenderer.page(
            "tokens", title: "Tokens", model: model, chrome: chrome(context, current: "/admin/tokens"),
            status: created == nil ? .ok : .created)
    }

    func createToken(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        let (principal, form) = try await postedForm(request, context)
        guard let roleName = form.text("role"), let role = Principal.Role(rawValue: roleName) else {
            throw HTTPError(.badRequest, message: "Choose a role: submitter, reviewer or admin.")
        }
        for (name, value) in [("publisher", form.text("publisher")), ("label", form.text("label"))] {
            if let value, value.utf8.count > 200 || !QueryParameters.isClean(value) {
                throw HTTPError(.badRequest, message: "The \(name) must be at most 200 bytes, without control characters.")
            }
        }
        let token = try await tokens.create(role: role, publisher: form.text("publisher"), label: form.text("label"), by: principal)
        return try await tokenList(request, context, created: (token, nil))
    }

    func revokeToken(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        let (principal, _) = try await postedForm(request, context)
        guard let id = Int64(try context.parameters.require("id")) else {
            throw UseCaseError.notFound("No such token.")
        }
        try await tokens.revoke(id, by: principal)
        return ConsoleRenderer.redirect("/admin/tokens?done=revoked")
    }

    // MARK: Webhooks

    func addWebhook(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        let (principal, form) = try await postedForm(request, context)
        guard let url = form.text("url") else {
            throw HTTPError(.badRequest, message: "Give the webhook's URL (https://...).")
        }
        let created = try await webhooks.add(WebhookRequest(url: url, secret: form.text("secret")), by: principal)
        return try await publisherHome(request, context, principal: principal, created: created)
    }

    func deleteWebhook(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        let (principal, _) = try await postedForm(request, context)
        try await webhooks.remove(Int64(try context.parameters.require("id")), by: principal)
        return ConsoleRenderer.redirect("/?done=webhook-removed")
    }
}

extension ConsoleViews {
    static func batch(_ p: RecertificationProgress) -> [String: Any] {
        [
            "id": p.id, "selection": p.selection, "state": p.state, "total": p.total, "finished": p.finished,
            "passed": p.passed, "failed": p.failed, "regressed": p.regressed, "errored": p.errored,
            "by": p.createdBy, "created": ConsoleTime.model(p.createdAt),
            "percent": p.total == 0 ? 100 : (p.finished + p.errored) * 100 / p.total,
        ]
    }

    /// A batch's page: its progress, then regressions first, then connectors that could not be
    /// checked, then failing ones with new findings, then fixed, then the rest.
    static func batchSummary(_ s: RecertificationSummary) -> [String: Any] {
        func connector(_ c: RecertificationSummary.Connector) -> [String: Any] {
            var model: [String: Any] = [
                "id": c.submissionId, "connector": c.connector, "publisher": c.publisher, "revision": c.revision,
                "outcome": c.outcome, "verdict": c.verdict ?? "pending", "previous": c.previousVerdict ?? "none",
                "new": c.newFindings.count, "fixed": c.fixedFindings.count, "regraded": c.regradedFindings.count,
            ]
            if let error = c.error { model["error"] = error }
            return model
        }
        let order: [(String, String, (RecertificationSummary.Connector) -> Bool)] = [
            ("regressed", "Regressed: passed before, fail now", { $0.outcome == "regressed" }),
            ("errored", "Could not be checked", { $0.outcome == "error" }),
            ("new-rule", "Failing a rule newer than the last run (not a regression)", { $0.outcome == "new-rule" }),
            ("newly-failing", "Failing, with new findings", { $0.outcome == "failed" && !$0.newFindings.isEmpty }),
            ("fixed", "Fixed: failed before, pass now", { $0.outcome == "fixed" }),
            (
                "rest", "Same outcome as before",
                {
                    !["regressed", "error", "new-rule", "fixed"].contains($0.outcome)
                        && !($0.outcome == "failed" && !$0.newFindings.isEmpty)
                }
            ),
        ]
        let sections = order.compactMap { key, title, test -> [String: Any]? in
            let items = s.connectors.filter(test)
            guard !items.isEmpty else { return nil }
            return ["key": key, "title": title, "count": items.count, "connectors": items.map(connector)]
        }
        let done = s.finished + s.errored
        return [
            "id": s.id, "selection": s.selection, "state": s.state == "finished" ? "finished" : "running",
            "storedState": s.state, "total": s.total, "done": done, "passed": s.passed, "failed": s.failed,
            "regressed": s.regressed, "errored": s.errored, "ruleset": s.rulesetVersion,
            "created": ConsoleTime.model(s.createdAt), "percent": s.total == 0 ? 100 : done * 100 / s.total,
            "finished": s.state == "finished", "sections": sections,
        ]
    }
}
