"""libRoadRunner side of the simulation benchmark.

For each SBML file: median time of a cold load (a new RoadRunner, with the compiled-model cache
disabled so that every load parses and JIT-compiles), and median time of `simulate(0, end, points)`
after `reset()`, at the tolerances given. Prints tab-separated lines:
    model  what  median_ms  runs
"""
import statistics
import sys
import time

import roadrunner


def main():
    args = sys.argv[1:]
    runs, rtol, atol, points = 50, 1e-6, 1e-9, 1001
    while args and args[0].startswith("--"):
        flag, value = args[0], args[1]
        args = args[2:]
        if flag == "--runs":
            runs = int(value)
        elif flag == "--rtol":
            rtol = float(value)
        elif flag == "--atol":
            atol = float(value)
        elif flag == "--points":
            points = int(value)
    roadrunner.Config.setValue(roadrunner.Config.LOADSBMLOPTIONS_RECOMPILE, True)
    for arg in args:
        name, path, end = arg.split("=", 2)
        sbml = open(path).read()
        loads = []
        for _ in range(max(5, runs // 5)):
            t0 = time.perf_counter()
            r = roadrunner.RoadRunner(sbml)
            loads.append(time.perf_counter() - t0)
        r.integrator.relative_tolerance = rtol
        r.integrator.absolute_tolerance = atol
        sims = []
        for _ in range(runs):
            r.reset()
            t0 = time.perf_counter()
            r.simulate(0, float(end), points)
            sims.append(time.perf_counter() - t0)
        print("%s\tload\t%.4f\t%d" % (name, statistics.median(loads) * 1e3, len(loads)))
        print("%s\tsimulate\t%.4f\t%d" % (name, statistics.median(sims) * 1e3, runs))


if __name__ == "__main__":
    main()
