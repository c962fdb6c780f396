#!/usr/bin/env bash
# Kafka transactions on rtaid with librdkafka (acks=all, fsync before ack):
# transactional produce (transactions of TXN_RECORDS records of 100 bytes)
# against idempotent non-transactional produce in the same run, and
# read_committed against read_uncommitted fetch throughput of the same
# transactional data. Rounds interleave the modes so both see the same disk
# weather; the table reports medians. Prints Markdown for docs/PERFORMANCE.md.
# With PRODUCERS="1 4" (the default) each round runs both modes with 1
# producer (latency-bound: one producer's sequential protocol) and with 4
# concurrent producers (distinct transactional.ids vs 4 idempotent
# producers; the same total records), and reports each ratio.
#
# Build first:  ninja -C build rtaid kafka_txn_bench
# Run:          bench/kafka_txn_bench.sh [rounds]      (from the repo root)
# Env:          RECORDS (default 1000000), TXN_RECORDS (1000),
#               PARTITIONS (1), LINGER_MS (5), PRODUCERS ("1 4"),
#               CONSUME (1; 0 skips the read_committed comparison)
# Besides the medians, the ratio of each round (the two modes ran next to
# each other) is printed to stderr and its median reported: on a loaded
# machine that is steadier than the ratio of the medians.
set -euo pipefail

BUILD=${BUILD:-build}
RTAID=${RTAID:-$BUILD/cli/rtaid}
BENCH=${BENCH:-$BUILD/bench/kafka_txn_bench}
WORK=${WORK:-$BUILD/kafka_txn_bench_data}
ROUNDS=${1:-3}
RECORDS=${RECORDS:-1000000}
TXN_RECORDS=${TXN_RECORDS:-1000}
PARTITIONS=${PARTITIONS:-1}
LINGER_MS=${LINGER_MS:-5}
PRODUCERS=${PRODUCERS:-1 4}
CONSUME=${CONSUME:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$WORK"
source "$HERE/kafka_bench_lib.sh"

start_rtaid "$WORK/rtaid"
B="127.0.0.1:$KAFKA_PORT"
declare -A RATE RATIO
for r in $(seq "$ROUNDS"); do
  common=(--brokers="$B" --partitions="$PARTITIONS" --records="$RECORDS" --linger_ms="$LINGER_MS")
  first_txn=""
  for p in $PRODUCERS; do
    # Alternate which mode runs first.
    if (( r % 2 )); then modes=(idempotent transactional); else modes=(transactional idempotent); fi
    for m in "${modes[@]}"; do
      out=$("$BENCH" --mode="$m" --topic="$m-p$p-$r" --producers="$p" \
            --txn_records="$TXN_RECORDS" "${common[@]}")
      RATE[$m-$p]+="$(echo "$out" | field records_per_s) "
    done
    [[ -z "$first_txn" ]] && first_txn="transactional-p$p-$r"
    i=$(echo "${RATE[idempotent-$p]}" | awk '{print $NF}')
    t=$(echo "${RATE[transactional-$p]}" | awk '{print $NF}')
    RATIO[$p]+="$(awk -v a="$t" -v b="$i" 'BEGIN {printf "%.4f", a / b}') "
    echo "round $r P=$p: idem=$i txn=$t ratio=$(awk -v a="$t" -v b="$i" 'BEGIN {printf "%.0f%%", 100 * a / b}')" >&2
  done
  (( CONSUME )) || continue
  # read_committed vs read_uncommitted over the first transactional topic;
  # alternate which isolation level reads first (page cache warm for both).
  if (( r % 2 )); then order=(read_uncommitted read_committed); else order=(read_committed read_uncommitted); fi
  for iso in "${order[@]}"; do
    out=$("$BENCH" --mode=consume --topic="$first_txn" --isolation="$iso" \
          --brokers="$B" --partitions="$PARTITIONS" --records="$RECORDS")
    RATE[$iso]+="$(echo "$out" | field records_per_s) "
  done
done
med() { echo "${RATE[$1]}" | tr ' ' '\n' | grep -v '^$' | median; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f%%", 100 * a / b}'; }
mbs() { awk -v r="$1" 'BEGIN {printf "%.1f", r * 100 / 1e6}'; }
machine_info
echo
echo "| Workload ($RECORDS records of 100 B, $PARTITIONS partition(s), median of $ROUNDS) | records/s | MB/s | ratio | median per-round ratio |"
echo "|---|---:|---:|---:|---:|"
for p in $PRODUCERS; do
  idem=$(med "idempotent-$p"); txn=$(med "transactional-$p")
  rr=$(echo "${RATIO[$p]}" | tr ' ' '\n' | grep -v '^$' | median)
  echo "| P=$p: idempotent produce, $p producer(s) (enable.idempotence, acks=all) | $idem | $(mbs "$idem") | 100% | |"
  echo "| P=$p: transactional produce, $p producer(s), $TXN_RECORDS records per transaction | $txn | $(mbs "$txn") | $(pct "$txn" "$idem") | $(pct "$rr" 1) |"
done
(( CONSUME )) || exit 0
ru=$(med read_uncommitted); rc=$(med read_committed)
echo "| fetch, read_uncommitted | $ru | $(mbs "$ru") | 100% | |"
echo "| fetch, read_committed | $rc | $(mbs "$rc") | $(pct "$rc" "$ru") | |"
