#!/usr/bin/env bash
# Kafka transactions on rtaid with librdkafka (acks=all, fsync before ack):
# transactional produce (transactions of TXN_RECORDS records of 100 bytes)
# against idempotent non-transactional produce in the same run, and
# read_committed against read_uncommitted fetch throughput of the same
# transactional data. Rounds interleave the modes so both see the same disk
# weather; the table reports medians. Prints Markdown for docs/PERFORMANCE.md.
#
# Build first:  ninja -C build rtaid kafka_txn_bench
# Run:          bench/kafka_txn_bench.sh [rounds]      (from the repo root)
# Env:          RECORDS (default 1000000), TXN_RECORDS (1000),
#               PARTITIONS (1), LINGER_MS (5)
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
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$WORK"
source "$HERE/kafka_bench_lib.sh"

start_rtaid "$WORK/rtaid"
B="127.0.0.1:$KAFKA_PORT"
declare -A RATE
for r in $(seq "$ROUNDS"); do
  common=(--brokers="$B" --partitions="$PARTITIONS" --records="$RECORDS")
  idem=$("$BENCH" --mode=idempotent --topic="idem-$r" --linger_ms="$LINGER_MS" "${common[@]}")
  txn=$("$BENCH" --mode=transactional --topic="txn-$r" --linger_ms="$LINGER_MS" \
        --txn_records="$TXN_RECORDS" "${common[@]}")
  # Alternate which isolation level reads first (page cache is warm for both).
  if (( r % 2 )); then order=(read_uncommitted read_committed); else order=(read_committed read_uncommitted); fi
  for iso in "${order[@]}"; do
    out=$("$BENCH" --mode=consume --topic="txn-$r" --isolation="$iso" \
          --brokers="$B" --partitions="$PARTITIONS" --records="$RECORDS")
    RATE[$iso]+="$(echo "$out" | field records_per_s) "
  done
  RATE[idempotent]+="$(echo "$idem" | field records_per_s) "
  RATE[transactional]+="$(echo "$txn" | field records_per_s) "
  echo "round $r: idem=$(echo "$idem" | field records_per_s) txn=$(echo "$txn" | field records_per_s)" >&2
done
med() { echo "${RATE[$1]}" | tr ' ' '\n' | grep -v '^$' | median; }
idem=$(med idempotent); txn=$(med transactional)
ru=$(med read_uncommitted); rc=$(med read_committed)
pct() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f%%", 100 * a / b}'; }
mbs() { awk -v r="$1" 'BEGIN {printf "%.1f", r * 100 / 1e6}'; }
echo "| Workload ($RECORDS records of 100 B, $PARTITIONS partition(s), median of $ROUNDS) | records/s | MB/s | ratio |"
echo "|---|---:|---:|---:|"
echo "| idempotent produce (enable.idempotence, acks=all) | $idem | $(mbs "$idem") | 100% |"
echo "| transactional produce, $TXN_RECORDS records per transaction | $txn | $(mbs "$txn") | $(pct "$txn" "$idem") |"
echo "| fetch, read_uncommitted | $ru | $(mbs "$ru") | 100% |"
echo "| fetch, read_committed | $rc | $(mbs "$rc") | $(pct "$rc" "$ru") |"
