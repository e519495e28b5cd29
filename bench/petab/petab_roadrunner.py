"""libRoadRunner side of the PEtab benchmark: simulates every (preequilibration, simulation) condition
pair of a PEtab problem at its measurement times, as one objective evaluation needs, and prints the median
time of the whole set. Parameters: the table's nominal values and the conditions' overrides, set on the
loaded model before each simulation (species overrides as initial values); preequilibration is a
simulation to t = 1e5 first. This times the simulations only (no likelihood), at rtol 1e-8, atol 1e-10
(the objective's defaults). Prints: problem  roadrunner  median_ms  runs  simulations
    petab_roadrunner.py [--runs N] PROBLEM_DIR...
"""
import csv
import os
import statistics
import sys
import time

import roadrunner


def table(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    header = [h.strip() for h in rows[0]]
    return [dict(zip(header, [c.strip() for c in r])) for r in rows[1:] if any(c.strip() for c in r)]


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def main():
    args = sys.argv[1:]
    runs = 20
    if args[:1] == ["--runs"]:
        runs, args = int(args[1]), args[2:]
    roadrunner.Config.setValue(roadrunner.Config.LOADSBMLOPTIONS_RECOMPILE, True)
    for directory in args:
        name = os.path.basename(directory.rstrip("/"))
        files = os.listdir(directory)
        pick = lambda prefix: os.path.join(directory, sorted(f for f in files if f.startswith(prefix))[0])
        parameters = {p["parameterId"]: float(p["nominalValue"]) for p in table(pick("parameters"))}
        conditions = {c["conditionId"]: c for c in table(pick("experimentalCondition"))}
        measurements = table(pick("measurementData"))
        pairs = {}
        for m in measurements:
            key = (m.get("preequilibrationConditionId", ""), m["simulationConditionId"])
            pairs.setdefault(key, set()).add(float(m["time"]))
        r = roadrunner.RoadRunner(pick("model"))
        r.integrator.relative_tolerance = 1e-8
        r.integrator.absolute_tolerance = 1e-10
        ids = set(r.model.getGlobalParameterIds()) | set(r.model.getFloatingSpeciesIds()) | set(r.model.getBoundarySpeciesIds())
        species = set(r.model.getFloatingSpeciesIds())
        selections = ["time"] + r.model.getFloatingSpeciesIds()

        def apply(condition_id):
            for k, v in conditions[condition_id].items():
                if k in ("conditionId", "conditionName") or k not in ids:
                    continue
                value = number(v)
                if value is None:
                    value = parameters.get(v)
                if value is None or value != value:
                    continue
                r.setValue(("init(%s)" % k) if k in species else k, value)

        def evaluate():
            for (pre, sim), times in pairs.items():
                r.resetAll()
                for p, v in parameters.items():
                    if p in ids:
                        r.setValue(p, v)
                apply(pre or sim)
                r.reset()
                if pre:
                    r.simulate(0, 1e5, 2, selections=selections)
                    apply(sim)
                ts = sorted(times)
                if ts[0] > 0:
                    ts = [0.0] + ts
                if len(ts) == 1:
                    ts.append(1.0)
                r.simulate(times=ts, selections=selections)

        evaluate()
        samples = []
        for _ in range(runs):
            t0 = time.perf_counter()
            evaluate()
            samples.append(time.perf_counter() - t0)
        print("%s\troadrunner\t%.4f\t%d\t%d" % (name, statistics.median(samples) * 1e3, runs, len(pairs)))


if __name__ == "__main__":
    main()
