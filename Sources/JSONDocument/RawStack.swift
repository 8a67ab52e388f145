/// A growable stack on manually managed memory, so that finished containers can be moved
/// (not copied and released) into their arrays.
struct RawStack<Element>: ~Copyable {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count: Int = 0
    private var capacity: Int

    init(initialCapacity: Int) {
        capacity = max(initialCapacity, 16)
        base = .allocate(capacity: capacity)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    @inline(__always)
    mutating func push(_ element: consuming Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: element)
        count &+= 1
    }

    private mutating func grow() {
        let newCapacity = capacity * 2
        let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        newBase.moveInitialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Moves the elements from `start` to the top into a new array, and pops them.
    mutating func moveToArray(from start: Int) -> [Element] {
        let n = count - start
        if n == 0 { return [] }
        // Not `Array(unsafeUninitializedCapacity:)`: it allocates through a standard library
        // entry point that cannot be specialized and looks up the array's type metadata at run
        // time on every call, while `reserveCapacity` is specialized here. Moving elements in
        // one by one costs no reference counting.
        var result: [Element] = []
        result.reserveCapacity(n)
        let source = base + start
        for k in 0..<n {
            result.append((source + k).move())
        }
        count = start
        return result
    }

    @inline(__always)
    subscript(index: Int) -> Element {
        base[index]
    }

    /// The top element; the stack must not be empty.
    @inline(__always)
    var top: Element {
        base[count &- 1]
    }

    /// Moves the top element out; the stack must not be empty.
    @inline(__always)
    mutating func pop() -> Element {
        count &-= 1
        return (base + count).move()
    }

    /// Drops the elements from `start` to the top.
    mutating func removeAll(from start: Int) {
        (base + start).deinitialize(count: count &- start)
        count = start
    }
}
