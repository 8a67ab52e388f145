import Certification
import Foundation
import HTTPTypes
import Hummingbird
import Reports
import SubmissionStore
import UseCases

extension ConsolePages {
    // MARK: A submission

    func submission(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        let principal = try signedIn(context)
        let query = try QueryParameters(request, accepting: ["done"])
        let id = try context.parameters.require("id")
        let detail = try await submissions.detail(id, by: principal)
        let accepted = try await review.acceptedFindings(of: id, by: principal)
        let referenced = try await submissions.findingsReferenced(by: detail, accepted: accepted)
        var model = ConsoleViews.submission(detail, accepted: accepted, referenced: referenced, principal: principal)
        model["maximumUploadMiB"] = intake.limits.maximumArchiveBytes / (1024 * 1024)
        if let done = query.optional("done") { model["flash"] = ConsoleViews.flash(done) }
        let running = [SubmissionState.submitted.rawValue, SubmissionState.checking.rawValue].contains(detail.submission.state)
        return ConsoleRenderer.page(
            "submission", title: "\(detail.submission.connector) — \(detail.submission.state)", model: model,
            chrome: chrome(context, current: principal.role == .submitter ? "/" : "/queue"),
            refreshSeconds: running ? 2 : nil)
    }

    /// Every review action, from its form: the action's fields, the use case's checks.
    func act(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        let (principal, form) = try await postedForm(request, context)
        let id = try context.parameters.require("id")
        guard let name = form["action"], let action = ReviewAction(rawValue: name) else {
            throw HTTPError(
                .badRequest,
                message: "The form names no action this page knows ('\(QueryParameters.excerpt(form["action"] ?? ""))').")
        }
        var expiresAt: Date?
        if let expires = form.text("expires") {
            // A date input sends YYYY-MM-DD: the acceptance lasts to the end of that day, UTC.
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd"
            guard expires.count == 10, let day = formatter.date(from: expires) else {
                throw HTTPError(.badRequest, message: "The expiry '\(QueryParameters.excerpt(expires))' is not a date (YYYY-MM-DD).")
            }
            expiresAt = day.addingTimeInterval(86400 - 1)
        }
        let text = action == .accept ? form.text("reason") : form.text("text")
        _ = try await review.perform(
            ReviewRequest(
                action: action, text: text, assignee: nil,
                fingerprint: form.text("fingerprint"), expiresAt: expiresAt),
            on: id, by: principal)
        let anchor = form.text("fingerprint").map { "#finding-\($0.prefix(16))" } ?? ""
        return ConsoleRenderer.redirect("/submissions/\(ConsoleViews.queryEncoded(id))?done=\(action.rawValue)\(anchor)")
    }

    /// A new submission (`id` nil) or a new revision, from the upload form (multipart, with the
    /// CSRF token as a field), within the API's upload limits.
    func upload(_ request: Request, _ context: CertifyRequestContext, to id: String?) async throws -> Response {
        guard let principal = context.identity, let session = context.sessions.session else {
            throw HTTPError(.forbidden, message: "You are not signed in (or your session has ended); sign in and try again.")
        }
        try ConsoleSecurity.checkOrigin(request, publicURL: settings.publicURL)
        let query = try QueryParameters(request, accepting: [])
        let read = {
            try await intake.read(request, context: context, query: query) { fields in
                try ConsoleSecurity.checkToken(fields.first { $0.0 == "_csrf" }?.1, expected: session.csrf)
            }
        }
        if let id {
            let detail = try await submissions.addRevision(to: id, try await read(), by: principal)
            return ConsoleRenderer.redirect("/submissions/\(ConsoleViews.queryEncoded(detail.submission.id))?done=revision")
        }
        let detail = try await submissions.submit(try await read(), by: principal)
        return ConsoleRenderer.redirect("/submissions/\(ConsoleViews.queryEncoded(detail.submission.id))?done=submitted")
    }

    // MARK: Comparing revisions

    func compare(_ request: Request, _ context: CertifyRequestContext) async throws -> Response {
        let principal = try signedIn(context)
        let query = try QueryParameters(request, accepting: ["from", "to"])
        let id = try context.parameters.require("id")
        guard let fromText = query.optional("from"), let from = Int(fromText), let toText = query.optional("to"),
            let to = Int(toText)
        else {
            throw HTTPError(.badRequest, message: "Choose two revisions to compare (from and to, by number).")
        }
        let summary = try await submissions.detail(id, by: principal).submission
        let comparison = try await submissions.compare(id, from: from, to: to, by: principal)
        var model = ConsoleViews.comparison(comparison)
        model["id"] = summary.id
        model["connector"] = summary.connector
        return ConsoleRenderer.page(
            "compare", title: "\(summary.connector): revision \(from) → \(to)", model: model,
            chrome: chrome(context, current: principal.role == .submitter ? "/" : "/queue"))
    }
}

