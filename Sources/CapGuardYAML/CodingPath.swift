/// A coding path that containers share instead of copying: each nested container adds one link,
/// and the array form is built only when someone asks for it, usually for an error.
indirect enum CodingPath {
    case root
    case key(any CodingKey, parent: CodingPath)

    func appending(_ key: (any CodingKey)?) -> CodingPath {
        guard let key else { return self }
        return .key(key, parent: self)
    }

    var keys: [any CodingKey] {
        var keys: [any CodingKey] = []
        var current = self
        while case .key(let key, let parent) = current {
            keys.append(key)
            current = parent
        }
        return keys.reversed()
    }
}
