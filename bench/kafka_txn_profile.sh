#!/usr/bin/env bash
# Where a transaction's time goes: runs one transactional kafka_txn_bench
# (P producers, TXN_RECORDS-record transactions) against a fresh rtaid and
# prints rtaid's server-side request durations (rtai_kafka_request_duration_
# seconds: mean per request, by API) and fsync durations (rtai_log_fsync_
# duration_seconds), per transaction. Used for docs/PERFORMANCE.md.
#
# Build first:  ninja -C build rtaid kafka_txn_bench
# Run:          bench/kafka_txn_profile.sh [producers]   (from the repo root)
# Env:          RECORDS (default 200000), TXN_RECORDS (1000), MODE (transactional)
set -euo pipefail

BUILD=${BUILD:-build}
RTAID=${RTAID:-$BUILD/cli/rtaid}
BENCH=${BENCH:-$BUILD/bench/kafka_txn_bench}
WORK=${WORK:-$BUILD/kafka_txn_profile_data}
P=${1:-1}
RECORDS=${RECORDS:-200000}
TXN_RECORDS=${TXN_RECORDS:-1000}
MODE=${MODE:-transactional}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$WORK"
source "$HERE/kafka_bench_lib.sh"

start_rtaid "$WORK/rtaid"
HTTP_PORT=$(sed -n 's/.*msg="rtaid listening".* http=[^ ]*:\([0-9]*\).*/\1/p' "$WORK/rtaid/rtaid.log")
B="127.0.0.1:$KAFKA_PORT"
out=$("$BENCH" --mode="$MODE" --topic=profile --producers="$P" --records="$RECORDS" \
      --txn_records="$TXN_RECORDS" --brokers="$B" --partitions=1)
echo "$out"
txns=$(( RECORDS / TXN_RECORDS ))
curl -s "http://127.0.0.1:$HTTP_PORT/metrics" >"$WORK/metrics.txt"
echo "per transaction ($txns transactions of $TXN_RECORDS records, $P producer(s)):"
awk -v txns="$txns" '
  /^rtai_kafka_request_duration_seconds_(sum|count)\{/ {
    match($0, /api="[^"]*"/); api = substr($0, RSTART + 5, RLENGTH - 6)
    if ($0 ~ /_sum\{/) sum[api] = $NF; else cnt[api] = $NF
  }
  /^rtai_log_fsync_duration_seconds_sum/ { fsum += $NF }
  /^rtai_log_fsync_duration_seconds_count/ { fcnt += $NF }
  END {
    for (a in cnt) if (cnt[a] > 0)
      printf "  %-20s requests/txn %6.2f  mean %7.3f ms  ms/txn %7.3f\n", a, cnt[a] / txns,
             1000 * sum[a] / cnt[a], 1000 * sum[a] / txns
    if (fcnt > 0)
      printf "  partition fsyncs     per txn %6.2f  mean %7.3f ms\n", fcnt / txns, 1000 * fsum / fcnt
  }' "$WORK/metrics.txt"
