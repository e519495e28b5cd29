#!/usr/bin/env python3
"""Chen et al. 2009 (BIOMD0000000255, ErbB signalling, 500 species) at pathway's default settings,
against a tight run of pathway's own and against libRoadRunner at tight tolerances.

    bench/.venv/bin/python bench/chen2009-crosscheck.py [--model FILE] [--pathway BIN]

Differences are scaled by each species' peak over the run (the reference's), |a - b| / max_t |b|,
floors at 1e-12; the largest over species and output times is reported. The default run must agree
with the tight ones within 1e-3 (issue #12). Not a test: it needs libRoadRunner and a release build.
"""
import argparse
import importlib.util
import os
import re
import statistics
import subprocess
import sys
import time

import roadrunner

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("crosscheck", os.path.join(HERE, "crosscheck-roadrunner.py"))
crosscheck = importlib.util.module_from_spec(spec)
spec.loader.exec_module(crosscheck)


def ours(pathway, model, t_end, points, rtol=None, atol=None):
    args = [pathway, "simulate", model, "--t-end", str(t_end), "--points", str(points), "--format", "csv"]
    if rtol is not None:
        args += ["--rtol", str(rtol), "--atol", str(atol)]
    header, data = crosscheck.read_csv(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
    return header, data


def largest_scaled_difference(columns, rows, reference):
    worst = (0.0, None, None)
    for k, column in enumerate(columns):
        ref = [r[k + 1] for r in reference]
        scale = max(max(abs(v) for v in ref), 1e-12)
        for i, row in enumerate(rows):
            d = abs(row[k + 1] - ref[i]) / scale
            if d > worst[0]:
                worst = (d, column, row[0])
    return worst


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=os.path.join(HERE, "..", "Tests/SimulatorTests/Fixtures/BIOMD0000000255.xml"))
    parser.add_argument("--pathway", default=".build/release/pathway")
    parser.add_argument("--t-end", type=float, default=9000)
    parser.add_argument("--points", type=int, default=901)
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each at default settings")
    args = parser.parse_args()
    roadrunner.Logger.setLevel(roadrunner.Logger.LOG_ERROR)
    roadrunner.Logger.disableLogging()  # CVODE repeats a warning at t = 1800 s at default settings

    header, default = ours(args.pathway, args.model, args.t_end, args.points)
    _, tight = ours(args.pathway, args.model, args.t_end, args.points, 1e-8, 1e-12)
    columns = header[1:]
    times = [row[0] for row in default]

    kinds = crosscheck.species_kinds(args.model)
    rr = roadrunner.RoadRunner(args.model)
    crosscheck.configure(rr, 1e-10, 1e-14)
    result = rr.simulate(times[0], times[-1], len(times),
                         selections=["time"] + [crosscheck.selection(c, kinds) for c in columns])
    theirs = [[result[i, k] for k in range(len(columns) + 1)] for i in range(len(times))]

    failed = False
    for label, rows, reference in [
        ("default vs pathway rtol 1e-8 atol 1e-12", default, tight),
        ("default vs libRoadRunner rtol 1e-10 atol 1e-14", default, theirs),
        ("pathway tight vs libRoadRunner tight", tight, theirs),
    ]:
        d, column, t = largest_scaled_difference(columns, rows, reference)
        print("%-48s largest scaled difference %.2e (%s, t=%g)" % (label, d, column, t if t is not None else 0))
        failed = failed or d > 1e-3
    print("libRoadRunner %s; %d species, %d output points" % (roadrunner.__version__, len(columns), len(times)))

    # Speed at default settings, side by side: pathway's solve time (from --stats) against
    # RoadRunner.reset() + simulate() with libRoadRunner's defaults, medians of --runs each.
    ours_ms, theirs_ms = [], []
    rr_default = roadrunner.RoadRunner(args.model)
    for _ in range(args.runs):
        stats = subprocess.run([args.pathway, "simulate", args.model, "--t-end", str(args.t_end), "--points",
                                str(args.points), "--stats", "-o", "/dev/null"],
                               check=True, capture_output=True, text=True).stderr
        ours_ms.append(float(re.search(r"solve ([0-9.]+) ms", stats).group(1)))
        rr_default.reset()
        start = time.perf_counter()
        rr_default.simulate(times[0], times[-1], len(times))
        theirs_ms.append((time.perf_counter() - start) * 1e3)
    a, b = statistics.median(ours_ms), statistics.median(theirs_ms)
    print("default settings, median of %d: pathway solve %.1f ms, libRoadRunner %.1f ms, speed-up %.1fx"
          % (args.runs, a, b, b / a))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
