"""Tables (Markdown) and docs/real-engine.png from the JSON lines of bench/real-engine.ts.
   bench/.venv/bin/python bench/real-engine/summarize.py bench/.build/real-engine*.jsonl"""
import json, statistics, sys
from collections import defaultdict

recs = [json.loads(l) for f in sys.argv[1:] for l in open(f) if l.strip()]
by = defaultdict(list)
for r in recs:
    by[r["n"]].append(r)

def ms(xs):
    return f"{statistics.median(xs)/1000:.1f} ({min(xs)/1000:.1f}–{max(xs)/1000:.1f})"

print("| N | runs | `pulumi up` s, median (min–max) | kubefedctl join → all Ready s | ratio up / kubefedctl, median (min–max, same run) | no-change preview s | one-member preview s | load avg (1 min) |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|")
rows = []
for n in sorted(by):
    rs = by[n]
    up = [r["component"]["upMs"] for r in rs]
    kf = [r["kubefedctl"]["readyMs"] for r in rs]
    ratio = [r["component"]["upMs"] / r["kubefedctl"]["readyMs"] for r in rs]
    p0 = [r["component"]["previewNoChangeMs"] for r in rs]
    p1 = [r["component"]["previewOneMemberMs"] for r in rs]
    loads = [float(r["loadBefore"].split()[0]) for r in rs]
    print(f"| {n} | {len(rs)} | {ms(up)} | {ms(kf)} | {statistics.median(ratio):.2f} ({min(ratio):.2f}–{max(ratio):.2f}) | {ms(p0)} | {ms(p1)} | {min(loads):.1f}–{max(loads):.1f} |")
    rows.append((n, up, kf, p0, p1))

print()
print("| N | kubernetes provider processes | peak RSS of all of them, MiB, median (min–max) | per process, MiB (peak / processes) | sum of each process's peak, MiB |")
print("|---:|---:|---:|---:|---:|")
for n in sorted(by):
    rs = by[n]
    peak = [r["component"]["rss"]["peakTotalKiB"] / 1024 for r in rs]
    procs = sorted({r["component"]["rss"]["processes"] for r in rs})
    sp = [r["component"]["rss"]["sumOfPeaksKiB"] / 1024 for r in rs]
    print(f"| {n} | {','.join(map(str, procs))} | {statistics.median(peak):.0f} ({min(peak):.0f}–{max(peak):.0f}) | {statistics.median(peak)/max(procs):.0f} | {statistics.median(sp):.0f} |")

print()
for r in recs:
    c = r["component"]
    print(f"N={r['n']} run={r['run']} {r['start']} load {r['loadBefore']} up {c['upMs']} kubefedctl {r['kubefedctl']['readyMs']} (commands {r['kubefedctl']['joinCommandsMs']}) preview0 {c['previewNoChangeMs']} {c['previewNoChangeSteps']} preview1 {c['previewOneMemberMs']} {c['previewOneMemberSteps']} destroy {c['destroyMs']} rss {c['rss']}")

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(8, 5))
ns = [r[0] for r in rows]
for i, (label, style) in enumerate([("pulumi up (component, waitForReady)", "o-"), ("kubefedctl join × N → all Ready", "s-"),
                                     ("pulumi preview, no change", "^--"), ("pulumi preview, one member's replicas", "v--")]):
    med = [statistics.median(r[i + 1]) / 1000 for r in rows]
    lo = [med[j] - min(rows[j][i + 1]) / 1000 for j in range(len(rows))]
    hi = [max(rows[j][i + 1]) / 1000 - med[j] for j in range(len(rows))]
    ax.errorbar(ns, med, yerr=[lo, hi], fmt=style, capsize=3, label=label)
ax.set_xscale("log", base=2)
ax.set_xticks(ns, [str(n) for n in ns])
ax.set_xlabel("members N")
ax.set_ylabel("seconds (median, bars: min–max)")
ax.set_title("Real engine, local clusters (shared 2-core machine, under load)")
ax.grid(True, alpha=0.3)
ax.legend()
fig.tight_layout()
fig.savefig("docs/real-engine.png", dpi=110)
