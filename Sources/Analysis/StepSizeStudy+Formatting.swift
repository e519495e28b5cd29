import PathwayModel

extension StepSizeStudy {
    public enum Format: String, Sendable, CaseIterable { case text, json }

    /// The study as a report for people (text) or as JSON.
    public func formatted(_ format: Format, model: Model) -> String {
        format == .json ? json(model: model) : text(model: model)
    }

    private static func short(_ v: Double) -> String { NumberFormat.short(v, digits: 4) }

    private static func error(_ v: Double) -> String { v.isFinite ? NumberFormat.short(v, digits: 2) : "-" }

    private static func eigenvalue(_ l: ComplexValue) -> String {
        l.imaginary == 0 ? short(l.real) : "\(short(l.real)) ± \(short(abs(l.imaginary)))i"
    }

    private func text(model: Model) -> String {
        let unit = model.units.time.rawValue
        let name = model.name.isEmpty ? model.id : model.name
        var out = "Step sizes on \(name), t = 0 to \(Self.short(end)) \(unit)\n"
        out += "species: \(species.joined(separator: ", ")); runs compared at \(outputTimes.count) evenly spaced output times\n"
        out += "error: \(Self.errorMeasure)\n"
        out += "reference: \(reference.method.rawValue) at rtol \(Self.short(reference.rtol)), atol \(Self.short(reference.atol)) "
        out += "(\(reference.acceptedSteps) steps); its own error, the floor: about \(Self.error(reference.floor))\n"

        if !fixedStep.isEmpty {
            out += "\nError by step (fixed-step methods)"
            if ladderFromStiffness, let first = ladder.first {
                out += "; the ladder starts at \(Self.short(first)) \(unit): t-end/10 halved towards Euler's stability bound, "
                out += "the finest run kept under \(StepSizeStudy.ladderBudget) steps"
            }
            out += ":\n"
            let marks: [ConvergenceOrder.PointStatus: String] = [.used: "", .unstable: "unstable", .preAsymptotic: "pre", .atFloor: "floor"]
            let steps = fixedStep[0].points.map(\.step)
            var rows: [[String]] = []
            for (i, h) in steps.enumerated() {
                var row = [Self.short(h)]
                for m in fixedStep {
                    let p = m.points[i]
                    row.append(p.status == .unstable ? "unstable" : "\(Self.error(p.error)) \(marks[p.status]!)".trimmingTrailingSpaces)
                }
                rows.append(row)
            }
            out += TextTable.render(header: ["step (\(unit))"] + fixedStep.map(\.method.rawValue), rows: rows,
                                    rightAligned: Set(0...fixedStep.count))
            out += "(pre: before the asymptotic range; floor: at the reference's floor; unstable: blew up or left its reference range. Unmarked points are fitted.)\n"
            out += "\nMeasured order of convergence (slope of log error against log step over the fitted points):\n"
            for m in fixedStep {
                let used = m.usedSteps
                let order = m.observedOrder.map { String(format: "%.2f", $0) } ?? "n/a"
                var range = used.isEmpty ? "no usable points" : "\(used.count) points, steps \(Self.short(used.first!)) to \(Self.short(used.last!)) \(unit)"
                if used.count == 2 { range += "; two points cannot show that the range is asymptotic" }
                if used.isEmpty && m.points.allSatisfy({ $0.status == .unstable }) {
                    range += "; every step is beyond the stability limit: the model is stiff, try a shorter t-end and smaller steps"
                }
                out += "  \(m.method.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)) \(order)  (theory \(m.theoreticalOrder); \(range))\n"
            }
        }

        if !adaptive.isEmpty {
            let tolerances = adaptive.first.map { "rtol \(Self.short($0.rtol)), atol \(Self.short($0.atol))" } ?? ""
            out += "\nSteps the adaptive methods choose (\(tolerances)):\n"
            var rows: [[String]] = []
            for a in adaptive {
                if let s = a.summary {
                    rows.append([a.method.rawValue, "\(s.count)", Self.short(s.min), Self.short(s.median), Self.short(s.max),
                                 a.failure == nil ? Self.error(a.error) : "failed"])
                } else {
                    rows.append([a.method.rawValue, "0", "-", "-", "-", "failed"])
                }
            }
            out += TextTable.render(header: ["method", "accepted", "min (\(unit))", "median", "max", "error"], rows: rows,
                                    rightAligned: [1, 2, 3, 4, 5])
            out += "(min, median and max leave out the last step, cut to end exactly at t-end)\n"
            for a in adaptive { if let f = a.failure { out += "  \(a.method.rawValue) failed: \(f)\n" } }
        }

        if let s = eulerStability {
            out += "\nLargest stable Euler step: "
            switch (s.largestStableStep, s.smallestUnstableStep) {
            case let (lo?, hi?): out += "\(Self.short(lo)) \(unit) (unstable at \(Self.short(hi)) \(unit); bisection to 1 %, \(s.runs) runs)\n"
            case let (lo?, nil): out += "at least \(Self.short(lo)) \(unit)\n"
            case let (nil, hi?): out += "below \(Self.short(hi)) \(unit)\n"
            case (nil, nil): out += "not found\n"
            }
            if let note = s.note { out += "  (\(note))\n" }
            func explain(_ k: EulerStability.Stiffness, _ where_: String) -> String {
                var line = "  fastest eigenvalue of the Jacobian \(where_): λ = \(Self.eigenvalue(k.eigenvalue)) /\(unit)"
                if let b = k.bound {
                    line += k.eigenvalue.imaginary == 0
                        ? " → Euler needs h < 2/|λ| = \(Self.short(b)) \(unit)"
                        : " → Euler needs h < −2 Re λ/|λ|² = \(Self.short(b)) \(unit)"
                } else {
                    line += " (not decaying: no bound from it)"
                }
                if let t = k.tightestBound, t < (k.bound ?? .infinity) * 0.999 {
                    line += "; another eigenvalue's bound is tighter: \(Self.short(t)) \(unit)"
                }
                return line + "\n"
            }
            if let k = s.initial { out += explain(k, "at t = 0") }
            if let k = s.trajectory { out += explain(k, "at its largest over the reference (t = \(Self.short(k.time)) \(unit))") }
            if let k = s.final { out += explain(k, "at t-end") }
            let bound = [s.trajectory?.tightestBound, s.initial?.tightestBound].compactMap { $0 }.min()
            if let bound, let lo = s.largestStableStep, s.smallestUnstableStep != nil {
                out += "  found / bound = \(String(format: "%.2f", lo / bound))"
                if let b = s.final?.tightestBound, abs(b / bound - 1) > 0.02 {
                    out += " (against the bound at t-end: \(String(format: "%.2f", lo / b)))"
                }
                out += lo / bound > 0.5 && lo / bound < 2
                    ? ": the fastest mode sets Euler's largest step, however slowly the solution itself changes\n"
                    : " (the bound is linear and local: the real limit moves with the trajectory)\n"
            }
        }
        return out
    }

