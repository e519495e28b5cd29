"""libRoadRunner side of the scan benchmark (bench/scan-il11.sh).

Scans the initial concentration of one species over log-spaced values: for each value, reset(),
set [S] (the value at t = 0; also right for boundary species), simulate(0, end, points) and take the peak of the observed column — the same
work `pathway scan --metric peak` does. With --jobs N the values are split over N processes (one
RoadRunner each), as `pathway scan --jobs N` splits them over threads. Prints:
    seconds  points  jobs  first_peak  last_peak
"""
import math
import multiprocessing
import sys
import time


def parse(argv):
    opts = {"jobs": 1, "rtol": 1e-6, "atol": 1e-9}
    args = list(argv)
    while args and args[0].startswith("--"):
        flag, value = args[0][2:], args[1]
        args = args[2:]
        opts[flag] = value
    sbml, species, observe, lo, hi, steps, end, points = args
    return (sbml, species, observe, float(lo), float(hi), int(steps), float(end), int(points),
            int(opts["jobs"]), float(opts["rtol"]), float(opts["atol"]))


def values(lo, hi, steps):
    a, b = math.log10(lo), math.log10(hi)
    return [10 ** (a + (b - a) * i / (steps - 1)) for i in range(steps)]


def work(task):
    import roadrunner
    sbml, species, observe, chunk, end, points, rtol, atol = task
    r = roadrunner.RoadRunner(sbml)
    r.integrator.relative_tolerance = rtol
    r.integrator.absolute_tolerance = atol
    r.timeCourseSelections = ["time", observe]
    peaks = []
    for v in chunk:
        r.reset()
        # The concentration at t = 0 (also for boundary species, whose init() reset() would not reapply).
        r.setValue("[%s]" % species, v)
        result = r.simulate(0, end, points)
        peaks.append(max(result[:, 1]))
    return peaks


def main():
    sbml_path, species, observe, lo, hi, steps, end, points, jobs, rtol, atol = parse(sys.argv[1:])
    sbml = open(sbml_path).read()
    xs = values(lo, hi, steps)
    chunks = [xs[i * steps // jobs:(i + 1) * steps // jobs] for i in range(jobs)]
    tasks = [(sbml, species, observe, c, end, points, rtol, atol) for c in chunks]
    t0 = time.perf_counter()
    if jobs == 1:
        peaks = work(tasks[0])
    else:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            peaks = [p for part in pool.map(work, tasks) for p in part]
    seconds = time.perf_counter() - t0
    print("%.3f\t%d\t%d\t%.6g\t%.6g" % (seconds, len(peaks), jobs, peaks[0], peaks[-1]))


if __name__ == "__main__":
    main()
