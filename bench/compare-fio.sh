#!/usr/bin/env bash
# Runs fio (libaio) and `jaio bench` (the default engine, aio) back to back on one file with the same
# workloads, several rounds, alternating which goes first, and prints every jaio/fio ratio of issue 12
# against its bar, with PASS or MISS, the median over the rounds and the spread (min-max of the
# per-round ratios).
#
# Usage: bench/compare-fio.sh [--dir DIR] [--size SIZE] [--runtime SECONDS] [--ramp SECONDS] [--rounds N]
#                             [--depths "1 4 16 32 128"] [--only "CASE ..."] [--no-extras] [--out DIR]
#                             [--keep-file]
#        bench/compare-fio.sh --analyze DIR [--rounds N] [--depths ...]   (tables only, from a kept run)
# Cases: randread-4k-qd<D> for each depth, randwrite-4k-qd32, randrw70-4k-qd32, read-1m-qd8,
#        write-1m-qd8, randread-4k-qd32-jobs4 (--numjobs=4), vthreads-256 (aio-vthreads, 256 threads,
#        against fio's --numjobs=4). Extras (info rows, no bars): aio-eager, aio-raw, jdk-threads and
#        jdk-async at randread iodepth 32, jdk-vthreads with 256 threads.
# Needs: fio (installed with apt-get when missing), strace (for fio's io_submit count), python3, a JDK 22+.
#
# With --uring, the io_uring bars of issue 14 instead (and only them): 4 KiB random O_DIRECT reads at
# iodepth 1, 32, 128 (--depths changes them), jaio --ioengine=uring against fio --ioengine=io_uring, then
# buffered 4 KiB random reads at iodepth 32 with a warm page cache (the file read once before each run)
# and a cold one (caches dropped before each run, as root; no ramp), jaio uring against fio io_uring,
# jaio aio and jdk-threads. Cases: uring-randread-4k-qd<D>, uring-buffered-warm, uring-buffered-cold.
#   bench/compare-fio.sh --uring [--rounds N] [--runtime S] [--ramp S] [--only "CASE ..."] [--no-extras]
#   bench/compare-fio.sh --uring --analyze DIR
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export JAIO_BENCH_DIR="$root/bench"
dir=/tmp
size=1G
runtime=5
ramp=5
rounds=3
depths="1 4 16 32 128"
only=""
extras=1
out=""
keep_file=0
analyze=""
uring=0
depths_set=0

while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --runtime) runtime=$2; shift 2 ;;
    --ramp) ramp=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --depths) depths=$2; depths_set=1; shift 2 ;;
    --uring) uring=1; shift ;;
    --only) only=$2; shift 2 ;;
    --no-extras) extras=0; shift ;;
    --out) out=$2; shift 2 ;;
    --keep-file) keep_file=1; shift ;;
    --analyze) analyze=$2; shift 2 ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "compare-fio: unknown option: $1" >&2; exit 2 ;;
  esac
done

# need TOOL...: installs the tools that are missing with apt-get (python3, which reads the JSON, is not).
need() {
  local t
  for t in "$@"; do
    if ! command -v "$t" >/dev/null 2>&1; then
      [ "$t" = python3 ] && { echo "compare-fio: python3 is needed to read the JSON results" >&2; exit 3; }
      echo "compare-fio: $t is missing; installing it with apt-get" >&2
      apt-get update && apt-get install -y "$t"
    fi
  done
}
# setup PREFIX [--uring]: the results folder (bench/results/PREFIX-<time> unless --out), the test file's
# name (removed at exit unless --keep-file), the CLI built, and environment.txt.
setup() {
  local prefix=$1 mode=${2:-}
  out=${out:-"$root/bench/results/$prefix-$(date -u +%Y%m%dT%H%M%SZ)"}
  mkdir -p "$out"
  file="$dir/jaio-compare-fio.dat"
  trap '[ "$keep_file" = 1 ] || rm -f "$file"' EXIT
  "$root/jaio" --version >&2   # builds the CLI on first use
  { uname -r; nproc; fio --version; "$root/jaio" --version; git -C "$root" log -1 --format='%h %s' 2>/dev/null || true
    [ -n "$mode" ] && { "$root/jaio" info 2>&1 | grep -i uring || true; }
    echo "args: ${mode:+$mode }--size $size --runtime $runtime --ramp $ramp --rounds $rounds --depths \"$depths\" --only \"$only\" extras=$extras"
  } >"$out/environment.txt" 2>&1
}

