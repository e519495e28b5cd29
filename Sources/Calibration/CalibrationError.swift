import PathwayModel

/// Why a PEtab problem could not be read or evaluated: one message with its place (the table and row,
/// as `file:line:column`), written for the person at the command line.
public struct CalibrationError: Error, Sendable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(at location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    /// `file:line:column: error: message`.
    public var diagnostic: Diagnostic { Diagnostic(.error, at: location, message) }

    public var description: String { diagnostic.description }
}