extension ConsoleViews {
    /// The submission page: what matters first (state, verdict, counts), then the actions the
    /// person may take, the findings (errors first), accepted findings, history, revisions, and
    /// the probe's exchanges.
    static func submission(
        _ detail: SubmissionDetail, accepted: [AcceptedFinding], referenced: [String: Finding] = [:], principal: Principal,
        now: Date = Date()
    ) -> [String: Any] {
        let s = detail.submission
        let run = detail.latestRun
        let findings = (run?.findings ?? []).sorted(by: Finding.reportOrder)
        let byFingerprint = Dictionary(findings.map { ($0.fingerprint, $0) }, uniquingKeysWith: { first, _ in first })
        let allowed = Set(Review.allowedActions(in: s.state, for: principal))
        var model: [String: Any] = [
            "id": s.id, "connector": s.connector, "publisher": s.publisher, "state": s.state,
            "stateSince": ConsoleTime.model(s.stateChangedAt, now: now),
            "stateFor": ConsoleTime.duration(now.timeIntervalSince(s.stateChangedAt)), "assignee": s.assignee ?? "",
            "hasAssignee": s.assignee != nil, "revision": s.revision, "created": ConsoleTime.model(s.createdAt, now: now),
        ]
        // The verdict of the latest run; pending while it runs.
        let verdict = run?.run.verdict ?? (run?.run.state == "failed" ? "error" : "pending")
        model["verdict"] = verdict
        model["counts"] = severityCounts(findings)
        if let run {
            model["hasRun"] = true
            model["runId"] = run.run.id
            model["runRevision"] = run.run.revision
            model["runReason"] = run.run.reason
            model["runState"] = run.run.state
            model["ruleset"] = run.run.rulesetVersion
            if let error = run.run.error { model["runError"] = error }
            if let finished = run.run.finishedAt { model["finished"] = ConsoleTime.model(finished, now: now) }
            model["stages"] = run.stages.map { stage -> [String: Any] in
                [
                    "name": stage.name, "status": stage.status.rawValue,
                    "duration": String(format: "%.0f ms", stage.durationMs), "findings": stage.findings.count,
                    "skip": stage.skipReason ?? "",
                ]
            }
            model["exchanges"] = run.stages.flatMap(\.exchanges).map { exchange -> [String: Any] in
                var x: [String: Any] = [
                    "operation": exchange.operation, "method": exchange.method, "url": exchange.url,
                    "status": exchange.status.map(String.init) ?? "no answer",
                    "latency": String(format: "%.0f ms", exchange.latencyMs),
                    "requestHeaders": exchange.requestHeaders.joined(separator: "\n"),
                    "responseHeaders": exchange.responseHeaders.joined(separator: "\n"),
                    "body": exchange.bodyExcerpt,
                ]
                if let error = exchange.error { x["error"] = error }
                return x
            }
            model["hasExchanges"] = !run.stages.flatMap(\.exchanges).isEmpty
        }
        // Counts by rule, as the reports count them: the error rules first, then by count.
        model["rules"] = PackageReport(name: s.connector, verdict: .pass, stages: run?.stages ?? []).ruleCounts.map {
            ["rule": $0.ruleId, "severity": $0.severity.rawValue, "count": $0.count] as [String: Any]
        }
        // Comments on each finding, from the history.
        var comments: [String: [[String: Any]]] = [:]
        for event in detail.events where event.action == ReviewAction.comment.rawValue {
            guard let fingerprint = event.fingerprint else { continue }
            comments[fingerprint, default: []].append([
                "actor": event.actor, "text": event.text ?? "", "at": ConsoleTime.model(event.createdAt, now: now),
            ])
        }
        let acceptedPrints = Set(accepted.map(\.fingerprint))
        let canComment = allowed.contains(.comment)
        let canAccept = allowed.contains(.accept)
        let defaultExpiry = exactDay(now.addingTimeInterval(90 * 86400))
        // A page of 1,000 findings repeats the same rule texts, form address and token: each is
        // escaped once here and inserted with {{{...}}}, never a value that was not escaped.
        var ruleHTML: [String: String] = [:]
        let actionHTML = html("/submissions/\(s.id)/actions")
        model["groups"] = [Severity.error, .warning, .info].compactMap { severity -> [String: Any]? in
            let items = findings.filter { $0.severity == severity }
            guard !items.isEmpty else { return nil }
            return [
                "severity": severity.rawValue, "count": items.count,
                "label": "\(items.count) \(severity.rawValue)\(items.count == 1 ? "" : "s")",
                "findings": items.map { item -> [String: Any] in
                    var f = finding(item, explained: false)
                    if ruleHTML[item.ruleId] == nil { ruleHTML[item.ruleId] = explanationHTML(item.ruleId) }
                    f["ruleHTML"] = ruleHTML[item.ruleId]
                    f["fingerprintHTML"] = html(item.fingerprint)
                    f["actionHTML"] = actionHTML
                    f["anchor"] = "finding-\(item.fingerprint.prefix(16))"
                    f["comments"] = comments[item.fingerprint] ?? []
                    f["hasComments"] = comments[item.fingerprint] != nil
                    f["canComment"] = canComment
                    // Errors block certification and cannot be accepted, except a breaking change
                    // the publisher has confirmed; warnings and infos can.
                    f["canAccept"] =
                        canAccept && Finding.isAcceptable(ruleId: item.ruleId, severity: item.severity)
                        && !acceptedPrints.contains(item.fingerprint)
                    f["isAccepted"] = acceptedPrints.contains(item.fingerprint)
                    f["defaultExpiry"] = defaultExpiry
                    return f
                },
            ]
        }
        model["hasFindings"] = !findings.isEmpty
        model["accepted"] = accepted.map { item -> [String: Any] in
            var a: [String: Any] = [
                "fingerprint": item.fingerprint, "rule": item.ruleId, "reason": item.reason, "actor": item.actor,
                "at": ConsoleTime.model(item.createdAt, now: now),
                "place": (byFingerprint[item.fingerprint] ?? referenced[item.fingerprint]).map(place) ?? "an unknown place",
            ]
            if byFingerprint[item.fingerprint] == nil { a["gone"] = true }
            if let expires = item.expiresAt { a["expires"] = ConsoleTime.model(expires, now: now) }
            return a
        }
        model["hasAccepted"] = !accepted.isEmpty
        model["events"] = detail.events.reversed().map { event -> [String: Any] in
            var e: [String: Any] = [
                "action": event.action, "actor": event.actor, "at": ConsoleTime.model(event.createdAt, now: now),
            ]
            if let text = event.text, !text.isEmpty { e["text"] = text }
            if let from = event.fromState, let to = event.toState, from != to { e["transition"] = "\(from) → \(to)" }
            if let revision = event.revision { e["eventRevision"] = revision }
            if let fingerprint = event.fingerprint {
                if let about = byFingerprint[fingerprint] {
                    e["about"] = "\(about.ruleId) at \(place(about))"
                    e["aboutAnchor"] = "finding-\(fingerprint.prefix(16))"
                } else if let about = referenced[fingerprint] {
                    e["about"] = "\(about.ruleId) at \(place(about)) (no longer found by the latest run)"
                } else {
                    e["about"] = "finding \(fingerprint.prefix(12))…"
                }
            }
            return e
        }
        model["revisions"] = detail.revisions.reversed().map { revision -> [String: Any] in
            [
                "number": revision.number, "fileName": revision.fileName ?? "(no file name)",
                "by": revision.submittedBy, "at": ConsoleTime.model(revision.createdAt, now: now),
                "sha": String(revision.contentSha256.prefix(12)),
            ]
        }
        let numbers = detail.revisions.map(\.number)
        if numbers.count > 1 {
            model["canCompare"] = true
            model["fromOptions"] = numbers.map { ["number": $0, "selected": $0 == numbers[numbers.count - 2]] }
            model["toOptions"] = numbers.map { ["number": $0, "selected": $0 == numbers[numbers.count - 1]] }
        }
        // The actions, as forms; the page shows only those the person may take now.
        var actions: [String: Any] = [:]
        for action in allowed { actions[action.rawValue.replacingOccurrences(of: "-", with: "_")] = true }
        actions["any"] = !allowed.subtracting([.comment, .accept]).isEmpty
        model["can"] = actions
        let closed = [SubmissionState.withdrawn.rawValue, SubmissionState.rejected.rawValue].contains(s.state)
        model["canUploadRevision"] = principal.role != .reviewer && !closed
        model["running"] = [SubmissionState.submitted.rawValue, SubmissionState.checking.rawValue].contains(s.state)
        return model
    }

