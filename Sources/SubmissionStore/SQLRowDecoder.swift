import Foundation

/// Decodes a row into a `Decodable` record: each property from the column of its name in
/// snake_case (`stateChangedAt` from `state_changed_at`), enums from their raw values (an
/// unknown one is an error, never a string passed on), dates from seconds since 1970. A column
/// missing or of another type is `StoreError.column`, naming it.
public enum SQLRowDecoder {
    public static func decode<T: Decodable>(_ type: T.Type, from row: SQLRow) throws -> T {
        do {
            return try T(from: RowDecoder(row: row))
        } catch let error as DecodingError {
            throw StoreError.column("\(T.self): \(describe(error))")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context),
            .dataCorrupted(let context):
            let path = context.codingPath.map { snakeCase($0.stringValue) }.joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// `stateChangedAt` → `state_changed_at`.
    static func snakeCase(_ name: String) -> String {
        var out = ""
        for character in name {
            if character.isUppercase {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }
}

private struct RowDecoder: Decoder {
    let row: SQLRow
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(RowContainer<Key>(row: row))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "a row is not a list"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "a row is not one value"))
    }
}

private struct RowContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let row: SQLRow
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { row.columns.compactMap { Key(stringValue: $0) } }

    func value(_ key: Key) throws -> SQLValue {
        let column = SQLRowDecoder.snakeCase(key.stringValue)
        guard let index = row.columns.firstIndex(of: column) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: [key], debugDescription: "no column \(column) in the row"))
        }
        return row.values[index]
    }

    func contains(_ key: Key) -> Bool {
        row.columns.contains(SQLRowDecoder.snakeCase(key.stringValue))
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        try value(key) == .null
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let value = try value(key)
        if value == .null {
            throw DecodingError.valueNotFound(T.self, .init(codingPath: [key], debugDescription: "NULL"))
        }
        if T.self == Date.self {
            guard let seconds = Double.decode(value), let date = Date(timeIntervalSince1970: seconds) as? T else {
                throw DecodingError.typeMismatch(T.self, .init(codingPath: [key], debugDescription: "\(value.typeName), not seconds"))
            }
            return date
        }
        if let decodable = T.self as? any SQLDecodable.Type {
            guard let decoded = decodable.decode(value) as? T else {
                throw DecodingError.typeMismatch(T.self, .init(codingPath: [key], debugDescription: "\(value.typeName), not \(T.self)"))
            }
            return decoded
        }
        // Enums and other single values: through their own Decodable.
        return try T(from: ValueDecoder(value: value, codingPath: [key]))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        throw DecodingError.typeMismatch(type, .init(codingPath: [key], debugDescription: "a column is not a record"))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: [key], debugDescription: "a column is not a list"))
    }

    func superDecoder() throws -> any Decoder { RowDecoder(row: row) }
    func superDecoder(forKey key: Key) throws -> any Decoder { RowDecoder(row: row) }
}

/// One column's value, for types that decode from a single value (a `String` raw-value enum).
private struct ValueDecoder: Decoder, SingleValueDecodingContainer {
    let value: SQLValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw DecodingError.typeMismatch(type, .init(codingPath: codingPath, debugDescription: "a column is not a record"))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "a column is not a list"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { value == .null }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if let decodable = T.self as? any SQLDecodable.Type, let decoded = decodable.decode(value) as? T {
            return decoded
        }
        throw DecodingError.typeMismatch(T.self, .init(codingPath: codingPath, debugDescription: "\(value.typeName), not \(T.self)"))
    }
}
