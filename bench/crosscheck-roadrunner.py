#!/usr/bin/env python3
"""Cross-check pathway's simulator against libRoadRunner.

Models: each YAML model is exported to SBML with `pathway convert`, simulated here with
`pathway simulate --format csv` and by libRoadRunner on the same output grid at the same tolerances;
the largest relative difference per model is reported.

Suite: with --suite DIR, libRoadRunner also runs the SBML Test Suite cases in DIR (the same cases
`pathway sbml-test` runs) and its pass count is reported, by the suite's rule
|s - e| <= absolute + relative*|e|.
"""
import argparse
import csv
import glob
import io
import math
import os
import subprocess
import sys

import libsbml
import roadrunner


def species_kinds(xml_path):
    """Species ids with hasOnlySubstanceUnits (amount) or not (concentration)."""
    doc = libsbml.readSBMLFromFile(xml_path)
    model = doc.getModel()
    kinds = {}
    for i in range(model.getNumSpecies()):
        s = model.getSpecies(i)
        kinds[s.getId()] = s.getHasOnlySubstanceUnits()
    return kinds


def selection(name, kinds, amount=None):
    """RoadRunner's selector: '[S]' is a concentration, 'S' an amount; anything else by id."""
    if name not in kinds:
        return name
    if amount is None:
        amount = kinds[name]
    return name if amount else "[%s]" % name


def read_csv(text):
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    data = [[float(x) for x in row] for row in rows[1:] if row]
    return header, data


def configure(rr, rtol, atol):
    rr.integrator.relative_tolerance = rtol
    rr.integrator.absolute_tolerance = atol
    rr.integrator.maximum_num_steps = 1000000
    try:
        rr.integrator.variable_step_size = False
    except Exception:
        pass


def crosscheck_model(pathway, yaml_path, out_dir, rtol, atol):
    name = os.path.splitext(os.path.basename(yaml_path))[0]
    xml_path = os.path.join(out_dir, name + ".xml")
    subprocess.run([pathway, "convert", yaml_path, xml_path], check=True)
    ours = subprocess.run([pathway, "simulate", yaml_path, "--format", "csv", "--rtol", str(rtol), "--atol", str(atol)],
                          check=True, capture_output=True, text=True).stdout
    header, data = read_csv(ours)
    times = [row[0] for row in data]
    kinds = species_kinds(xml_path)
    rr = roadrunner.RoadRunner(xml_path)
    configure(rr, rtol, atol)
    columns = header[1:]
    result = rr.simulate(times[0], times[-1], len(times), selections=["time"] + [selection(c, kinds) for c in columns])
    worst = (0.0, None, None)
    for k, column in enumerate(columns):
        theirs = [result[i, k + 1] for i in range(len(times))]
        scale = max(abs(v) for v in theirs) if theirs else 0.0
        for i, (a, b) in enumerate(zip((row[k + 1] for row in data), theirs)):
            floor = max(1e-6 * scale, 1e-12)
            rel = abs(a - b) / max(abs(b), floor)
            if rel > worst[0]:
                worst = (rel, column, times[i])
    return name, len(columns), len(times), worst


def read_settings(path):
    settings = {}
    with open(path) as f:
        for line in f:
            if ":" in line:
                key, value = line.split(":", 1)
                settings[key.strip().lower()] = value.strip()
    return settings


def test_type(case_dir, case_id):
    path = os.path.join(case_dir, case_id + "-model.m")
    if not os.path.exists(path):
        return "TimeCourse"
    with open(path) as f:
        for line in f:
            if line.startswith("testType:"):
                return line.split(":", 1)[1].strip()
    return "TimeCourse"


