#!/usr/bin/env bash
# End-to-end produce -> consume latency through rtaid's Kafka listener at a
# fixed rate (default 20,000 records/s of 100 bytes), librdkafka producer
# (acks=all) and consumer in one process (bench/kafka_latency_bench.cc).
# Each round starts a fresh rtaid per flush policy; prints Markdown.
#
# Build first:  ninja -C build rtaid kafka_latency_bench
# Run:          bench/kafka_latency_bench.sh [rounds]     (from the repo root)
# Env:          RATE (20000), SECONDS_PER_RUN (12), WARMUP (2), LINGER_MS (1),
#               POLICIES ("per-write interval"), NICE (unset; e.g. -10 runs rtaid and
#               the clients ahead of other work on a shared machine, needs root)
set -euo pipefail

BUILD=${BUILD:-build}
RTAID=${RTAID:-$BUILD/cli/rtaid}
BENCH=${BENCH:-$BUILD/bench/kafka_latency_bench}
WORK=${WORK:-$BUILD/kafka_bench_data}
ROUNDS=${1:-3}
RATE=${RATE:-20000}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-12}
WARMUP=${WARMUP:-2}
LINGER_MS=${LINGER_MS:-1}
POLICIES=${POLICIES:-per-write interval}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$WORK"
source "$HERE/kafka_bench_lib.sh"

declare -A P50 P99 P999 MAX BEHIND
for ((r = 0; r < ROUNDS; r++)); do
  for policy in $POLICIES; do
    echo "round $((r + 1))/$ROUNDS: $policy (load $(cut -d' ' -f1 /proc/loadavg))" >&2
    start_rtaid "$WORK/rtai" --flush-policy="$policy" --flush-ms=1000
    out=$(${NICE:+nice -n "$NICE"} "$BENCH" --brokers=127.0.0.1:"$KAFKA_PORT" --topic=latency --rate="$RATE" \
          --seconds="$SECONDS_PER_RUN" --warmup_seconds="$WARMUP" --linger_ms="$LINGER_MS")
    stop_pid "$RTAID_PID"
    echo "$out" >&2
    P50[$policy]+="$(echo "$out" | field p50_us) "
    P99[$policy]+="$(echo "$out" | field p99_us) "
    P999[$policy]+="$(echo "$out" | field p999_us) "
    MAX[$policy]+="$(echo "$out" | field max_us) "
    BEHIND[$policy]+="$(echo "$out" | field producer_worst_behind_us) "
  done
done

med() { echo "$1" | tr ' ' '\n' | grep . | median | awk '{printf "%.2f", $1 / 1000}'; }
all() { echo "$1" | tr ' ' '\n' | grep . | awk '{printf "%s%.1f", (NR > 1 ? ", " : ""), $1 / 1000}'; }
machine_info
echo "nice: ${NICE:-0} (rtaid and clients)"
echo "runs: $ROUNDS x ${SECONDS_PER_RUN} s at $RATE records/s (first ${WARMUP} s not counted), medians;" \
     "librdkafka producer acks=all linger.ms=$LINGER_MS max.in.flight=5, consumer fetch.wait.max.ms=100"
echo
echo "| flush policy | durability | p50 ms | p99 ms | p999 ms | max ms | p99 of each run | producer worst lag behind schedule, ms |"
echo "|---|---|---|---|---|---|---|---|"
for policy in $POLICIES; do
  case "$policy" in
    per-write) d="fsync before ack; consumers see only fsynced data" ;;
    *) d="OS has the data (fsync every 1 s)" ;;
  esac
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$policy" "$d" "$(med "${P50[$policy]}")" \
    "$(med "${P99[$policy]}")" "$(med "${P999[$policy]}")" "$(med "${MAX[$policy]}")" \
    "$(all "${P99[$policy]}")" "$(all "${BEHIND[$policy]}")"
done
