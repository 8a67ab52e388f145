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
        let source = base + start
        let result = [Element](unsafeUninitializedCapacity: n) { buffer, initialized in
            buffer.baseAddress!.moveInitialize(from: source, count: n)
            initialized = n
        }
        count = start
        return result
    }

    @inline(__always)
    func pointer(at index: Int) -> UnsafeMutablePointer<Element> {
        base + index
    }
}
