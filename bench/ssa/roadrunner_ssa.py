"""libRoadRunner's `gillespie` integrator on the stochastic benchmark's SBML files: the mean and median
wall time of one trajectory (reset, then simulate from 0 to T with the given output points), each run
with its own seed. Prints "mean_ms median_ms".

usage: roadrunner_ssa.py FILE T_END POINTS RUNS
"""
import statistics
import sys
import time

import roadrunner

path, t_end, points, runs = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
r = roadrunner.RoadRunner(path)
r.setIntegrator("gillespie")
r.getIntegrator().setValue("variable_step_size", False)
times = []
for i in range(runs):
    r.reset()
    r.getIntegrator().setValue("seed", 1000 + i)
    t0 = time.perf_counter()
    r.simulate(0, t_end, points)
    times.append(time.perf_counter() - t0)
print(f"{statistics.mean(times) * 1000:.1f} {statistics.median(times) * 1000:.1f}")
