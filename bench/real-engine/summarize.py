"""Tables (Markdown) and plots from what bench/real-engine.ts writes.
   bench/.venv/bin/python bench/real-engine/summarize.py [--plot docs/real-engine.png] [--title T] [--skip-previews-of PREFIX,...] bench/.build/real-engine*.jsonl
       the tables of parts 2-4 (one line per (N, run) in the JSON lines files) and the plot of time against N
   bench/.venv/bin/python bench/real-engine/summarize.py --latency-plot docs/latency.png bench/.build/latency.jsonl
       the same tables, one per RTT (bench/latency.ts), and the plot of time and ratio against N per RTT
   bench/.venv/bin/python bench/real-engine/summarize.py --profile bench/.build/profile-<stack>.json [--plot docs/real-engine-profile.png]
       the breakdown of one profiled `pulumi up` (--profile), and its timeline"""
import json, statistics, sys
from collections import defaultdict
from datetime import datetime

args = sys.argv[1:]
def option(name, default=None):
    if name in args:
        i = args.index(name)
        value = args[i + 1]
        del args[i:i + 2]
        return value
    return default
PLOT = option("--plot")
LATENCY_PLOT = option("--latency-plot")
TITLE = option("--title", "Real engine, local clusters, 2 cores")
PROFILE = option("--profile")
# runs (by --prefix) whose preview times are not to be used, e.g. timed by an older driver
SKIP_PREVIEWS = set((option("--skip-previews-of", "") or "").split(",")) - {""}


def ms(xs):
    return f"{statistics.median(xs)/1000:.1f} ({min(xs)/1000:.1f}–{max(xs)/1000:.1f})"


def ready_ms(c):
    return c.get("readyMs", c["upMs"])


def others(x):
    """cores used by processes outside the benchmark during the window (None for older records)"""
    cpu = x.get("cpu")
    if not cpu:
        return None
    return cpu["cpuMsByClass"].get("others (not this benchmark)", 0) / cpu["windowMs"]


def period(r):
    hc = r.get("healthCheck") or {}
    return hc.get("period", "10s")


def variant(r):
    """what was measured: program kind, --parallel, waitForReady, KubeFed's health-check period"""
    c = r["component"]
    parts = [{"ts": "TypeScript (ts-node)", "transpile-only": "ts-node transpile-only", "js": "precompiled JS"}[c.get("program", "ts")]]
    if c.get("parallel"):
        parts.append(f"--parallel {c['parallel']}")
    if c.get("waitForReady") is False:
        parts.append("waitForReady off (Ready polled)")
    if c.get("memberProviders", "none") != "none":
        parts.append(f"member providers: {c['memberProviders']}")
    parts.append(f"health check every {period(r)}")
    if r.get("rttMs") is not None:
        parts.insert(0, f"RTT {r['rttMs']} ms (latency proxy)")
    return ", ".join(parts)


def tables(files):
    recs = [json.loads(l) for f in files for l in open(f) if l.strip()]
    variants = defaultdict(lambda: defaultdict(list))
    for r in recs:
        variants[variant(r)][r["n"]].append(r)
    allrows = {}
    for v, by in variants.items():
        print(f"\n### {v}\n")
        allrows[v] = table(by)
    cpu_table(recs)
    print()
    for r in recs:
        c = r["component"]
        k = r.get("kubefedctl", {})
        print(f"N={r['n']} run={r['run']} {r['start']} [{variant(r)}] load {r['loadBefore']} up {c['upMs']} ready {ready_ms(c)} kubefedctl {k.get('readyMs')} (commands {k.get('joinCommandsMs')}) "
              f"preview0 {c.get('previewNoChangeMs')} {c.get('previewNoChangeEngineSteps', c.get('previewNoChangeSteps'))} "
              f"preview1 {c.get('previewOneMemberMs')} {c.get('previewOneMemberEngineSteps', c.get('previewOneMemberSteps'))} "
              f"preview0again {c.get('previewNoChangeAgainMs')} destroy {c.get('destroyMs')} rss {c['rss']}")
    if PLOT:
        plot(allrows)
    if LATENCY_PLOT:
        latency_plot(recs)


