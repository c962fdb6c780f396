#!/usr/bin/env bash
# Partition log append throughput (fsync before ack, group commit) against the
# disk's physical limit for the same write pattern. Run from the repo root
# after building: ninja -C build log_append_bench
#   bench/log_append_bench.sh [seconds per run]
# Prints a Markdown table for docs/PERFORMANCE.md.
set -euo pipefail

BIN=${BIN:-build/bench/log_append_bench}
DIR=${DIR:-build/bench_data}   # same file system as the data
SECS=${1:-5}
mkdir -p "$DIR"

echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: nproc=$(nproc), cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "disk: $(df -P "$DIR" | awk 'NR==2 {print $1}') ($(findmnt -no FSTYPE -T "$DIR" 2>/dev/null || echo '?'))"
echo
echo "| record | appenders | batch | records/s | MB/s | fsyncs/s | KiB/fsync | raw write+fdatasync of KiB/fsync, MB/s | ratio | dd oflag=dsync bs=batch, MB/s |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for rb in 100 1024; do
  for a in 8 64; do
    line=$("$BIN" --dir="$DIR/log" --record_bytes="$rb" --records_per_batch=10 \
                  --appenders="$a" --seconds="$SECS")
    get() { echo "$line" | tr ' ' '\n' | awk -F= -v k="$1" '$1==k {print $2}'; }
    batch=$(get batch_bytes); rps=$(get records_per_s); mbs=$(get MB_per_s)
    fps=$(get fsyncs_per_s); bpf=$(get bytes_per_fsync)
    bpf_int=$(printf '%.0f' "$bpf")
    raw=$("$BIN" --dir="$DIR/raw" --raw_write_bytes="$bpf_int" --seconds="$SECS" |
          tr ' ' '\n' | awk -F= '$1=="MB_per_s" {print $2}')
    ratio=$(awk -v a="$mbs" -v b="$raw" 'BEGIN {printf "%.0f%%", 100 * a / b}')
    count=$(( (SECS * 2000) > 1 ? SECS * 2000 : 1 ))
    dd_out=$(dd if=/dev/zero of="$DIR/dd.dat" bs="$batch" count="$count" oflag=dsync 2>&1 | tail -1)
    rm -f "$DIR/dd.dat"
    dd_mbs=$(echo "$dd_out" | awk -F, '{print $NF}' | xargs)
    printf '| %s B | %s | %s B (10 records) | %s | %s | %s | %.0f | %s | %s | %s |\n' \
      "$rb" "$a" "$batch" "$rps" "$mbs" "$fps" "$(awk -v b="$bpf" 'BEGIN {print b/1024}')" \
      "$raw" "$ratio" "$dd_mbs"
  done
done