    static func exactDay(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }

    static func comparison(_ c: RevisionComparison) -> [String: Any] {
        func list(_ findings: [Finding]) -> [[String: Any]] { findings.map { finding($0) } }
        let s = c.swagger
        func operations(_ items: [SwaggerChanges.Operation]) -> [[String: Any]] {
            items.map { ["name": $0.name, "route": $0.route, "details": $0.details] }
        }
        return [
            "from": c.from, "to": c.to, "fromChecked": c.fromChecked, "toChecked": c.toChecked,
            "new": list(c.newFindings), "fixed": list(c.fixedFindings), "unchanged": list(c.unchangedFindings),
            "newCount": c.newFindings.count, "fixedCount": c.fixedFindings.count,
            "unchangedCount": c.unchangedFindings.count,
            "added": operations(s.added), "removed": operations(s.removed), "changed": operations(s.changed),
            "definitionsAdded": s.definitionsAdded, "definitionsRemoved": s.definitionsRemoved,
            "definitionsChanged": s.definitionsChanged, "unreadable": s.unreadable,
            "swaggerUnchanged": s.isEmpty,
            "hasAdded": !s.added.isEmpty, "hasRemoved": !s.removed.isEmpty, "hasChanged": !s.changed.isEmpty,
            "hasDefinitionsAdded": !s.definitionsAdded.isEmpty, "hasDefinitionsRemoved": !s.definitionsRemoved.isEmpty,
            "hasDefinitionsChanged": !s.definitionsChanged.isEmpty,
        ]
    }
}
