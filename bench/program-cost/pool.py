"""Pools the per-pair ratios of several part-1 runs (the JSON files of program-cost.ts --json):
median, quartiles and a bootstrap 95 % interval of the median, per N. Standard library only.
   python3 bench/program-cost/pool.py bench/.build/q1.json bench/.build/q2.json bench/.build/q3.json [--drop q3.json:1000:4]
--drop FILE:N:PAIR leaves out one pair (1-based), e.g. one a concurrent process disturbed."""
import json, random, statistics, sys

args = sys.argv[1:]
drops = set()
while "--drop" in args:
    i = args.index("--drop")
    f, n, k = args[i + 1].rsplit(":", 2)
    drops.add((f, int(n), int(k)))
    del args[i:i + 2]

pooled = {}
for path in args:
    for s in json.load(open(path))["summary"]:
        keep = [k for k in range(len(s["pairRatios"])) if not any(path.endswith(f) and s["members"] == n and k + 1 == p for f, n, p in drops)]
        p = pooled.setdefault(s["members"], {"wall": [], "cpu": []})
        p["wall"] += [s["pairRatios"][k] for k in keep]
        p["cpu"] += [s["pairCpuRatios"][k] for k in keep]

random.seed(1)
def describe(xs):
    q = statistics.quantiles(xs, n=4)
    boot = sorted(statistics.median(random.choices(xs, k=len(xs))) for _ in range(2000))
    return f"{statistics.median(xs):.2f} ({q[0]:.2f}–{q[2]:.2f}; {boot[50]:.2f}–{boot[1950]:.2f})"

print("| N | pairs | CPU ratio median (IQR; 95 % CI) | wall ratio median (IQR; 95 % CI) |")
print("|---:|---:|---:|---:|")
for n in sorted(pooled):
    p = pooled[n]
    print(f"| {n} | {len(p['cpu'])} | {describe(p['cpu'])} | {describe(p['wall'])} |")
