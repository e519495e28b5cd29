import PathwayModel

/// The model's expression type (Foundation also declares an `Expression`; this one is meant here).
typealias Expression = PathwayModel.Expression
