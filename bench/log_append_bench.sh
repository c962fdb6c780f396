#!/usr/bin/env bash
# Partition log append throughput (fsync before ack, group commit) against the
# disk's physical limit for the same write pattern. Run from the repo root
# after building: ninja -C build log_append_bench
#   bench/log_append_bench.sh [seconds per run] [rounds]
# Each configuration runs `rounds` times, alternating the log run with the
# limits, so all see the same disk weather; the table shows medians:
#   A: serial write(KiB/fsync the log achieved) + fdatasync loop;
#   B: serial write(1 MiB) + fdatasync loop (durable sequential bandwidth);
#   C: the physical limit at the same concurrency: a writer thread keeps at
#      most appenders x batch bytes not yet durable while another thread
#      fdatasyncs in a loop (an ideal group commit with no CPU cost);
#   dd oflag=dsync bs=batch: one fsync per batch (no group commit).
# Prints Markdown for docs/PERFORMANCE.md.
set -euo pipefail

BIN=${BIN:-build/bench/log_append_bench}
DIR=${DIR:-build/bench_data}   # same file system as the data
SECS=${1:-4}
ROUNDS=${2:-3}
mkdir -p "$DIR"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { tr ' ' '\n' | awk -F= -v k="$1" '$1==k {print $2}'; }

echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: nproc=$(nproc), cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "disk: $(df -P "$DIR" | awk 'NR==2 {print $1}') ($(findmnt -no FSTYPE -T "$DIR" 2>/dev/null || echo '?'))"
echo "runs: ${ROUNDS} x ${SECS} s per configuration, medians"
echo
echo "| record | appenders | batch bytes (10 records) | records/s | MB/s | fsyncs/s | KiB/fsync | limit A, MB/s | log/A | limit B, MB/s | log/B | limit C, MB/s | log/C | dd oflag=dsync bs=batch, MB/s |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for rb in 100 1024; do
  for a in 8 64; do
    rps=(); mbs=(); fps=(); bpf=(); raw=(); ratio=(); big=(); ratio_big=(); pip=(); ratio_pip=()
    for ((r = 0; r < ROUNDS; r++)); do
      line=$("$BIN" --dir="$DIR/log" --record_bytes="$rb" --records_per_batch=10 \
                    --appenders="$a" --seconds="$SECS")
      batch=$(echo "$line" | field batch_bytes)
      b=$(printf '%.0f' "$(echo "$line" | field bytes_per_fsync)")
      m=$(echo "$line" | field MB_per_s)
      l=$("$BIN" --dir="$DIR/raw" --raw_write_bytes="$b" --seconds="$SECS" | field MB_per_s)
      rps+=("$(echo "$line" | field records_per_s)"); mbs+=("$m")
      fps+=("$(echo "$line" | field fsyncs_per_s)"); bpf+=("$b"); raw+=("$l")
      ratio+=("$(awk -v x="$m" -v y="$l" 'BEGIN {printf "%.2f", x / y}')")
      g=$("$BIN" --dir="$DIR/raw" --raw_write_bytes=1048576 --seconds="$SECS" | field MB_per_s)
      big+=("$g")
      ratio_big+=("$(awk -v x="$m" -v y="$g" 'BEGIN {printf "%.2f", x / y}')")
      c=$("$BIN" --dir="$DIR/raw" --raw_write_bytes="$batch" --raw_pipelined=1 \
                 --raw_max_ahead_bytes=$((a * batch)) --seconds="$SECS" | field MB_per_s)
      pip+=("$c")
      ratio_pip+=("$(awk -v x="$m" -v y="$c" 'BEGIN {printf "%.2f", x / y}')")
    done
    dd_mbs=$(dd if=/dev/zero of="$DIR/dd.dat" bs="$batch" count=2000 oflag=dsync 2>&1 |
             tail -1 | awk -F, '{print $NF}' | xargs)
    rm -f "$DIR/dd.dat"
    printf '| %s B | %s | %s | %s | %s | %s | %.0f | %s | %.0f%% | %s | %.0f%% | %s | %.0f%% | %s |\n' "$rb" "$a" "$batch" \
      "$(printf '%s\n' "${rps[@]}" | median)" "$(printf '%s\n' "${mbs[@]}" | median)" \
      "$(printf '%s\n' "${fps[@]}" | median)" \
      "$(printf '%s\n' "${bpf[@]}" | median | awk '{print $1/1024}')" \
      "$(printf '%s\n' "${raw[@]}" | median)" \
      "$(printf '%s\n' "${ratio[@]}" | median | awk '{print 100*$1}')" \
      "$(printf '%s\n' "${big[@]}" | median)" \
      "$(printf '%s\n' "${ratio_big[@]}" | median | awk '{print 100*$1}')" \
      "$(printf '%s\n' "${pip[@]}" | median)" \
      "$(printf '%s\n' "${ratio_pip[@]}" | median | awk '{print 100*$1}')" "$dd_mbs"
  done
done
