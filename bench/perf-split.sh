#!/usr/bin/env bash
# Where the CPU of one request goes, jaio against fio: runs `jaio bench` and then fio on the same file with
# 4 KiB random O_DIRECT reads at one iodepth, records each with `perf record` for 5 s of its steady state
# (after the ramp), and prints each tool's IOPS and CPU, its samples split by object (the kernel, jaio's
# JIT-compiled code and the JVM, fio itself, libc) and its hottest symbols.
#
# Usage: bench/perf-split.sh [--engine uring|aio] [--depth N] [--file PATH] [--top N]
#   --engine uring (default) compares jaio --ioengine=uring with fio --ioengine=io_uring; aio compares
#   jaio --ioengine=aio with fio --ioengine=libaio. The file (default /tmp/jaio-compare-fio.dat, 1 GiB)
#   is laid out by fio when missing.
# Needs: perf, fio, python3, root (or a perf_event_paranoid that lets perf follow another process).
#
# In a VM without a PMU, perf samples with a timer: a sample lands where the interrupts are enabled
# again, so time spent with them off (the disk's doorbell write, a context switch, the completion's
# softirq) shows under the symbol that re-enables them. Compare the kernel/user split, not the exact
# symbols.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
engine=uring
depth=1
file=/tmp/jaio-compare-fio.dat
top=12
while [ $# -gt 0 ]; do
  case "$1" in
    --engine) engine=$2; shift 2 ;;
    --depth) depth=$2; shift 2 ;;
    --file) file=$2; shift 2 ;;
    --top) top=$2; shift 2 ;;
    *) echo "perf-split: unknown argument: $1" >&2; exit 2 ;;
  esac
done
case "$engine" in
  uring) fio_engine=io_uring ;;
  aio) fio_engine=libaio ;;
  *) echo "perf-split: --engine must be uring or aio: $engine" >&2; exit 2 ;;
esac
command -v perf >/dev/null || { echo "perf-split: perf is not installed" >&2; exit 1; }
command -v fio >/dev/null || { echo "perf-split: fio is not installed" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ ! -f "$file" ]; then
  fio --name=layout --filename="$file" --size=1g --rw=write --bs=1m --direct=1 >/dev/null
fi
common=(--filename="$file" --size=1g --rw=randread --bs=4k --iodepth="$depth" --direct=1 --runtime=15
        --ramp_time=3 --time_based --output-format=json)

# record TOOL COMMAND...: starts the command, records it from 9 s to 14 s (ramp and warm-up are over)
record() {
  local tool=$1; shift
  "$@" >/dev/null 2>&1 &
  local pid=$!
  sleep 9
  # jaio's launcher execs java, fio forks its job: follow the newest process of the command's group.
  local target
  target=$(pgrep -P "$pid" | tail -1 || true)
  [ -n "$target" ] || target=$pid
  perf record -q -F 4999 -o "$work/$tool.data" -p "$target" -- sleep 5 >/dev/null 2>&1 || true
  wait "$pid"
}

record jaio "$root/jaio" bench "${common[@]}" --ioengine="$engine" --output="$work/jaio.json"
record fio fio --name=perf-split "${common[@]}" --ioengine="$fio_engine" --output="$work/fio.json"

for tool in jaio fio; do
  echo "== $tool ($([ "$tool" = jaio ] && echo "--ioengine=$engine" || echo "--ioengine=$fio_engine"), iodepth $depth)"
  python3 - "$work/$tool.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))["jobs"][0]
r = j["read"]
cpu = j["usr_cpu"] + j["sys_cpu"]
print(f"IOPS {r['iops']:.0f}  CPU {cpu:.1f}% (user {j['usr_cpu']:.1f}, system {j['sys_cpu']:.1f})  "
      f"CPU per I/O {10000 * cpu / r['iops']:.1f} us")
PY
  echo "-- samples by object"
  # (|| true: head closing the pipe early is not a failure)
  perf report -i "$work/$tool.data" --sort dso --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -6 || true
  echo "-- hottest symbols"
  perf report -i "$work/$tool.data" --sort sym --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -"$top" || true
done
