import Simulator

extension CompiledModel {
    /// A solver status in the model's words: component indices become state names, times carry the
    /// model's unit (`'c354' went negative (-1.01e-08) at t = 0.05 s`). Without advice: what to try
    /// depends on where the run came from (the command line adds its options).
    public func describe(_ status: SolverStatus) -> String {
        func name(_ k: Int) -> String { k < stateNames.count ? "'\(stateNames[k])'" : "component \(k)" }
        let unit = model.units.time.rawValue
        switch status {
        case .nonFinite(let k, let t):
            return "\(name(k)) became NaN or infinite at t = \(NumberFormat.exact(t)) \(unit)"
        case .negativeState(let k, let t, let v):
            return "\(name(k)) went negative (\(NumberFormat.exact(v))) at t = \(NumberFormat.exact(t)) \(unit)"
        case .stepSizeUnderflow(let t, let h):
            return "step size underflow at t = \(NumberFormat.exact(t)) \(unit) (h = \(h)): the model may be singular there"
        case .maxStepsReached(let t, let n):
            return "the step limit (\(n) steps) was reached at t = \(NumberFormat.exact(t)) \(unit)"
        default: return status.description
        }
    }
}