    private func json(model: Model) -> String {
        let unit = model.units.time.rawValue
        var out = "{\n"
        out += "  \"model\": \(JSON.string(model.id)),\n"
        out += "  \"species\": [" + species.map(JSON.string).joined(separator: ", ") + "],\n"
        out += "  \"t_end\": \(JSON.number(end)),\n"
        out += "  \"time_unit\": \(JSON.string(unit)),\n"
        out += "  \"output_times\": \(outputTimes.count),\n"
        out += "  \"ladder\": [" + ladder.map(JSON.number).joined(separator: ", ") + "],\n"
        out += "  \"error_measure\": \(JSON.string(Self.errorMeasure)),\n"
        out += "  \"reference\": {\"method\": \(JSON.string(reference.method.rawValue)), \"rtol\": \(JSON.number(reference.rtol)), "
        out += "\"atol\": \(JSON.number(reference.atol)), \"floor\": \(JSON.number(reference.floor)), \"accepted_steps\": \(reference.acceptedSteps)},\n"
        out += "  \"methods\": [\n"
        out += fixedStep.map { m in
            var e = "    {\"method\": \(JSON.string(m.method.rawValue)), \"theoretical_order\": \(m.theoreticalOrder), "
            e += "\"observed_order\": \(m.observedOrder.map(JSON.number) ?? "null"),\n"
            e += "     \"used_steps\": [" + m.usedSteps.map(JSON.number).joined(separator: ", ") + "],\n"
            e += "     \"errors\": [\n"
            e += m.points.map { p in
                var s = "       {\"step\": \(JSON.number(p.step)), \"error\": \(JSON.number(p.error)), \"status\": \(JSON.string(p.status.rawValue))"
                if let why = p.instability { s += ", \"instability\": \(JSON.string(why))" }
                return s + "}"
            }.joined(separator: ",\n")
            return e + "\n     ]}"
        }.joined(separator: ",\n")
        out += (fixedStep.isEmpty ? "" : "\n") + "  ],\n"
        out += "  \"adaptive\": [\n"
        out += adaptive.map { a in
            let s = a.summary
            var e = "    {\"method\": \(JSON.string(a.method.rawValue)), \"rtol\": \(JSON.number(a.rtol)), \"atol\": \(JSON.number(a.atol)), "
            e += "\"accepted_steps\": \(s?.count ?? 0), \"min_step\": \(s.map { JSON.number($0.min) } ?? "null"), "
            e += "\"median_step\": \(s.map { JSON.number($0.median) } ?? "null"), \"max_step\": \(s.map { JSON.number($0.max) } ?? "null"), "
            e += "\"error\": \(JSON.number(a.error)), \"failure\": \(a.failure.map(JSON.string) ?? "null"),\n"
            e += "     \"step_times\": [" + a.stepTimes.map(JSON.number).joined(separator: ", ") + "]}"
            return e
        }.joined(separator: ",\n")
        out += (adaptive.isEmpty ? "" : "\n") + "  ],\n"
        if let s = eulerStability {
            func stiffness(_ k: EulerStability.Stiffness?) -> String {
                guard let k else { return "null" }
                return "{\"time\": \(JSON.number(k.time)), \"eigenvalue\": [\(JSON.number(k.eigenvalue.real)), \(JSON.number(k.eigenvalue.imaginary))], "
                    + "\"bound\": \(k.bound.map(JSON.number) ?? "null"), \"tightest_bound\": \(k.tightestBound.map(JSON.number) ?? "null")}"
            }
            out += "  \"euler_stability\": {\n"
            out += "    \"largest_stable_step\": \(s.largestStableStep.map(JSON.number) ?? "null"),\n"
            out += "    \"smallest_unstable_step\": \(s.smallestUnstableStep.map(JSON.number) ?? "null"),\n"
            out += "    \"runs\": \(s.runs),\n"
            out += "    \"note\": \(s.note.map(JSON.string) ?? "null"),\n"
            out += "    \"initial\": \(stiffness(s.initial)),\n"
            out += "    \"trajectory\": \(stiffness(s.trajectory)),\n"
            out += "    \"final\": \(stiffness(s.final))\n"
            out += "  }\n"
        } else {
            out += "  \"euler_stability\": null\n"
        }
        return out + "}\n"
    }
}