def run_suite_case(case_dir):
    case_id = os.path.basename(case_dir.rstrip("/"))
    if test_type(case_dir, case_id) != "TimeCourse":
        return "unsupported", "test type"
    models = sorted(glob.glob(os.path.join(case_dir, case_id + "-sbml-l*.xml")))
    preferred = os.path.join(case_dir, case_id + "-sbml-l3v2.xml")
    model = preferred if preferred in models else (models[-1] if models else None)
    if model is None:
        return "unsupported", "no model file"
    s = read_settings(os.path.join(case_dir, case_id + "-settings.txt"))
    variables = [v.strip() for v in s.get("variables", "").split(",") if v.strip()]
    amounts = {v.strip() for v in s.get("amount", "").split(",") if v.strip()}
    concentrations = {v.strip() for v in s.get("concentration", "").split(",") if v.strip()}
    start, duration, steps = float(s["start"]), float(s["duration"]), int(float(s["steps"]))
    absolute, relative = float(s["absolute"]), float(s["relative"])
    with open(os.path.join(case_dir, case_id + "-results.csv")) as f:
        rows = list(csv.reader(f))
    header = rows[0]
    expected = [row for row in rows[1:] if row]
    try:
        rr = roadrunner.RoadRunner(model)
        configure(rr, 1e-10, absolute * 1e-6)
        kinds = species_kinds(model)
        selections = []
        for v in variables:
            amount = True if v in amounts else False if v in concentrations else None
            selections.append(selection(v, kinds, amount))
        result = rr.simulate(start, start + duration, steps + 1, selections=["time"] + selections)
    except Exception as error:  # RoadRunner refuses the model or the selection
        return "unsupported", str(error).splitlines()[0][:120] if str(error) else type(error).__name__
    for i, row in enumerate(expected):
        for k, v in enumerate(variables):
            column = header.index(v, 1) if v in header[1:] else None
            if column is None:
                continue
            e = float(row[column])
            value = result[i, k + 1]
            if math.isnan(e) and math.isnan(value):
                continue
            if math.isinf(e) or math.isinf(value):
                if e == value:
                    continue
                return "failed", "%s at t=%s" % (v, row[0])
            if not abs(value - e) <= absolute + relative * abs(e):
                return "failed", "%s at t=%s: %g vs %g" % (v, row[0], value, e)
    return "passed", ""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pathway", default=".build/release/pathway")
    parser.add_argument("--models", nargs="*", default=sorted(glob.glob("models/*.yaml")))
    parser.add_argument("--out-dir", default="out/crosscheck")
    parser.add_argument("--rtol", type=float, default=1e-8)
    parser.add_argument("--atol", type=float, default=1e-12)
    parser.add_argument("--suite", help="an SBML Test Suite cases folder to run through libRoadRunner")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    roadrunner.Logger.setLevel(roadrunner.Logger.LOG_ERROR)
    os.makedirs(args.out_dir, exist_ok=True)

    status = 0
    if args.models:
        print("model                    columns  points  largest relative difference (column, time)")
        for path in args.models:
            try:
                name, n, points, (rel, column, time) = crosscheck_model(args.pathway, path, args.out_dir, args.rtol, args.atol)
                print("%-24s %7d %7d  %.2e (%s, t=%g)" % (name, n, points, rel, column, time if time is not None else 0))
            except Exception as error:
                status = 1
                print("%-24s error: %s" % (os.path.basename(path), error))

    if args.suite:
        counts = {"passed": 0, "failed": 0, "unsupported": 0}
        for case_dir in sorted(glob.glob(os.path.join(args.suite, "*"))):
            if not os.path.isdir(case_dir):
                continue
            outcome, detail = run_suite_case(case_dir)
            counts[outcome] += 1
            if args.verbose and outcome != "passed":
                print("%s %s: %s" % (os.path.basename(case_dir), outcome, detail))
        print("libRoadRunner %s on %s: %d passed, %d not passed, %d not run" % (
            roadrunner.__version__, args.suite, counts["passed"], counts["failed"], counts["unsupported"]))
    return status


if __name__ == "__main__":
    sys.exit(main())
