import Certification

/// Finds credentials by their well-known shapes in text: cloud and SaaS keys with fixed
/// prefixes, private key blocks, JSON Web Tokens and bearer tokens. One pass over the bytes,
/// no regular expressions: the swagger of a connector can be a megabyte.
enum PolicyFilesSecretScanner {
    struct Match: Sendable {
        /// What kind of credential it looks like, for the message ("an AWS access key").
        var kind: String
        var offset: Int
        var text: String
        /// How many leading characters of `text` are a label, not the secret (`Bearer `).
        var labelLength = 0

        /// The match for a message: the label, then the secret masked.
        var masked: String {
            String(text.prefix(labelLength)) + PolicyFilesText.mask(String(text.dropFirst(labelLength)))
        }
    }

    /// Values that documentation uses as examples of these shapes, never real.
    static let documentedExamples = ["EXAMPLE", "XXXXXXXX", "xxxxxxxx", "0000000000000000"]

    /// The first two bytes of every shape, indexed by `first << 8 | second`, so that the
    /// scan skips everything else quickly.
    static let openings: [Bool] = {
        var table = [Bool](repeating: false, count: 65_536)
        let pairs =
            ["AK", "AS", "AI", "Ac", "Sh", "--", "sk", "rk", "gh", "gi", "xo", "ho", "ey", "?s", "&s"]
            + ["Be", "BE", "bE", "be"]
        for pair in pairs {
            let bytes = Array(pair.utf8)
            table[Int(bytes[0]) << 8 | Int(bytes[1])] = true
        }
        return table
    }()

    static let akia = Array("AKIA".utf8), asia = Array("ASIA".utf8), aiza = Array("AIza".utf8)
    static let accountKey = Array("AccountKey=".utf8), sharedAccessKey = Array("SharedAccessKey=".utf8)
    static let pemBegin = Array("-----BEGIN ".utf8), pemDashes = Array("-----".utf8)
    static let stripe = [Array("sk_live_".utf8), Array("rk_live_".utf8)]
    static let github = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"].map { Array($0.utf8) }, githubPAT = Array("github_pat_".utf8)
    static let xox = Array("xox".utf8), slackHook = Array("hooks.slack.com/services/T".utf8)
    static let jwt = Array("eyJ".utf8), bearer = Array("bearer".utf8), sig = Array("sig=".utf8)

    static func scan(_ bytes: [UInt8]) -> [Match] {
        var matches: [Match] = []
        var index = 0
        let count = bytes.count
        let table = openings
        while index + 1 < count {
            // Skip to the next two bytes that can start a shape.
            index = bytes.withUnsafeBufferPointer { buffer in
                table.withUnsafeBufferPointer { table in
                    var cursor = index
                    while cursor + 1 < count && !table[Int(buffer[cursor]) << 8 | Int(buffer[cursor + 1])] { cursor += 1 }
                    return cursor
                }
            }
            if index + 1 >= count { break }
            if let match = match(in: bytes, at: index) {
                if !documentedExamples.contains(where: { match.text.contains($0) }) {
                    matches.append(match)
                }
                index = match.offset + max(1, match.text.utf8.count)
            } else {
                index += 1
            }
        }
        return matches
    }

    static func scan(_ text: String) -> [Match] { scan(Array(text.utf8)) }