# devq OUT DELAY WINDOW: the block device under $dir, sampled from /proc/diskstats over WINDOW seconds
# starting DELAY seconds from now (inside a run's measured part): the average number of requests in the
# device's queue (iostat's aqu-sz: weighted time in queue over elapsed time), its mean read/write service
# time as the block layer saw it, and its IOPS. Written as one line to OUT, for the tables' "dev queue"
# column; a tool that keeps the device fuller at the same depth shows a larger number there.
devq() {
  local out=$1 delay=$2 window=$3 dev a b t0 t1
  dev=$(basename "$(findmnt -n -o SOURCE --target "$dir" 2>/dev/null | head -n1)" 2>/dev/null) || return 0
  grep -q " $dev " /proc/diskstats 2>/dev/null || return 0
  sleep "$delay"
  a=$(awk -v d="$dev" '$3==d {print $4+$8, $7+$11, $14}' /proc/diskstats); t0=$(date +%s%N)
  sleep "$window"
  b=$(awk -v d="$dev" '$3==d {print $4+$8, $7+$11, $14}' /proc/diskstats); t1=$(date +%s%N)
  python3 -c '
import sys
a, b = [float(x) for x in sys.argv[1].split()], [float(x) for x in sys.argv[2].split()]
ms = (int(sys.argv[4]) - int(sys.argv[3])) / 1e6
ios, svc, queued = b[0] - a[0], b[1] - a[1], b[2] - a[2]
print(f"device={sys.argv[5]} aqu={queued / ms:.2f} await_us={1000 * svc / max(ios, 1):.0f} iops={ios / ms * 1000:.0f}")
' "$a" "$b" "$t0" "$t1" "$dev" >"$out" 2>/dev/null || rm -f "$out"
}
# sampled CMD...: runs CMD with devq sampling its measured part (ramp + 1.5 s in, for runtime - 2 s) into
# $devq_out, which the caller sets to the run's JSON path with .dev for .json.
sampled() {
  local window pid
  window=$(python3 -c "print(max(1.0, $runtime - 2))")
  devq "$devq_out" "$(python3 -c "print(${devq_ramp:-$ramp} + 1.5)")" "$window" &
  pid=$!
  "$@"
  local rc=$?
  wait "$pid" 2>/dev/null || true
  return $rc
}

