import Certification
import JSONDocument

/// apiProperties.json's parts, found leniently (member names are compared without case, as the
/// platform does), for the properties rules.
struct XMSProperties: Sendable {
    /// One connection parameter: in `connectionParameters`, or in a set of
    /// `connectionParameterSets.values[i].parameters`.
    struct ConnectionParameter: Sendable {
        var name: String
        var value: JSONValue
        var pointer: JSONPointer
    }

    var root: JSONValue
    /// `properties`, when it is an object.
    var properties: JSONObject?
    var propertiesPointer = JSONPointer(tokens: ["properties"])

    init(_ root: JSONValue) {
        self.root = root
        if let member = XMSProperties.member(root.object, "properties") {
            properties = member.value.object
            propertiesPointer = JSONPointer(tokens: [member.key])
        }
    }

    /// The member `name` of `object`, exact or else differing in case.
    static func member(_ object: JSONObject?, _ name: String) -> JSONObject.Member? {
        guard let object else { return nil }
        if let exact = object.member(name) { return exact }
        let lowered = name.lowercased()
        return object.members.first { $0.key.lowercased() == lowered }
    }

    /// A member of `properties`, with its pointer.
    func property(_ name: String) -> (value: JSONValue, pointer: JSONPointer)? {
        XMSProperties.member(properties, name).map { ($0.value, propertiesPointer.appending($0.key)) }
    }

    /// Every connection parameter, in document order.
    var connectionParameters: [ConnectionParameter] {
        var result: [ConnectionParameter] = []
        if let (value, pointer) = property("connectionParameters"), let map = value.object {
            for member in map.members {
                result.append(ConnectionParameter(name: member.key, value: member.value, pointer: pointer.appending(member.key)))
            }
        }
        if let (value, pointer) = property("connectionParameterSets"),
            let values = XMSProperties.member(value.object, "values"), let sets = values.value.array
        {
            for (index, set) in sets.enumerated() {
                guard let parameters = XMSProperties.member(set.object, "parameters"), let map = parameters.value.object else { continue }
                let base = pointer.appending(values.key).appending(index).appending(parameters.key)
                for member in map.members {
                    result.append(ConnectionParameter(name: member.key, value: member.value, pointer: base.appending(member.key)))
                }
            }
        }
        return result
    }
}
