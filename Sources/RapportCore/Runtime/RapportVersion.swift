/// The version of Rapport, shown by `rapport --version`, `!version` and CTCP VERSION.
public enum RapportVersion {
    public static let current = "0.1.0"
}
