import Foundation

/// Values computed once per package and shared by the rules that need them, such as a walk of
/// every object of the swagger: rules stay independent, the walk is not repeated.
public final class Memo: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: any Sendable] = [:]

    public init() {}

    /// The value stored under `key`, made by `make` the first time.
    public func value<T: Sendable>(_ key: String, _ make: () -> T) -> T {
        lock.lock()
        if let value = values[key] as? T {
            lock.unlock()
            return value
        }
        lock.unlock()
        let value = make()
        lock.lock()
        values[key] = value
        lock.unlock()
        return value
    }
}