def table(by):
    print("| N | runs | `pulumi up` s, median (min–max) | kubefedctl join → all Ready s | ratio up / kubefedctl, median (min–max, same run) | no-change preview s | one-member preview s | load avg (1 min) before the run | others' cores during `up` |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    rows = []
    for n in sorted(by):
        rs = by[n]
        up = [ready_ms(r["component"]) for r in rs]
        kf = [r["kubefedctl"]["readyMs"] for r in rs if "kubefedctl" in r]
        ratio = [ready_ms(r["component"]) / r["kubefedctl"]["readyMs"] for r in rs if "kubefedctl" in r]
        timed = [r for r in rs if r.get("prefix") not in SKIP_PREVIEWS]
        p0 = [r["component"]["previewNoChangeMs"] for r in timed if "previewNoChangeMs" in r["component"]]
        p1 = [r["component"]["previewOneMemberMs"] for r in timed if "previewOneMemberMs" in r["component"]]
        loads = [float(r["loadBefore"].split()[0]) for r in rs]
        oth = [o for o in (others(r["component"]) for r in rs) if o is not None]
        print(f"| {n} | {len(rs)} | {ms(up)} | {ms(kf) if kf else '–'} | {f'{statistics.median(ratio):.2f} ({min(ratio):.2f}–{max(ratio):.2f})' if ratio else '–'} "
              f"| {ms(p0) if p0 else '–'} | {ms(p1) if p1 else '–'} | {min(loads):.1f}–{max(loads):.1f} | {f'{max(oth):.2f} max' if oth else '–'} |")
        rows.append((n, up, kf, p0, p1))
    p0a = {n: [r["component"]["previewNoChangeAgainMs"] for r in by[n] if "previewNoChangeAgainMs" in r["component"]] for n in by}
    if any(p0a.values()):
        print("\nPreviews in the order they ran (no change, one member's replicas, no change again), s, median (min–max):\n")
        print("| N | runs | no change | one member | no change again |")
        print("|---:|---:|---:|---:|---:|")
        for n in sorted(by):
            rs = [r["component"] for r in by[n] if "previewNoChangeAgainMs" in r["component"]]
            if rs:
                print(f"| {n} | {len(rs)} | {ms([c['previewNoChangeMs'] for c in rs])} | {ms([c['previewOneMemberMs'] for c in rs])} | {ms([c['previewNoChangeAgainMs'] for c in rs])} |")
    print()
    print("| N | kubernetes provider processes | peak RSS of all of them, MiB, median (min–max) | per process, MiB (peak / processes) | sum of each process's peak, MiB |")
    print("|---:|---:|---:|---:|---:|")
    for n in sorted(by):
        rs = by[n]
        peak = [r["component"]["rss"]["peakTotalKiB"] / 1024 for r in rs]
        procs = sorted({r["component"]["rss"]["processes"] for r in rs})
        sp = [r["component"]["rss"]["sumOfPeaksKiB"] / 1024 for r in rs]
        print(f"| {n} | {','.join(map(str, procs))} | {statistics.median(peak):.0f} ({min(peak):.0f}–{max(peak):.0f}) | {statistics.median(peak)/max(procs):.0f} | {statistics.median(sp):.0f} |")
    return rows


def cpu_table(recs):
    with_cpu = [r for r in recs if r["component"].get("cpu")]
    if with_cpu:
        print()
        print("CPU seconds per process class during `up` (median over runs), and during kubefedctl join × N → all Ready:")
        print()
        classes = sorted({c for r in with_cpu for c in r["component"]["cpu"]["cpuMsByClass"]})
        print("| N | side | window s | machine busy, cores | " + " | ".join(classes) + " |")
        print("|---:|---|---:|---:|" + "---:|" * len(classes))
        for n in sorted({r["n"] for r in with_cpu}):
            for side in ("component", "kubefedctl"):
                rs = [r[side]["cpu"] for r in with_cpu if r["n"] == n and side in r and r[side].get("cpu")]
                if not rs:
                    continue
                win = statistics.median([c["windowMs"] for c in rs]) / 1000
                busy = statistics.median([c["machineBusyMs"] / c["windowMs"] for c in rs])
                cells = [f"{statistics.median([c['cpuMsByClass'].get(k, 0) for c in rs]) / 1000:.1f}" for k in classes]
                print(f"| {n} | {side} | {win:.1f} | {busy:.2f} | " + " | ".join(cells) + " |")



def plot(allrows):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 5))
    def series(ax, ns_values, label, style):
        pts = [(n, xs) for n, xs in ns_values if xs]
        if not pts:
            return
        ns = [p[0] for p in pts]
        med = [statistics.median(p[1]) / 1000 for p in pts]
        lo = [med[j] - min(pts[j][1]) / 1000 for j in range(len(pts))]
        hi = [max(pts[j][1]) / 1000 - med[j] for j in range(len(pts))]
        ax.errorbar(ns, med, yerr=[lo, hi], fmt=style, capsize=3, label=label)
    styles = iter(["o-", "s-", "o--", "s--", "D-.", "^:"])
    for v, rows in allrows.items():
        if len(rows) < 3:
            continue  # experiments at one or two N: in the tables only
        short = v.replace("TypeScript (ts-node), ", "").replace("health check every ", "KubeFed health check ")
        series(ax1, [(r[0], r[1]) for r in rows], f"pulumi up ({short})", next(styles))
        series(ax1, [(r[0], r[2]) for r in rows], f"kubefedctl join × N → all Ready ({short.split(', ')[-1]})", next(styles))
        if any(r[3] for r in rows):
            series(ax2, [(r[0], r[3]) for r in rows], "pulumi preview, no change", "^--")
            series(ax2, [(r[0], r[4]) for r in rows], "pulumi preview, one member's replicas", "v--")
    ns = sorted({n for rows in allrows.values() for n, *_ in rows})
    finish(fig, ns, PLOT, ((ax1, "Part 2: join N members until every KubeFedCluster is Ready", "seconds (median, bars: min–max)"),
                           (ax2, "Part 3: pull-request preview (TypeScript program)", "seconds (median, bars: min–max)")))


