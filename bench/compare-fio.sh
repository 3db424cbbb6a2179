#!/usr/bin/env bash
# Runs fio (libaio) and `jaio bench` back to back on one file with the same workloads, several rounds,
# alternating which goes first, and prints jaio/fio ratios against the bars with PASS or MISS.
#
# Usage: bench/compare-fio.sh [--dir DIR] [--size SIZE] [--runtime SECONDS] [--ramp SECONDS] [--rounds N]
#                             [--depths "1 32 128"] [--seq-depth N] [--out DIR] [--keep-file]
#        bench/compare-fio.sh --analyze DIR [--rounds N] [--depths ...] [--seq-depth N]   (tables only, no runs)
# Needs: fio (installed with apt-get when missing), python3 (to read the JSON), a JDK 22+ for ./jaio.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=/tmp
size=1G
runtime=5
ramp=1
rounds=3
depths="1 32 128"
seq_depth=8
out=""
keep_file=0
analyze=""

while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --runtime) runtime=$2; shift 2 ;;
    --ramp) ramp=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --depths) depths=$2; shift 2 ;;
    --seq-depth) seq_depth=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --keep-file) keep_file=1; shift ;;
    --analyze) analyze=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "compare-fio: unknown option: $1" >&2; exit 2 ;;
  esac
done

if [ -n "$analyze" ]; then
  out=$analyze
else
if ! command -v fio >/dev/null 2>&1; then
  echo "compare-fio: fio is missing; installing it with apt-get" >&2
  apt-get update && apt-get install -y fio
fi
command -v python3 >/dev/null 2>&1 || { echo "compare-fio: python3 is needed to read the JSON results" >&2; exit 3; }

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=${out:-"$root/bench/results/raw-$stamp"}
mkdir -p "$out"
file="$dir/jaio-compare-fio.dat"
trap '[ "$keep_file" = 1 ] || rm -f "$file"' EXIT

"$root/jaio" --version >&2   # builds the CLI on first use

echo "compare-fio: laying out $file ($size) with fio" >&2
fio --name=layout --filename="$file" --size="$size" --rw=write --bs=1M --direct=1 --ioengine=libaio \
    --iodepth=8 --output=/dev/null

common=(--filename="$file" --size="$size" --direct=1 --runtime="$runtime" --ramp_time="$ramp" --time_based)

# A run that fails (the machine is shared: another process may hold every AIO slot for a moment) is
# reported and left out of the medians; the rounds go on.
run_fio() { # name rw bs depth
  fio --name="$1" --rw="$2" --bs="$3" --iodepth="$4" --ioengine=libaio --lat_percentiles=1 \
      "${common[@]}" --output-format=json --output="$out/$1.fio.json" >/dev/null 2>"$out/$1.fio.err" \
    || { echo "compare-fio: fio $1 failed: $(tail -n1 "$out/$1.fio.err")" >&2; rm -f "$out/$1.fio.json"; }
}
run_jaio() { # name rw bs depth engine
  "$root/jaio" bench --rw="$2" --bs="$3" --iodepth="$4" --ioengine="$5" \
      "${common[@]}" --output-format=json --output="$out/$1.$5.json" </dev/null >/dev/null 2>"$out/$1.$5.err" \
    || { echo "compare-fio: jaio $5 $1 failed: $(tail -n1 "$out/$1.$5.err")" >&2; rm -f "$out/$1.$5.json"; }
}

cases=()
for d in $depths; do cases+=("randread-4k-qd$d randread 4k $d"); done
cases+=("read-1m-qd$seq_depth read 1M $seq_depth" "write-1m-qd$seq_depth write 1M $seq_depth")

for ((r = 1; r <= rounds; r++)); do
  for c in "${cases[@]}"; do
    read -r name rw bs depth <<<"$c"
    echo "compare-fio: round $r/$rounds: $name" >&2
    if ((r % 2 == 1)); then
      run_fio "$name.r$r" "$rw" "$bs" "$depth"; run_jaio "$name.r$r" "$rw" "$bs" "$depth" aio
    else
      run_jaio "$name.r$r" "$rw" "$bs" "$depth" aio; run_fio "$name.r$r" "$rw" "$bs" "$depth"
    fi
    case "$name" in
      randread-4k-qd32|randread-4k-qd128) run_jaio "$name.r$r" "$rw" "$bs" "$depth" aio-eager ;;
    esac
    if [ "$name" = "randread-4k-qd32" ]; then
      # For the CPU bars against the JDK, and aio-raw (a bare context loop) to show what the engine costs.
      run_jaio "$name.r$r" "$rw" "$bs" "$depth" jdk-threads
      run_jaio "$name.r$r" "$rw" "$bs" "$depth" jdk-async
      run_jaio "$name.r$r" "$rw" "$bs" "$depth" aio-raw
    fi
  done
done
fi

python3 - "$out" "$rounds" "$seq_depth" $depths <<'PY'
import json, statistics, sys, os
out, rounds, seq_depth, depths = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]

def job(path):
    with open(path) as f:
        return json.load(f)["jobs"][0]

def metrics(path, direction):
    j = job(path)
    d = j[direction]
    runtime_ms = j.get("job_runtime") or d["runtime"] or j["elapsed"] * 1000
    cpu_ms = (j["usr_cpu"] + j["sys_cpu"]) / 100.0 * runtime_ms
    ios = d["total_ios"]
    # A job that measured nothing has no percentiles: nan, so every bar it feeds is a MISS.
    pct = lambda k: d[k].get("percentile", {}).get("50.000000", float("nan"))
    return {"iops": d["iops"], "bw": d["bw"] * 1024.0, "ios_per_cpu_ms": ios / cpu_ms if cpu_ms else float("nan"),
            "clat_p50_us": pct("clat_ns") / 1000.0, "lat_p50_us": pct("lat_ns") / 1000.0,
            "cpu_pct": j["usr_cpu"] + j["sys_cpu"]}

