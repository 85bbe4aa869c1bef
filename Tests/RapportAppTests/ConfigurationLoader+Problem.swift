import RapportApp

extension ConfigurationLoader {
    /// What is wrong with `yaml` (named `test.yaml`), or `nil` if it loads.
    func problem(_ yaml: String) -> ConfigurationError? {
        do {
            _ = try parse(yaml, file: "test.yaml")
            return nil
        } catch {
            return error
        }
    }
}
