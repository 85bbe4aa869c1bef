extension KeyedDecodingContainer {
    /// A number that must be finite and above zero (a duration, a rate), or `fallback` when the
    /// key is absent. `.inf`, `.nan`, zero and negative numbers are refused with a clear message:
    /// a timer or a token bucket fed one of them would never fire, or fire all the time.
    public func decodePositive(_ key: Key, default fallback: Double) throws -> Double {
        guard let value = try decodeIfPresent(Double.self, forKey: key) else { return fallback }
        guard value.isFinite, value > 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: "expected a number above zero, not \(value).")
        }
        return value
    }
}
