#!/usr/bin/env bash
# Issue 11's table: cached buffered I/O through the JDK's FileChannel and jaio's AioFileChannel, the same
# workloads back to back, several rounds alternating which goes first, medians and jaio/JDK ratios against
# the 0.9 bar; then uncached buffered reads and O_DIRECT reads, jaio against jaio without its inline path
# (-Djaio.inline=false, today's engine path), to show that nothing got slower.
#
# Usage: bench/compare-cached.sh [--dir DIR] [--runtime SECONDS] [--ramp SECONDS] [--rounds N] [--out DIR]
#                                [--no-uncached] [--keep-files]
#        bench/compare-cached.sh --analyze DIR [--rounds N]   (tables only, no runs)
# Cached cases: a 64 MiB file read once so the page cache holds it; 1 KiB random positional reads into heap
# ByteBuffers (--mem=heap) on 1 and 8 platform threads (jdk-threads / aio-threads) and 64 virtual threads
# (jdk-vthreads / aio-vthreads); 4 KiB random reads and writes on 1 platform thread.
# Uncached: a 512 MiB file, page cache dropped (echo 3 > /proc/sys/vm/drop_caches: root) before each run,
# 4 KiB random reads on 8 platform threads; O_DIRECT: 4 KiB random reads at iodepth 32 on the aio engine.
# Needs: python3 (to read the JSON), a JDK 22+ for ./jaio.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=/tmp
runtime=5
ramp=3
rounds=3
out=""
uncached=1
keep_files=0
analyze=""

while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --runtime) runtime=$2; shift 2 ;;
    --ramp) ramp=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --no-uncached) uncached=0; shift ;;
    --keep-files) keep_files=1; shift ;;
    --analyze) analyze=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "compare-cached: unknown option: $1" >&2; exit 2 ;;
  esac
done

if [ -n "$analyze" ]; then
  out=$analyze
else
command -v python3 >/dev/null 2>&1 || { echo "compare-cached: python3 is needed to read the JSON results" >&2; exit 3; }
if [ "$uncached" = 1 ] && { [ "$(id -u)" != 0 ] || [ ! -w /proc/sys/vm/drop_caches ]; }; then
  echo "compare-cached: dropping the page cache needs root; the uncached cases are skipped (--no-uncached)" >&2
  uncached=0
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=${out:-"$root/bench/results/cached-$stamp"}
mkdir -p "$out"
small="$dir/jaio-compare-cached-64m.dat"
big="$dir/jaio-compare-cached-512m.dat"
trap '[ "$keep_files" = 1 ] || rm -f "$small" "$big"' EXIT

"$root/jaio" --version >&2   # builds the CLI on first use

echo "compare-cached: laying out $small (64 MiB)" >&2
head -c $((64 << 20)) /dev/urandom > "$small"
if [ "$uncached" = 1 ]; then
  echo "compare-cached: laying out $big (512 MiB)" >&2
  head -c $((512 << 20)) /dev/urandom > "$big"
fi
sync

# A run that fails is reported and left out of the medians; the rounds go on.
run() { # name engine file jaio-java-opts bench-options...
  local name=$1 engine=$2 file=$3 opts=$4 tag=$2
  shift 4
  [ -n "$opts" ] && tag="$engine-noinline"
  JAIO_JAVA_OPTS="$opts" "$root/jaio" bench --filename="$file" --ioengine="$engine" --runtime="$runtime" \
      --ramp_time="$ramp" --time_based "$@" --output-format=json --output="$out/$name.$tag.json" \
      </dev/null >/dev/null 2>"$out/$name.$tag.err" \
    || { echo "compare-cached: $tag $name failed: $(tail -n1 "$out/$name.$tag.err")" >&2; rm -f "$out/$name.$tag.json"; }
}
cached() { # name engine bench-options...: on the 64 MiB file, read whole first so the page cache holds it
  local name=$1 engine=$2
  shift 2
  cat "$small" > /dev/null
  run "$name" "$engine" "$small" "" --size=64m --direct=0 --mem=heap "$@"
}
cold() { # name engine jaio-java-opts bench-options...: on the 512 MiB file, page cache dropped first
  local name=$1 engine=$2 opts=$3
  shift 3
  sync
  echo 3 > /proc/sys/vm/drop_caches
  run "$name" "$engine" "$big" "$opts" --size=512m "$@"
}

# name jdk-engine jaio-engine rw bs iodepth
cases=(
  "randread-1k-t1 jdk-threads aio-threads randread 1k 1"
  "randread-1k-t8 jdk-threads aio-threads randread 1k 8"
  "randread-1k-v64 jdk-vthreads aio-vthreads randread 1k 64"
  "randread-4k-t1 jdk-threads aio-threads randread 4k 1"
  "randwrite-4k-t1 jdk-threads aio-threads randwrite 4k 1"
)

