#!/usr/bin/env bash
# Issue 12's virtual-thread table: N virtual threads each doing blocking positional 4 KiB random reads,
# through jaio's AioFileChannel (aio-vthreads) and through the JDK's FileChannel (jdk-vthreads), at 32, 256
# and 1024 threads, on O_DIRECT and on a buffered (page-cached) file, alternating which goes first. Prints
# IOPS, p99 latency, CPU and the peak of live platform threads in the JVM, medians over the rounds.
#
# Usage: bench/vthreads.sh [--dir DIR] [--size SIZE] [--runtime S] [--ramp S] [--rounds N] [--out DIR]
# Needs: python3 and a JDK 22+ for ./jaio.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=/tmp; size=1G; runtime=4; ramp=3; rounds=3; out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;; --size) size=$2; shift 2 ;; --runtime) runtime=$2; shift 2 ;;
    --ramp) ramp=$2; shift 2 ;; --rounds) rounds=$2; shift 2 ;; --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "vthreads: unknown option: $1" >&2; exit 2 ;;
  esac
done
out=${out:-"$root/bench/results/vthreads-$(date -u +%Y%m%dT%H%M%SZ)"}
mkdir -p "$out"
file="$dir/jaio-vthreads.dat"
trap 'rm -f "$file"' EXIT
"$root/jaio" --version >&2
for ((r = 1; r <= rounds; r++)); do
  for direct in 1 0; do
    [ "$direct" = 0 ] && cat "$file" >/dev/null   # the buffered runs read a file the page cache holds
    for n in 32 256 1024; do
      engines=(aio-vthreads jdk-vthreads); ((r % 2 == 0)) && engines=(jdk-vthreads aio-vthreads)
      for e in "${engines[@]}"; do
        echo "vthreads: round $r/$rounds: $e direct=$direct threads=$n" >&2
        "$root/jaio" bench --filename="$file" --size="$size" --rw=randread --bs=4k --iodepth="$n" \
            --ioengine="$e" --direct="$direct" --runtime="$runtime" --ramp_time="$ramp" --output-format=json \
            --output="$out/d$direct-n$n.r$r.$e.json" </dev/null >/dev/null 2>"$out/d$direct-n$n.r$r.$e.err" \
          || echo "vthreads: $e direct=$direct threads=$n failed: $(tail -n1 "$out/d$direct-n$n.r$r.$e.err")" >&2
      done
    done
  done
done
python3 - "$out" "$rounds" <<'PY'
import json, os, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def m(p):
    j = json.load(open(p))["jobs"][0]
    cpu = (j["usr_cpu"] + j["sys_cpu"])
    return (j["read"]["iops"], j["read"]["clat_ns"]["percentile"].get("99.000000", 0) / 1000.0, cpu,
            j["jaio"].get("peak_platform_threads", 0))
print("| file | threads | engine | IOPS | p99 us | CPU % | peak platform threads |")
print("|---|---:|---|---:|---:|---:|---:|")
for direct in (1, 0):
    for n in (32, 256, 1024):
        for e in ("aio-vthreads", "jdk-vthreads"):
            rs = [m(os.path.join(out, f"d{direct}-n{n}.r{r}.{e}.json")) for r in range(1, rounds + 1)
                  if os.path.exists(os.path.join(out, f"d{direct}-n{n}.r{r}.{e}.json"))]
            if not rs:
                print(f"| {'O_DIRECT' if direct else 'buffered'} | {n} | {e} | no run | | | |"); continue
            med = lambda i: statistics.median(x[i] for x in rs)
            print(f"| {'O_DIRECT' if direct else 'buffered, cached'} | {n} | {e} | {med(0):.0f} | {med(1):.0f} | "
                  f"{med(2):.1f} | {max(x[3] for x in rs)} |")
PY