def finish(fig, ns, file, axes):
    """Axes against N (log 2), titles, legends; the figure saved to file."""
    for ax, title, ylabel in axes:
        ax.set_xscale("log", base=2)
        ax.set_xticks(ns, [str(n) for n in ns])
        ax.set_xlabel("members N")
        ax.set_ylabel(ylabel)
        ax.set_title(title, fontsize=10)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
        ax.set_ylim(bottom=0)
    fig.suptitle(TITLE, fontsize=10)
    fig.tight_layout()
    fig.savefig(file, dpi=100)
    print(f"\nwrote {file}")


def latency_plot(recs):
    """Per RTT: time to all Ready against N for both tools, and their ratio (goal line at 0.5)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    by = defaultdict(lambda: defaultdict(list))
    for r in recs:
        if r.get("rttMs") is not None and "kubefedctl" in r:
            by[r["rttMs"]][r["n"]].append(r)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 5))
    colors = iter(["tab:blue", "tab:orange", "tab:red", "tab:green", "tab:purple"])
    for rtt in sorted(by):
        color = next(colors)
        ns = sorted(by[rtt])
        up = [statistics.median([ready_ms(r["component"]) for r in by[rtt][n]]) / 1000 for n in ns]
        kf = [statistics.median([r["kubefedctl"]["readyMs"] for r in by[rtt][n]]) / 1000 for n in ns]
        ratios = [[ready_ms(r["component"]) / r["kubefedctl"]["readyMs"] for r in by[rtt][n]] for n in ns]
        ax1.plot(ns, up, "o-", color=color, label=f"pulumi up, RTT {rtt} ms")
        ax1.plot(ns, kf, "s--", color=color, label=f"kubefedctl join × N, RTT {rtt} ms")
        med = [statistics.median(x) for x in ratios]
        ax2.errorbar(ns, med, yerr=[[m - min(x) for m, x in zip(med, ratios)], [max(x) - m for m, x in zip(med, ratios)]], fmt="o-", color=color, capsize=3, label=f"RTT {rtt} ms")
    ax2.axhline(0.5, color="grey", linestyle=":", label="goal (RTT ≥ 25 ms, N ≥ 8)")
    ax2.axhline(1.0, color="black", linewidth=0.5)
    ns = sorted({n for r in by.values() for n in r})
    finish(fig, ns, LATENCY_PLOT, ((ax1, "join N members until every KubeFedCluster is Ready", "seconds (median)"),
                                   (ax2, "pulumi up / kubefedctl join × N (same run)", "ratio (median, bars: min–max)")))


# ------------------------------------------------------------------------------------------- profile
KIND_OF = [("-kubefedcluster", "KubeFedCluster (waits for Ready)"), ("-host-token", "host token Secret"), ("-token", "member token Secret (waits for the token)"),
           ("-cluster-role-binding", "ClusterRoleBinding"), ("-cluster-role", "ClusterRole"), ("-service-account", "ServiceAccount"), ("-namespace", "NamespacePatch")]


PARTS = {"kubefedcluster": KIND_OF[0][1], "host-token": KIND_OF[1][1], "token": KIND_OF[2][1], "cluster-role-binding": KIND_OF[3][1],
         "cluster-role": KIND_OF[4][1], "service-account": KIND_OF[5][1], "namespace": KIND_OF[6][1]}


def is_kfc(name):
    """a KubeFedCluster step: `federation/members/<m>/kubefedcluster` (0.2.0 and later) or `federation-<m>-kubefedcluster` (0.1.0)"""
    return name.endswith("/kubefedcluster") or name.endswith("-kubefedcluster")


def member_and_kind(e):
    name = e["name"]
    if e["type"] == "pulumi:providers:kubernetes":
        if name.endswith("-own"):  # the program's own provider of a member (--member-providers)
            return name[: -len("-own")], "provider"
        return (name[len("federation-"):] if name.startswith("federation-") else name), "provider"
    parts = name.split("/")
    if len(parts) == 4 and parts[0] == "federation" and parts[1] == "members" and parts[3] in PARTS:
        return parts[2], PARTS[parts[3]]
    for suffix, kind in KIND_OF:
        if name.endswith(suffix) and name.startswith("federation-bench-"):
            return name[len("federation-"):-len(suffix)], kind
    return None, name


def profile(file):
    p = json.load(open(file))
    ev = p["events"]
    s = p["sampler"]
    t_ready = {}
    start = datetime.fromisoformat(p["startedAt"].replace("Z", "+00:00"))
    for name, r in p["readiness"].items():
        if r.get("lastTransitionTime"):
            t_ready[name] = (datetime.fromisoformat(r["lastTransitionTime"].replace("Z", "+00:00")) - start).total_seconds() * 1000
    steps = {}
    for e in ev:
        if e["kind"] in ("resourcePreEvent", "resOutputsEvent") and "name" in e:
            key = (e["type"], e["name"])
            steps.setdefault(key, {})["pre" if e["kind"] == "resourcePreEvent" else "out"] = e["t"]
    first = lambda kind: next((e["t"] for e in ev if e["kind"] == kind), None)
    prelude, summary = first("preludeEvent"), first("summaryEvent")
    kids = s["children"]
    cli = [k for k in kids if k["cls"] == "pulumi CLI/engine"]
    up_cli = next((k for k in cli if " up " in f" {k['cmd']} "), None)
    node = max((k for k in kids if k["cls"] == "Node.js program"), key=lambda k: k["cpuMs"], default=None)
    host_ = max((k for k in kids if k["cls"] == "language host"), key=lambda k: k["lastSeenMs"] - k["startMs"], default=None)
    provs = [k for k in kids if k["cls"] == "kubernetes provider"]
    stack_pre = next((v.get("pre") for (t, n), v in steps.items() if t == "pulumi:pulumi:Stack"), None)
    print(f"## profile of {p['stackName']}: N = {p['n']}, program {p['program']}, parallel {p['parallel']}, waitForReady {p['waitForReady']}, started {p['startedAt']}")
    print(f"health check: {p.get('healthCheck')}")
    print(f"`up` {p['upMs']/1000:.1f} s, all Ready at {p['readyMs']/1000:.1f} s\n")
    print("| when (s from `stack.up()`) | what |")
    print("|---:|---|")
    rows = []
    if up_cli: rows.append((up_cli["startMs"], f"`pulumi up` process started (pid {up_cli['pid']}; ended ≈ {up_cli['lastSeenMs']/1000:.1f} s; {up_cli['cpuMs']/1000:.1f} CPU s)"))
    if prelude is not None: rows.append((prelude, "engine: prelude event (update starts)"))
    if host_: rows.append((host_["startMs"], f"language host started ({host_['cpuMs']/1000:.1f} CPU s)"))
    if node: rows.append((node["startMs"], f"Node.js program process started ({node['cpuMs']/1000:.1f} CPU s over its life, ended ≈ {node['lastSeenMs']/1000:.1f} s)"))
    if stack_pre is not None: rows.append((stack_pre, "program registered its Stack resource (first registration)"))
    for i, k in enumerate(provs):
        rows.append((k["startMs"], f"kubernetes provider process {i + 1}/{len(provs)} started ({k['cpuMs']/1000:.1f} CPU s, peak RSS {k['peakRssKiB']/1024:.0f} MiB, last seen {k['lastSeenMs']/1000:.1f} s)"))
    for (t, n), v in steps.items():
        m, kind = member_and_kind({"type": t, "name": n})
        if m is None and "pre" in v:
            rows.append((v["pre"], f"step start: {t} {n}"))
            if "out" in v: rows.append((v["out"], f"step done: {t} {n} ({(v['out'] - v['pre'])/1000:.1f} s)"))
    for name, t in t_ready.items():
        rows.append((t, f"KubeFed: {name} Ready (lastTransitionTime, 1 s resolution)"))
    if summary is not None: rows.append((summary, "engine: summary event (update done)"))
    rows.append((p["upMs"], "`stack.up()` returned (after the CLI exits, the Automation API runs `pulumi stack output` and `stack history`)"))
    for t, what in sorted(rows):
        print(f"| {t/1000:.2f} | {what} |")

    # phases of the `up`, from the engine's debug messages, the steps and the processes
    diag = [e for e in ev if e["kind"] == "diagnosticEvent"]
    running = next((e["t"] for e in diag if e["message"].startswith("Running program")), None)
    regs = [e["t"] for e in diag if e["message"].startswith("Registering resource:")]
    after_run = [t for t in regs if running is not None and t > running]
    kfc = [v for (t, n), v in steps.items() if is_kfc(n)]
    prov_steps = [v for (t, n), v in steps.items() if t == "pulumi:providers:kubernetes" and n != "host"]
    phases = []
    if up_cli: phases.append(("CLI start (`pulumi up` process spawned by the Automation API)", 0, up_cli["startMs"]))
    if up_cli and prelude is not None: phases.append(("CLI/engine start until the update begins (prelude event)", up_cli["startMs"], prelude))
    # The SDK registers the Stack before it loads the program; the program's first registration is
    # the host provider, whose plugin process the engine starts at once. (Debug messages of the
    # program are not used as marks: ts-node compiles synchronously and holds them back.)
    first_own = min(([provs[0]["startMs"]] if provs else []) + after_run[:1]) if (provs or after_run) else None
    if stack_pre is not None: phases.append(("language host, node, @pulumi/pulumi loaded, Stack registered", prelude, stack_pre))
    if stack_pre is not None and first_own is not None: phases.append(("program compiled and loaded until its first own registration (for .ts: ts-node type-check + compile)", stack_pre, first_own))
    if after_run: phases.append(("program registers every resource (first → last RegisterResource)", first_own, max(after_run)))
    if provs: phases.append((f"kubernetes provider plugins started one after the other ({len(provs)}: first → last process start)", provs[0]["startMs"], provs[-1]["startMs"]))
    if prov_steps and kfc: phases.append(("member steps: first member provider step → last KubeFedCluster created (step start)", min(v["pre"] for v in prov_steps), max(v["pre"] for v in kfc)))
    if kfc: phases.append(("waiting for KubeFed: last KubeFedCluster step start → last KubeFedCluster step end (waitForReady)", max(v["pre"] for v in kfc), max(v.get("out", v["pre"]) for v in kfc)))
    if kfc and summary is not None: phases.append(("component outputs, engine finishes (last KubeFedCluster done → summary event)", max(v.get("out", v["pre"]) for v in kfc), summary))
    if summary is not None: phases.append(("CLI exit + Automation API `stack output` ×2, `stack history` (→ `stack.up()` returns)", summary, p["upMs"]))
    print("\nPhases (s; they overlap where noted):\n")
    print("| phase | from | to | duration |")
    print("|---|---:|---:|---:|")
    for what, a, b in phases:
        print(f"| {what} | {a/1000:.2f} | {b/1000:.2f} | **{(b - a)/1000:.2f}** |")
    if provs:
        gaps = [provs[i]["startMs"] - provs[i - 1]["startMs"] for i in range(1, len(provs))]
        if gaps:
            print(f"\nProvider process starts {statistics.median(gaps):.0f} ms apart (median; min {min(gaps):.0f}, max {max(gaps):.0f}); CPU per provider process {statistics.median([k['cpuMs'] for k in provs])/1000:.2f} s (median)")
    ready_list = sorted(t_ready.values())
    if kfc and ready_list:
        created = sorted(v["pre"] for v in kfc)
        print(f"KubeFedClusters created between {created[0]/1000:.1f} and {created[-1]/1000:.1f} s; Ready (lastTransitionTime, whole seconds) at " + ", ".join(f"{t/1000:.1f}" for t in ready_list) + " s")

    # per member: step start/end per kind
    members = defaultdict(dict)
    for (t, n), v in steps.items():
        m, kind = member_and_kind({"type": t, "name": n})
        if m is not None:
            members[m][kind] = v
    kinds = ["provider"] + [k for _, k in reversed(KIND_OF)]
    print("\nPer member, step start → end (s from `stack.up()`):\n")
    print("| member | " + " | ".join(kinds) + " | Ready (KubeFed) |")
    print("|---|" + "---|" * (len(kinds) + 1))
    for m in sorted(members):
        cells = [f"{members[m][k]['pre']/1000:.1f}→{members[m][k].get('out', float('nan'))/1000:.1f}" if k in members[m] else "" for k in kinds]
        print(f"| {m} | " + " | ".join(cells) + f" | {t_ready.get(m, float('nan'))/1000:.0f} |")
    # durations per kind
    print("\nStep durations per kind, s: median (min–max) over members:\n")
    for k in kinds:
        d = [(members[m][k]["out"] - members[m][k]["pre"]) / 1000 for m in members if k in members[m] and "out" in members[m][k]]
        if d:
            print(f"- {k}: {statistics.median(d):.2f} ({min(d):.2f}–{max(d):.2f})")
    # CPU per class
    print(f"\nCPU during the `up` window ({s['windowMs']/1000:.1f} s, {s['machineCapacityMs']/s['windowMs']:.0f} cores): machine busy {s['machineBusyMs']/1000:.1f} s "
          f"= {s['machineBusyMs']/s['machineCapacityMs']*100:.0f} % of capacity\n")
    print("| process class | CPU s | share of busy | peak RSS MiB (sum of live processes) |")
    print("|---|---:|---:|---:|")
    for c, v in sorted(s["cpuMsByClass"].items(), key=lambda kv: -kv[1]):
        rss = s["peakRssKiBByClass"].get(c)
        print(f"| {c} | {v/1000:.2f} | {v/max(1, s['machineBusyMs'])*100:.0f} % | {rss/1024:.0f} |" if rss else f"| {c} | {v/1000:.2f} | {v/max(1, s['machineBusyMs'])*100:.0f} % | |")
    # how busy were the cores while the steps ran: fraction of samples with ≥ 1.8 cores busy
    ser = s["series"]
    if ser:
        busy = [(x["t"], sum(x["cpuMs"].values())) for x in ser]
        dt = [busy[i][0] - (busy[i - 1][0] if i else 0) for i in range(len(busy))]
        sat = sum(d for (t, b), d in zip(busy, dt) if d and b / d >= 1.8)
        print(f"\nTime with both cores saturated (≥ 1.8 cores busy in a {s['intervalMs']} ms sample): {sat/1000:.1f} s of {s['windowMs']/1000:.1f} s")
        kfc_pre = [v["pre"] for (t, n), v in steps.items() if is_kfc(n)]
        if kfc_pre:
            end = max(kfc_pre)
            work = [(b, d) for (t, b), d in zip(busy, dt) if t <= end]
            print(f"Work phase (0 → last KubeFedCluster created, {end/1000:.1f} s): {sum(b for b, _ in work)/end:.2f} cores busy on average, "
                  f"both saturated {sum(d for b, d in work if d and b / d >= 1.8)/1000:.1f} s")

    if PLOT:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(10, 8), sharex=True, gridspec_kw={"height_ratios": [3, 2]})
        colors = dict(zip(kinds, plt.cm.tab10.colors))
        ms_ = sorted(members)
        for i, m in enumerate(ms_):
            for k in kinds:
                v = members[m].get(k)
                if v and "out" in v:
                    ax1.barh(i, (v["out"] - v["pre"]) / 1000, left=v["pre"] / 1000, color=colors[k], edgecolor="white", height=0.7, label=k if i == 0 else None)
            if m in t_ready:
                ax1.plot(t_ready[m] / 1000, i, "k|", markersize=14, label="Ready (KubeFed, 1 s res.)" if i == 0 else None)
        y = len(ms_)
        for label, k in (("Node.js program", node), ("language host", host_), ("pulumi up", up_cli)):
            if k:
                ax1.barh(y, (k["lastSeenMs"] - k["startMs"]) / 1000, left=k["startMs"] / 1000, color="lightgrey", height=0.7)
                ax1.text(k["startMs"] / 1000, y, " " + label, va="center", fontsize=8)
                y += 1
        ax1.set_yticks(range(len(ms_)), ms_)
        ax1.invert_yaxis()
        ax1.set_title(f"`pulumi up`, N = {p['n']} (program: {p['program']}, parallel: {p['parallel'] or 'default'}): steps per member (bars: engine step start → end)")
        ax1.legend(fontsize=7, loc="upper left")
        ax1.grid(True, axis="x", alpha=0.3)
        classes = sorted({c for x in ser for c in x["cpuMs"]}, key=lambda c: -s["cpuMsByClass"].get(c, 0))
        ts = [x["t"] / 1000 for x in ser]
        dts = [(ser[i]["t"] - (ser[i - 1]["t"] if i else 0)) for i in range(len(ser))]
        stacks = [[ser[i]["cpuMs"].get(c, 0) / dts[i] if dts[i] else 0 for i in range(len(ser))] for c in classes]
        ax2.stackplot(ts, stacks, labels=classes, step="pre")
        ax2.axhline(s["machineCapacityMs"] / s["windowMs"], color="k", linestyle=":", linewidth=1)
        ax2.set_ylabel("cores busy")
        ax2.set_xlabel("seconds from stack.up()")
        ax2.legend(fontsize=7, loc="upper right", ncol=2)
        ax2.grid(True, alpha=0.3)
        fig.tight_layout()
        fig.savefig(PLOT, dpi=100)
        print(f"\nwrote {PLOT}")


if PROFILE:
    profile(PROFILE)
else:
    tables(args)