KEYS = ("iops", "bw", "ios_per_cpu_ms", "clat_p50_us", "lat_p50_us", "cpu_pct")
missing = []

def median(name, tool, direction):
    paths = [os.path.join(out, f"{name}.r{r}.{tool}.json") for r in range(1, rounds + 1)]
    runs = [metrics(p, direction) for p in paths if os.path.exists(p)]
    if len(runs) < rounds:
        missing.append(f"{name} {tool}: {rounds - len(runs)} of {rounds} runs missing (failed or not run)")
    if not runs:
        return {k: float("nan") for k in KEYS}
    return {k: statistics.median(x[k] for x in runs) for k in KEYS}

rows = []
def bar(label, value, target, ok, unit=""):
    rows.append((label, value, target, "PASS" if ok else "MISS", unit))

def ratio(a, b):
    return a / b if b else float("nan")  # nan compares False: a run that measured nothing is a MISS

table = []
for d in depths:
    name = f"randread-4k-qd{d}"
    f, a = median(name, "fio", "read"), median(name, "aio", "read")
    table.append((name, f, a))
    if d != "1":
        r = ratio(a["iops"], f["iops"])
        bar(f"{name}: IOPS jaio/fio", r, ">= 0.95", r >= 0.95)
        r = ratio(a["ios_per_cpu_ms"], f["ios_per_cpu_ms"])
        bar(f"{name}: I/Os per CPU-ms jaio/fio", r, ">= 0.80", r >= 0.8)
        e = median(name, "aio-eager", "read")
        table.append((f"{name} aio-eager", None, e))
        r = ratio(e["iops"], f["iops"])
        bar(f"{name}: IOPS jaio aio-eager/fio", r, ">= 0.95", r >= 0.95)
        r = ratio(e["ios_per_cpu_ms"], f["ios_per_cpu_ms"])
        bar(f"{name}: I/Os per CPU-ms jaio aio-eager/fio", r, ">= 0.80", r >= 0.8)
    else:
        diff = a["clat_p50_us"] - f["lat_p50_us"]
        bar(f"{name}: p50 latency jaio - fio lat (both from issue) us", diff, "<= 5", diff <= 5)
        diff2 = a["clat_p50_us"] - f["clat_p50_us"]
        bar(f"{name}: p50 latency jaio - fio clat (fio's excludes io_submit) us", diff2, "<= 5", diff2 <= 5)
info = []
if "32" in depths:
    a = median("randread-4k-qd32", "aio", "read")
    f32 = median("randread-4k-qd32", "fio", "read")
    for eng, need in (("jdk-threads", 2.0), ("jdk-async", 3.0)):
        e = median("randread-4k-qd32", eng, "read")
        table.append((f"randread-4k-qd32 {eng}", None, e))
        r = ratio(a["ios_per_cpu_ms"], e["ios_per_cpu_ms"])
        bar(f"randread-4k-qd32: I/Os per CPU-ms aio/{eng}", r, f">= {need:.1f}", r >= need)
    raw = median("randread-4k-qd32", "aio-raw", "read")
    table.append(("randread-4k-qd32 aio-raw", None, raw))
    info = [("randread-4k-qd32: IOPS aio-raw/fio (no bar: a bare context, for reference)", ratio(raw["iops"], f32["iops"])),
            ("randread-4k-qd32: I/Os per CPU-ms aio-raw/fio (no bar)", ratio(raw["ios_per_cpu_ms"], f32["ios_per_cpu_ms"])),
            ("randread-4k-qd32: I/Os per CPU-ms aio/aio-raw (the engine's cost; no bar)", ratio(a["ios_per_cpu_ms"], raw["ios_per_cpu_ms"]))]
for rw, direction in (("read", "read"), ("write", "write")):
    name = f"{rw}-1m-qd{seq_depth}"
    f, a = median(name, "fio", direction), median(name, "aio", direction)
    table.append((name, f, a))
    r = ratio(a["bw"], f["bw"])
    bar(f"{name}: bandwidth jaio/fio", r, ">= 0.95", r >= 0.95)

print(f"Medians over {rounds} rounds (raw JSON in {out})")
print(f"| workload | tool | IOPS | MiB/s | p50 us (clat / lat) | CPU % | I/Os per CPU-ms |")
print(f"|---|---|---:|---:|---:|---:|---:|")
for name, f, a in table:
    if f is not None:
        print(f"| {name} | fio libaio | {f['iops']:.0f} | {f['bw']/2**20:.1f} | {f['clat_p50_us']:.1f} / {f['lat_p50_us']:.1f} | {f['cpu_pct']:.1f} | {f['ios_per_cpu_ms']:.1f} |")
        tool = "jaio aio"
    else:
        name, tool = name.split(" ")[0], "jaio " + name.split(" ")[1]
    print(f"| {name} | {tool} | {a['iops']:.0f} | {a['bw']/2**20:.1f} | {a['clat_p50_us']:.1f} | {a['cpu_pct']:.1f} | {a['ios_per_cpu_ms']:.1f} |")
print()
print("| bar | measured | target | result |")
print("|---|---:|---:|---|")
for label, value, target, verdict, unit in rows:
    print(f"| {label} | {value:.2f} | {target} | {verdict} |")
for label, value in info:
    print(f"| {label} | {value:.2f} | - | info |")
for m in missing:
    print(f"note: {m} (left out of the medians)")
PY