    private static func match(in bytes: [UInt8], at index: Int) -> Match? {
        let byte = bytes[index]
        let startsWord = index == 0 || !isWordByte(bytes[index - 1])
        switch byte {
        case UInt8(ascii: "A") where startsWord:
            if bytes.policyFilesHasPrefix(akia, at: index) || bytes.policyFilesHasPrefix(asia, at: index) {
                let body = run(bytes, from: index + 4) { isUpperOrDigit($0) }
                if body == 16 && !isWordByte(at: index + 20, bytes) {
                    return make("an AWS access key", bytes, index, 20)
                }
            }
            if bytes.policyFilesHasPrefix(aiza, at: index) {
                let body = run(bytes, from: index + 4) { isWordByte($0) || $0 == UInt8(ascii: "-") }
                if body == 35 { return make("a Google API key", bytes, index, 39) }
            }
            if let match = azureKey(bytes, index, accountKey) { return match }
        case UInt8(ascii: "S") where startsWord:
            if let match = azureKey(bytes, index, sharedAccessKey) { return match }
        case UInt8(ascii: "-"):
            let header = pemBegin
            guard bytes.policyFilesHasPrefix(header, at: index) else { return nil }
            var end = index + header.count
            while end < bytes.count, end - index < 60, bytes[end] != 0x0A, !bytes.policyFilesHasPrefix(pemDashes, at: end) {
                end += 1
            }
            let title = String(decoding: bytes[(index + header.count)..<end], as: UTF8.self)
            guard title.hasSuffix("PRIVATE KEY") || title.hasSuffix("PRIVATE KEY BLOCK"),
                bytes.policyFilesHasPrefix(pemDashes, at: end)
            else { return nil }
            // A real block has a base64 body; "-----BEGIN PRIVATE KEY-----\n...\n" does not.
            var cursor = end + 5
            var bodyCharacters = 0
            while cursor < bytes.count, cursor - end < 400, bodyCharacters < 64 {
                let next = bytes[cursor]
                if isBase64(next) {
                    bodyCharacters += 1
                } else if next == UInt8(ascii: "\\") && cursor + 1 < bytes.count && bytes[cursor + 1] == UInt8(ascii: "n") {
                    cursor += 1  // an escaped newline inside a source string
                } else if ![0x0A, 0x0D, 0x20, 0x09].contains(next) && !(next == UInt8(ascii: ":") || next == UInt8(ascii: ",")) {
                    break
                }
                cursor += 1
            }
            if bodyCharacters >= 64 { return make("a private key", bytes, index, end + 5 - index) }
        case UInt8(ascii: "s"), UInt8(ascii: "r"):
            for prefix in stripe where startsWord && bytes.policyFilesHasPrefix(prefix, at: index) {
                let body = run(bytes, from: index + 8) { isAlphanumeric($0) }
                if body >= 16 { return make("a Stripe live key", bytes, index, 8 + body) }
            }
        case UInt8(ascii: "g") where startsWord:
            for prefix in github where bytes.policyFilesHasPrefix(prefix, at: index) {
                let body = run(bytes, from: index + 4) { isAlphanumeric($0) }
                if body >= 36 { return make("a GitHub token", bytes, index, 4 + body) }
            }
            if bytes.policyFilesHasPrefix(githubPAT, at: index) {
                let body = run(bytes, from: index + 11) { isWordByte($0) }
                if body >= 22 { return make("a GitHub token", bytes, index, 11 + body) }
            }
        case UInt8(ascii: "x") where startsWord:
            guard bytes.policyFilesHasPrefix(xox, at: index), index + 4 < bytes.count,
                "abprs".utf8.contains(bytes[index + 3]), bytes[index + 4] == UInt8(ascii: "-")
            else { return nil }
            let body = run(bytes, from: index + 5) { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
            let digits = bytes[(index + 5)..<(index + 5 + body)].filter { $0 >= 0x30 && $0 <= 0x39 }.count
            if body >= 20 && digits >= 6 { return make("a Slack token", bytes, index, 5 + body) }
        case UInt8(ascii: "h"):
            let prefix = slackHook
            guard bytes.policyFilesHasPrefix(prefix, at: index) else { return nil }
            let body = run(bytes, from: index + prefix.count) { isAlphanumeric($0) || $0 == UInt8(ascii: "/") }
            if body >= 30 {
                var match = make("a Slack webhook URL", bytes, index, prefix.count + body)
                match.labelLength = prefix.count - 1
                return match
            }
        case UInt8(ascii: "e") where startsWord:
            guard bytes.policyFilesHasPrefix(jwt, at: index) else { return nil }
            var cursor = index
            var parts: [Int] = []
            while parts.count < 3 {
                let length = run(bytes, from: cursor) { isBase64URL($0) }
                parts.append(length)
                cursor += length
                guard parts.count < 3, cursor < bytes.count, bytes[cursor] == UInt8(ascii: ".") else { break }
                cursor += 1
            }
            if parts.count == 3, parts.allSatisfy({ $0 >= 10 }), bytes.policyFilesHasPrefix(jwt, at: index + parts[0] + 1) {
                return make("a JSON Web Token", bytes, index, cursor - index)
            }
        case UInt8(ascii: "B"), UInt8(ascii: "b"):
            guard startsWord, bytes.policyFilesHasPrefix(bearer, at: index, ignoringCase: true) else { return nil }
            var cursor = index + 6
            let spaces = run(bytes, from: cursor) { $0 == 0x20 }
            guard spaces >= 1 else { return nil }
            cursor += spaces
            let length = run(bytes, from: cursor) { isAlphanumeric($0) || "-._~+/=".utf8.contains($0) }
            guard length >= 16 else { return nil }
            let token = String(decoding: bytes[cursor..<(cursor + length)], as: UTF8.self)
            if PolicyFilesText.looksRandom(token, minimumLength: 16, minimumEntropy: 3.5) {
                var match = make("a bearer token", bytes, index, cursor + length - index)
                match.labelLength = cursor - index
                return match
            }
        case UInt8(ascii: "?"), UInt8(ascii: "&"):
            guard bytes.policyFilesHasPrefix(sig, at: index + 1) else { return nil }
            let body = run(bytes, from: index + 5) { isAlphanumeric($0) || "%+/=".utf8.contains($0) }
            if body >= 30 {
                var match = make("a shared access signature", bytes, index + 1, 4 + body)
                match.labelLength = 4
                return match
            }
        default:
            return nil
        }
        return nil
    }

    /// `AccountKey=` or `SharedAccessKey=` and a base64 key, as in connection strings.
    private static func azureKey(_ bytes: [UInt8], _ index: Int, _ prefix: [UInt8]) -> Match? {
        guard bytes.policyFilesHasPrefix(prefix, at: index) else { return nil }
        let body = run(bytes, from: index + prefix.count) { isBase64($0) }
        guard body >= 40 else { return nil }
        var match = make("an Azure storage or service bus key", bytes, index, prefix.count + body)
        match.labelLength = prefix.count
        return match
    }

    private static func make(_ kind: String, _ bytes: [UInt8], _ offset: Int, _ length: Int) -> Match {
        Match(kind: kind, offset: offset, text: String(decoding: bytes[offset..<min(bytes.count, offset + length)], as: UTF8.self))
    }

    /// How many bytes from `start` satisfy `accept`.
    private static func run(_ bytes: [UInt8], from start: Int, _ accept: (UInt8) -> Bool) -> Int {
        var end = start
        while end < bytes.count && accept(bytes[end]) { end += 1 }
        return end - start
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    static func isWordByte(_ byte: UInt8) -> Bool { isAlphanumeric(byte) || byte == UInt8(ascii: "_") }

    private static func isWordByte(at index: Int, _ bytes: [UInt8]) -> Bool { index < bytes.count && isWordByte(bytes[index]) }

    private static func isUpperOrDigit(_ byte: UInt8) -> Bool { (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) }

    private static func isBase64(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=")
    }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }
}
