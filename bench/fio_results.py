"""Reading compare-fio.sh's kept runs: fio-format JSON per tool and round, medians, ratios and spreads.

Both of compare-fio.sh's analyses (libaio and --uring) use this; it is imported from the bench folder.
"""
import json, math, os, statistics

NAN = float("nan")


def metrics(path):
    """Sums over jobs and over reads and writes, as fio's group reporting would."""
    with open(path) as f:
        jobs = json.load(f)["jobs"]
    ios = iops = bw = cpu_ms = 0.0
    for j in jobs:
        for d in ("read", "write"):
            ios += j[d]["total_ios"]; iops += j[d]["iops"]; bw += j[d]["bw"] * 1024.0
        runtime_ms = j.get("job_runtime") or j["read"]["runtime"] or j["elapsed"] * 1000
        cpu_ms += (j["usr_cpu"] + j["sys_cpu"]) / 100.0 * runtime_ms
    first = jobs[0]
    d = first["read"] if first["read"]["total_ios"] else first["write"]
    pct = lambda k: d.get(k, {}).get("percentile", {}).get("50.000000", NAN) / 1000.0
    dev = device(path[:-len(".json")] + ".dev")
    return {"dev_aqu": dev.get("aqu", NAN), "dev_await_us": dev.get("await_us", NAN),"iops": iops, "bw": bw, "ios_per_cpu_ms": ios / cpu_ms if cpu_ms else NAN,
            "lat_p50_us": pct("lat_ns"), "clat_p50_us": pct("clat_ns"),
            # fio: each job's own process; jaio: its jobs share the process's CPU evenly. Summed, both
            # are the whole CPU the tool used.
            "cpu_pct": sum(j["usr_cpu"] + j["sys_cpu"] for j in jobs)}


def device(path):
    """compare-fio.sh's devq line for a run (the device's average queue, service time and IOPS), if kept."""
    try:
        with open(path) as f:
            return {k: float(v) for k, v in (w.split("=", 1) for w in f.read().split()) if k != "device"}
    except (OSError, ValueError):
        return {}


def med(rs, key):
    v = [x[key] for x in rs.values() if not math.isnan(x[key])]
    return statistics.median(v) if v else NAN


def fmt(v, unit=""):
    return "n/a" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.2f}{unit}"


class Results:
    """The runs of one kept directory, and the table rows, bars and info rows made from them."""

    def __init__(self, out, rounds):
        self.out, self.rounds = out, rounds
        self.missing, self.table, self.bars, self.info = [], [], [], []

    def has(self, name, tool):
        return any(os.path.exists(os.path.join(self.out, f"{name}.r{r}.{tool}.json"))
                   for r in range(1, self.rounds + 1))

    def runs(self, name, tool):
        got = {}
        for r in range(1, self.rounds + 1):
            p = os.path.join(self.out, f"{name}.r{r}.{tool}.json")
            if os.path.exists(p):
                got[r] = metrics(p)
        if not got:
            self.missing.append(f"{name} {tool}: no run")
        elif len(got) < self.rounds:
            self.missing.append(f"{name} {tool}: {self.rounds - len(got)} of {self.rounds} runs missing "
                                "(failed or not run)")
        return got

    def row(self, name, tool, label=None):
        rs = self.runs(name, tool)
        if rs:
            self.table.append((name, label or tool, {k: med(rs, k) for k in
                               ("iops", "bw", "lat_p50_us", "clat_p50_us", "cpu_pct", "ios_per_cpu_ms",
                                                  "dev_aqu", "dev_await_us")}))

    def compare(self, label, name, a_tool, key, target, ok, b_name=None, b_tool="fio", invert=False,
                kind="bar"):
        """Ratio of medians, and the spread of the per-round ratios (both tools of the same round)."""
        a, b = self.runs(name, a_tool), self.runs(b_name or name, b_tool)
        ma, mb = med(a, key), med(b, key)
        ratio = (mb / ma if invert else ma / mb) if ma and mb else NAN
        per = [(b[r][key] / a[r][key] if invert else a[r][key] / b[r][key])
               for r in a if r in b and a[r][key] and b[r][key]]
        spread = f"{min(per):.2f}-{max(per):.2f}" if per else "n/a"
        row = (label, fmt(ratio), spread, target, ("PASS" if ok(ratio) else "MISS") if kind == "bar" else "info")
        (self.bars if kind == "bar" else self.info).append(row)
        return ratio