for ((r = 1; r <= rounds; r++)); do
  for c in "${cases[@]}"; do
    read -r name jdk aio rw bs depth <<<"$c"
    echo "compare-cached: round $r/$rounds: $name" >&2
    if ((r % 2 == 1)); then
      cached "$name.r$r" "$jdk" --rw="$rw" --bs="$bs" --iodepth="$depth"
      cached "$name.r$r" "$aio" --rw="$rw" --bs="$bs" --iodepth="$depth"
    else
      cached "$name.r$r" "$aio" --rw="$rw" --bs="$bs" --iodepth="$depth"
      cached "$name.r$r" "$jdk" --rw="$rw" --bs="$bs" --iodepth="$depth"
    fi
  done
  if [ "$uncached" = 1 ]; then
    echo "compare-cached: round $r/$rounds: uncached and O_DIRECT" >&2
    first="" second="-Djaio.inline=false"
    ((r % 2 == 1)) || { first="-Djaio.inline=false"; second=""; }
    for opts in "$first" "$second"; do
      cold "uncached-randread-4k-t8.r$r" aio-threads "$opts" --rw=randread --bs=4k --iodepth=8 --direct=0 --mem=heap
      cold "direct-randread-4k-qd32.r$r" aio "$opts" --rw=randread --bs=4k --iodepth=32 --direct=1
    done
    cold "uncached-randread-4k-t8.r$r" jdk-threads "" --rw=randread --bs=4k --iodepth=8 --direct=0 --mem=heap
  fi
done
fi

python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys, os
out, rounds = sys.argv[1], int(sys.argv[2])

def sample(path):
    with open(path) as f:
        j = json.load(f)["jobs"][0]
    d = j["read"] if j["read"]["total_ios"] else j["write"]
    jaio = j.get("jaio", {})
    return {"iops": d["iops"], "inline": jaio.get("requests_inline"), "to_engine": jaio.get("requests_to_engine"),
            "threads": jaio.get("peak_platform_threads")}

missing = []
def median(name, tool):
    paths = [os.path.join(out, f"{name}.r{r}.{tool}.json") for r in range(1, rounds + 1)]
    runs = [sample(p) for p in paths if os.path.exists(p)]
    if len(runs) < rounds:
        missing.append(f"{name} {tool}: {rounds - len(runs)} of {rounds} runs missing (failed or not run)")
    if not runs:
        return None
    m = {"iops": statistics.median(x["iops"] for x in runs), "runs": [x["iops"] for x in runs]}
    m["inline"] = sum(x["inline"] or 0 for x in runs)
    m["to_engine"] = sum(x["to_engine"] or 0 for x in runs)
    m["threads"] = max(x["threads"] or 0 for x in runs)
    return m

def fmt(x):
    return "n/a" if x is None else f"{x:,.0f}"

def ratio(a, b):
    return a["iops"] / b["iops"] if a and b and b["iops"] else float("nan")

print(f"Cached buffered I/O, medians of {rounds} rounds (reads or writes per second), jaio/JDK against 0.9:")
print()
print("| case | JDK | jaio | jaio / JDK | bar | jaio inline / to engine | peak platform threads JDK / jaio |")
print("|---|---:|---:|---:|---|---|---|")
cases = [("randread-1k-t1", "jdk-threads", "aio-threads"), ("randread-1k-t8", "jdk-threads", "aio-threads"),
         ("randread-1k-v64", "jdk-vthreads", "aio-vthreads"), ("randread-4k-t1", "jdk-threads", "aio-threads"),
         ("randwrite-4k-t1", "jdk-threads", "aio-threads")]
for name, jdk, aio in cases:
    j, a = median(name, jdk), median(name, aio)
    r = ratio(a, j)
    print(f"| {name} | {fmt(j and j['iops'])} | {fmt(a and a['iops'])} | {r:.2f} | {'PASS' if r >= 0.9 else 'MISS'} "
          f"| {fmt(a and a['inline'])} / {fmt(a and a['to_engine'])} | {j and j['threads']} / {a and a['threads']} |")
print()
cold = [("uncached-randread-4k-t8", "aio-threads"), ("direct-randread-4k-qd32", "aio")]
if any(os.path.exists(os.path.join(out, f"{n}.r1.{t}.json")) for n, t in cold):
    print("Not cached: jaio against jaio without the inline path (-Djaio.inline=false), against 0.9:")
    print()
    print("| case | jaio, inline off | jaio | ratio | bar | JDK |")
    print("|---|---:|---:|---:|---|---:|")
    for name, tool in cold:
        off, on = median(name, tool + "-noinline"), median(name, tool)
        r = ratio(on, off)
        jdk = median(name, "jdk-threads") if name.startswith("uncached") else None
        print(f"| {name} ({tool}) | {fmt(off and off['iops'])} | {fmt(on and on['iops'])} | {r:.2f} "
              f"| {'PASS' if r >= 0.9 else 'MISS'} | {fmt(jdk and jdk['iops'])} |")
    print()
for m in missing:
    print("missing:", m)
print(f"raw JSON: {out}")
PY