if [ "$uring" = 1 ]; then
  # ---- io_uring (issue 14): jaio's engine on io_uring against fio's io_uring engine -----------------
  [ "$depths_set" = 1 ] || depths="1 32 128"
  ucases=()
  for d in $depths; do ucases+=("uring-randread-4k-qd$d"); done
  ucases+=(uring-buffered-warm uring-buffered-cold)
  wanted() { [ -z "$only" ] || [[ " $only " == *" $1 "* ]]; }

  if [ -n "$analyze" ]; then
    out=$analyze
  else
    need fio python3
    setup raw-uring --uring
    cold=1
    if [ "$(id -u)" != 0 ] || [ ! -w /proc/sys/vm/drop_caches ]; then
      cold=0
      echo "compare-fio: not root, so the page cache cannot be dropped: uring-buffered-cold is left out" >&2
    fi

    echo "compare-fio: laying out $file ($size) with fio" >&2
    fio --name=layout --filename="$file" --size="$size" --rw=write --bs=1M --direct=1 --ioengine=libaio \
        --iodepth=8 --output=/dev/null

    # ufio out-name tool direct ramp depth [extra fio options]: fio's io_uring engine with its defaults.
    ufio() {
      local n=$1 tool=$2 direct=$3 rmp=$4 d=$5; shift 5
      devq_out="$out/$n.$tool.dev" devq_ramp=$rmp sampled fio --name="$n" --rw=randread --bs=4k --iodepth="$d" --numjobs=1 --ioengine=io_uring --lat_percentiles=1 \
          "$@" --filename="$file" --size="$size" --direct="$direct" --runtime="$runtime" --ramp_time="$rmp" \
          --time_based --output-format=json --output="$out/$n.$tool.json" >/dev/null 2>"$out/$n.$tool.err" \
        || { echo "compare-fio: fio $tool $n failed: $(tail -n1 "$out/$n.$tool.err")" >&2; rm -f "$out/$n.$tool.json"; }
    }
    # ujaio out-name engine direct ramp depth: ./jaio bench with the same options.
    ujaio() {
      local n=$1 eng=$2 direct=$3 rmp=$4 d=$5
      devq_out="$out/$n.$eng.dev" devq_ramp=$rmp sampled "$root/jaio" bench --rw=randread --bs=4k --iodepth="$d" --numjobs=1 --ioengine="$eng" \
          --filename="$file" --size="$size" --direct="$direct" --runtime="$runtime" --ramp_time="$rmp" \
          --time_based --output-format=json --output="$out/$n.$eng.json" </dev/null >/dev/null 2>"$out/$n.$eng.err" \
        || { echo "compare-fio: jaio $eng $n failed: $(tail -n1 "$out/$n.$eng.err")" >&2; rm -f "$out/$n.$eng.json"; }
    }
    # urun tool out-name direct ramp depth: one run of one tool.
    urun() {
      case "$1" in
        fio-uring) ufio "$2" fio-uring "$3" "$4" "$5" ;;
        fio-fixed) ufio "$2" fio-fixed "$3" "$4" "$5" --fixedbufs=1 --registerfiles=1 ;;
        *) ujaio "$2" "$1" "$3" "$4" "$5" ;;
      esac
    }
    # Before each buffered run: the whole file in the page cache (warm), or none of it (cold).
    warm_cache() { cat "$file" >/dev/null; }
    drop_cache() { sync; echo 3 >/proc/sys/vm/drop_caches; }

    for ((r = 1; r <= rounds; r++)); do
      for c in "${ucases[@]}"; do
        wanted "$c" || continue
        case "$c" in
          uring-randread-4k-qd*)
            d=${c#uring-randread-4k-qd}
            tools=(fio-uring uring)
            [ "$extras" = 1 ] && [ "$d" = 32 ] && tools+=(fio-fixed)
            direct=1; rmp=$ramp ;;
          uring-buffered-warm) d=32; tools=(fio-uring uring aio jdk-threads); direct=0; rmp=$ramp ;;
          uring-buffered-cold) [ "$cold" = 1 ] || continue
            # No ramp: it would fill the cache before the measurement starts.
            d=32; tools=(fio-uring uring aio jdk-threads); direct=0; rmp=0 ;;
        esac
        # Alternate: each round starts one tool further along the list.
        k=$(( (r - 1) % ${#tools[@]} ))
        order=("${tools[@]:k}" "${tools[@]:0:k}")
        echo "compare-fio: round $r/$rounds: $c (${order[*]})" >&2
        for t in "${order[@]}"; do
          case "$c" in
            uring-buffered-warm) warm_cache ;;
            uring-buffered-cold) drop_cache ;;
          esac
          urun "$t" "$c.r$r" "$direct" "$rmp" "$d"
        done
      done
    done
  fi

  python3 - "$out" "$rounds" $depths <<'PY'
import os, sys
out, rounds, depths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
sys.path.insert(0, os.environ["JAIO_BENCH_DIR"])
from fio_results import Results, fmt

R = Results(out, rounds)
row, has, missing, table, bars, info = R.row, R.has, R.missing, R.table, R.bars, R.info
AT_LEAST_1 = lambda r: r >= 1.0
def compare(label, name, a_tool, b_tool, key, kind):
    R.compare(label, name, a_tool, key, ">= 1.00" if kind == "bar" else "-", AT_LEAST_1, b_tool=b_tool, kind=kind)

for d in depths:
    n = f"uring-randread-4k-qd{d}"
    row(n, "fio-uring", "fio io_uring"); row(n, "uring", "jaio uring")
    compare(f"{n}: IOPS jaio uring/fio io_uring", n, "uring", "fio-uring", "iops", "bar")
    compare(f"{n}: I/Os per CPU-ms jaio uring/fio io_uring", n, "uring", "fio-uring", "ios_per_cpu_ms", "bar")
    if has(n, "fio-fixed"):
        row(n, "fio-fixed", "fio io_uring --fixedbufs --registerfiles")
        compare(f"{n}: IOPS jaio uring/fio io_uring fixedbufs", n, "uring", "fio-fixed", "iops", "info")
        compare(f"{n}: I/Os per CPU-ms jaio uring/fio io_uring fixedbufs", n, "uring", "fio-fixed", "ios_per_cpu_ms", "info")
for n in ("uring-buffered-warm", "uring-buffered-cold"):
    if not has(n, "uring") and not has(n, "fio-uring"):
        missing.append(f"{n}: not run")
        continue
    for t, label in (("fio-uring", "fio io_uring"), ("uring", "jaio uring"), ("aio", "jaio aio"),
                     ("jdk-threads", "JDK FileChannel, 32 threads")):
        row(n, t, label)
    for key, what in (("iops", "IOPS"), ("ios_per_cpu_ms", "I/Os per CPU-ms")):
        compare(f"{n}: {what} jaio uring/fio io_uring", n, "uring", "fio-uring", key, "bar")
        compare(f"{n}: {what} jaio uring/jaio aio", n, "uring", "aio", key, "info")
        compare(f"{n}: {what} jaio uring/jdk-threads", n, "uring", "jdk-threads", key, "info")

# Whether jaio's io_uring runs used registered buffers (the jaio-uring lines on stderr).
fixed = notfixed = 0
for f in os.listdir(out):
    if f.endswith(".uring.err"):
        for line in open(os.path.join(out, f)):
            if line.startswith("jaio-uring:"):
                if "registered_buffers=yes" in line:
                    fixed += 1
                else:
                    notfixed += 1

print(f"Medians over {rounds} rounds (raw JSON in {out}); p50 from issue to completion (fio's lat)")
print("| workload | tool | IOPS | MiB/s | p50 us | CPU % | I/Os per CPU-ms | dev queue |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for name, tool, m in table:
    print(f"| {name} | {tool} | {m['iops']:.0f} | {m['bw']/2**20:.1f} | {m['lat_p50_us']:.1f} | {m['cpu_pct']:.1f} | {m['ios_per_cpu_ms']:.1f} | {fmt(m['dev_aqu'])} |")
print()
print("| ratio | median | spread (per round) | bar | result |")
print("|---|---:|---:|---:|---|")
for r in bars + info:
    print("| " + " | ".join(r) + " |")
print(f"note: jaio uring jobs with registered buffers (READ_FIXED): {fixed}, without: {notfixed}")
for m in sorted(set(missing)):
    print(f"note: {m} (left out of the medians)")
PY
  exit 0
fi

# name rw bs depth numjobs jaio-engine [extra fio/jaio options]
cases=()
for d in $depths; do cases+=("randread-4k-qd$d randread 4k $d 1 aio"); done
cases+=("randwrite-4k-qd32 randwrite 4k 32 1 aio"
        "randrw70-4k-qd32 randrw 4k 32 1 aio --rwmixread=70"
        "read-1m-qd8 read 1M 8 1 aio"
        "write-1m-qd8 write 1M 8 1 aio"
        "randread-4k-qd32-jobs4 randread 4k 32 4 aio"
        "vthreads-256 randread 4k 256 1 aio-vthreads")

if [ -n "$analyze" ]; then
  out=$analyze
else
need fio strace python3
setup raw

echo "compare-fio: laying out $file ($size) with fio" >&2
fio --name=layout --filename="$file" --size="$size" --rw=write --bs=1M --direct=1 --ioengine=libaio \
    --iodepth=8 --output=/dev/null

common=(--filename="$file" --size="$size" --direct=1 --runtime="$runtime" --ramp_time="$ramp" --time_based)

# A run that fails (the machine is shared: another process may hold every AIO slot for a moment) is
# reported and left out of the medians; the rounds go on.
run_fio() { # out-name rw bs depth numjobs [extra...]
  local n=$1 rw=$2 bs=$3 d=$4 jobs=$5; shift 5
  devq_out="$out/$n.fio.dev" sampled fio --name="$n" --rw="$rw" --bs="$bs" --iodepth="$d" --numjobs="$jobs" --ioengine=libaio --lat_percentiles=1 \
      "$@" "${common[@]}" --output-format=json --output="$out/$n.fio.json" >/dev/null 2>"$out/$n.fio.err" \
    || { echo "compare-fio: fio $n failed: $(tail -n1 "$out/$n.fio.err")" >&2; rm -f "$out/$n.fio.json"; }
}
run_jaio() { # out-name rw bs depth numjobs engine [extra...]
  local n=$1 rw=$2 bs=$3 d=$4 jobs=$5 eng=$6; shift 6
  devq_out="$out/$n.$eng.dev" sampled "$root/jaio" bench --rw="$rw" --bs="$bs" --iodepth="$d" --numjobs="$jobs" --ioengine="$eng" "$@" \
      "${common[@]}" --output-format=json --output="$out/$n.$eng.json" </dev/null >/dev/null 2>"$out/$n.$eng.err" \
    || { echo "compare-fio: jaio $eng $n failed: $(tail -n1 "$out/$n.$eng.err")" >&2; rm -f "$out/$n.$eng.json"; }
}
wanted() { [ -z "$only" ] || [[ " $only " == *" $1 "* ]]; }

for ((r = 1; r <= rounds; r++)); do
  for c in "${cases[@]}"; do
    read -r name rw bs depth jobs eng extra <<<"$c"
    wanted "$name" || continue
    echo "compare-fio: round $r/$rounds: $name" >&2
    if [ "$name" = vthreads-256 ]; then
      # Against fio's --numjobs=4 figure of the same round: only jaio runs here.
      run_jaio "$name.r$r" "$rw" "$bs" "$depth" "$jobs" "$eng"
      [ "$extras" = 1 ] && run_jaio "$name.r$r" "$rw" "$bs" "$depth" "$jobs" jdk-vthreads
      continue
    fi
    if ((r % 2 == 1)); then
      run_fio "$name.r$r" "$rw" "$bs" "$depth" "$jobs" $extra; run_jaio "$name.r$r" "$rw" "$bs" "$depth" "$jobs" "$eng" $extra
    else
      run_jaio "$name.r$r" "$rw" "$bs" "$depth" "$jobs" "$eng" $extra; run_fio "$name.r$r" "$rw" "$bs" "$depth" "$jobs" $extra
    fi
    if [ "$name" = randread-4k-qd32 ] && [ "$extras" = 1 ]; then
      for e in aio-eager aio-raw jdk-threads jdk-async; do run_jaio "$name.r$r" "$rw" "$bs" "$depth" 1 "$e"; done
    fi
  done
done

if wanted randread-4k-qd32-jobs4; then
  # fio's io_submit calls per I/O, counted by strace in a run of its own (strace slows what it traces, so
  # this run's IOPS are not used). jaio's come from its engine counters (the jaio-engine lines on stderr).
  echo "compare-fio: counting fio's io_submit calls with strace (randread-4k-qd32-jobs4)" >&2
  strace -f -c -e trace=io_submit -o "$out/randread-4k-qd32-jobs4.strace.txt" \
    fio --name=strace --rw=randread --bs=4k --iodepth=32 --numjobs=4 --ioengine=libaio --filename="$file" \
        --size="$size" --direct=1 --runtime="$runtime" --ramp_time=0 --time_based \
        --output-format=json --output="$out/randread-4k-qd32-jobs4.strace.fio.json" >/dev/null 2>&1 \
    || echo "compare-fio: the strace run of fio failed" >&2
fi
fi

python3 - "$out" "$rounds" $depths <<'PY'
import json, math, os, re, sys
out, rounds, depths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
sys.path.insert(0, os.environ["JAIO_BENCH_DIR"])
from fio_results import NAN, Results, fmt, med

R = Results(out, rounds)
runs, row, compare, missing, table, bars, info = R.runs, R.row, R.compare, R.missing, R.table, R.bars, R.info

def submits(name, tool):
    """io_submit calls per I/O over every kept run, from the jaio-engine lines on stderr."""
    calls = ios = 0
    for r in range(1, rounds + 1):
        p = os.path.join(out, f"{name}.r{r}.{tool}.err")
        if os.path.exists(p) and os.path.exists(p[:-4] + ".json"):
            for line in open(p):
                m = re.match(r"jaio-engine: job=\d+ ios=(\d+) io_submit=(\d+)", line)
                if m:
                    ios += int(m.group(1)); calls += int(m.group(2))
    return calls / ios if ios else NAN

def fio_submits():
    p = os.path.join(out, "randread-4k-qd32-jobs4.strace.txt")
    j = os.path.join(out, "randread-4k-qd32-jobs4.strace.fio.json")
    if not (os.path.exists(p) and os.path.exists(j)):
        return NAN
    calls = NAN
    for line in open(p):
        f = line.split()
        if f and f[-1] == "io_submit":
            calls = float(f[3])
    with open(j) as fh:
        # That run has no ramp, so its total_ios are every I/O whose io_submit strace counted.
        ios = sum(x[d]["total_ios"] for x in json.load(fh)["jobs"] for d in ("read", "write"))
    return calls / ios if ios else NAN

for d in depths:
    n = f"randread-4k-qd{d}"
    row(n, "fio", "fio libaio"); row(n, "aio", "jaio aio")
    compare(f"{n}: IOPS jaio/fio", n, "aio", "iops", ">= 1.00", lambda r: r >= 1.0)
    compare(f"{n}: I/Os per CPU-ms jaio/fio", n, "aio", "ios_per_cpu_ms", ">= 1.00", lambda r: r >= 1.0)
    if d == "1":
        a, f = runs(n, "aio"), runs(n, "fio")
        diff = med(a, "lat_p50_us") - med(f, "lat_p50_us")
        per = [a[r]["lat_p50_us"] - f[r]["lat_p50_us"] for r in a if r in f]
        bars.append((f"{n}: p50 latency jaio - fio lat (both from issue), us", fmt(diff),
                     f"{min(per):.2f}-{max(per):.2f}" if per else "n/a", "<= 2.00",
                     "PASS" if diff <= 2.0 else "MISS"))
for n in ("randwrite-4k-qd32", "randrw70-4k-qd32"):
    row(n, "fio", "fio libaio"); row(n, "aio", "jaio aio")
    compare(f"{n}: IOPS jaio/fio", n, "aio", "iops", ">= 1.00", lambda r: r >= 1.0)
    compare(f"{n}: I/Os per CPU-ms jaio/fio", n, "aio", "ios_per_cpu_ms", ">= 1.00", lambda r: r >= 1.0)
for n in ("read-1m-qd8", "write-1m-qd8"):
    row(n, "fio", "fio libaio"); row(n, "aio", "jaio aio")
    compare(f"{n}: bandwidth jaio/fio", n, "aio", "bw", ">= 0.98", lambda r: r >= 0.98)
    # CPU per byte = 1 / (bytes per CPU-ms); at one block size, I/Os per CPU-ms stand for bytes.
    compare(f"{n}: CPU per byte jaio/fio", n, "aio", "ios_per_cpu_ms", "<= 1.50", lambda r: r <= 1.5, invert=True)
n = "randread-4k-qd32-jobs4"
row(n, "fio", "fio libaio, 4 jobs"); row(n, "aio", "jaio aio, 4 jobs")
compare(f"{n}: IOPS jaio/fio", n, "aio", "iops", ">= 1.00", lambda r: r >= 1.0)
compare(f"{n}: I/Os per CPU-ms jaio/fio", n, "aio", "ios_per_cpu_ms", ">= 1.00", lambda r: r >= 1.0)
fs, js = fio_submits(), submits(n, "aio")
bars.append((f"{n}: io_submit calls per I/O, jaio {fmt(js)} vs fio {fmt(fs)} (ratio)",
             fmt(js / fs if fs else NAN), "-", "< 1.00", "PASS" if js < fs else "MISS"))
v = "vthreads-256"
row(v, "aio-vthreads", "jaio aio-vthreads, 256 threads"); row(v, "jdk-vthreads", "JDK FileChannel, 256 virtual threads")
compare(f"{v}: IOPS aio-vthreads/fio 4 jobs", v, "aio-vthreads", "iops", ">= 1.00", lambda r: r >= 1.0, b_name=n)
vs = submits(v, "aio-vthreads")
bars.append((f"{v}: io_submit calls per I/O, aio-vthreads {fmt(vs)} vs fio 4 jobs {fmt(fs)} (ratio)",
             fmt(vs / fs if fs else NAN), "-", "< 1.00", "PASS" if vs < fs else "MISS"))
if runs(v, "jdk-vthreads"):
    compare(f"{v}: IOPS aio-vthreads/jdk-vthreads", v, "aio-vthreads", "iops", "-", lambda r: True,
            b_tool="jdk-vthreads", kind="info")
    compare(f"{v}: I/Os per CPU-ms aio-vthreads/jdk-vthreads", v, "aio-vthreads", "ios_per_cpu_ms", "-",
            lambda r: True, b_tool="jdk-vthreads", kind="info")
n = "randread-4k-qd32"
for e, label in (("aio-eager", "jaio aio-eager"), ("aio-raw", "jaio aio-raw (no engine)"),
                 ("jdk-threads", "JDK FileChannel, 32 threads"), ("jdk-async", "JDK AsynchronousFileChannel")):
    if os.path.exists(os.path.join(out, f"{n}.r1.{e}.json")) or any(
            os.path.exists(os.path.join(out, f"{n}.r{r}.{e}.json")) for r in range(2, rounds + 1)):
        row(n, e, label)
        compare(f"{n}: IOPS {e}/fio", n, e, "iops", "-", lambda r: True, kind="info")
        compare(f"{n}: I/Os per CPU-ms {e}/fio", n, e, "ios_per_cpu_ms", "-", lambda r: True, kind="info")
info.append((f"randread-4k-qd32: io_submit calls per I/O, jaio aio", fmt(submits(n, "aio")), "-", "-", "info"))

print(f"Medians over {rounds} rounds (raw JSON in {out}); p50 from issue to completion (fio's lat)")
print("| workload | tool | IOPS | MiB/s | p50 us | CPU % | I/Os per CPU-ms | dev queue |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for name, tool, m in table:
    print(f"| {name} | {tool} | {m['iops']:.0f} | {m['bw']/2**20:.1f} | {m['lat_p50_us']:.1f} | {m['cpu_pct']:.1f} | {m['ios_per_cpu_ms']:.1f} | {fmt(m['dev_aqu'])} |")
print()
print("| ratio | median | spread (per round) | bar | result |")
print("|---|---:|---:|---:|---|")
for r in bars + info:
    print("| " + " | ".join(r) + " |")
for m in sorted(set(missing)):
    print(f"note: {m} (left out of the medians)")
PY
