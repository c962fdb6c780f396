#!/usr/bin/env bash
# The fraud pipeline end to end: rtaid's fraud jobs (docs/examples/, bounded
# sources) without and with exactly-once (checkpoints every second,
# two-phase-commit broker sinks) vs the article's design
# (bench/article_fraud_consumer.py: confluent-kafka consumer + per-message
# json.loads, Python features and scikit-learn predict_proba) reading the same
# topic of the same rtaid, in the same run, through rtaid's Kafka listener.
# Every rtaid run writes to its own output topics (<topic>-<run>), counted
# afterwards with a read_committed consumer (kcat): the exactly-once runs must
# have committed one score per transaction (full job) and the same alerts as
# the run without exactly-once (score-only job), else the script fails.
# Results: docs/PERFORMANCE.md.
#
#   bash bench/fraud_pipeline_bench.sh [EVENTS] [ARTICLE_EVENTS]
# Defaults: 200000 transactions for rtaid, 20000 for the article's consumer
# (its rate is per message; fewer keeps the run short). Needs ./build, kcat.
set -euo pipefail
shopt -s inherit_errexit  # a failed run inside $(...) stops the script
cd "$(dirname "$0")/.."
BUILD="${RTAI_BUILD_DIR:-build}"
RTAID="$BUILD/cli/rtaid"
CLI="$BUILD/cli/rtai-cli"
EVENTS="${1:-200000}"
ARTICLE_EVENTS="${2:-20000}"
TRAIN_EVENTS=50000
WORK="$(mktemp -d -t rtai-fraud-bench.XXXXXX)"
source bench/kafka_bench_lib.sh
trap 'cleanup; rm -rf "$WORK"' EXIT

# Retention off: the generated events carry simulated (old) timestamps, and
# 7-day time retention (checked every 30 s) would delete the first segments
# of a large backlog mid-run, so later jobs would read fewer transactions.
start_rtaid "$WORK/rtaid" --log-retention-ms=-1
export RTAI_SERVER="$(sed -n 's/.*msg="rtaid listening" grpc=\([^ ]*\).*/\1/p' "$WORK/rtaid/rtaid.log")"
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); $(date -u +%F)"

"$CLI" fraud generate --out "$WORK/train-tx.jsonl" --labels-out "$WORK/train-labels.jsonl" \
  --events "$TRAIN_EVENTS" --drift-after "$TRAIN_EVENTS" --seed 2 >/dev/null
/usr/bin/python3 engine/ml/python/train_fraud_champion.py "$WORK/train-tx.jsonl" \
  "$WORK/train-labels.jsonl" "$WORK/champion.json" >/dev/null
"$CLI" model register "$WORK/champion.json" --name fraud >/dev/null
"$CLI" model promote fraud@1 >/dev/null
for t in fraud-transactions fraud-labels fraud-scores fraud-alerts fraud-audit fraud-drift; do
  "$CLI" topic create "$t" --partitions 1 >/dev/null
done
"$CLI" fraud generate --topic fraud-transactions --labels-topic fraud-labels \
  --events "$EVENTS" --drift-after $((EVENTS / 2)) --seed 1

# rtaid over the backlog (bounded sources): the whole fraud job
# (transactions + labels: features, champion + online challenger, learning,
# drift, alerts) and the score-only job (features -> champion -> alerts, the
# article's pipeline), each without and with exactly-once. Wall time from
# submission to FINISHED, rtaid's CPU, completed checkpoints, and the records
# a read_committed consumer sees in the run's output topics.
committed_count() {  # TOPIC: records visible to a read_committed consumer
  kcat -C -b "127.0.0.1:$KAFKA_PORT" -t "$1" -p 0 -o beginning -e -q -f '.\n' \
    -X isolation.level=read_committed | wc -l
}
run_job() {  # NAME JSON [CHECKPOINT_INTERVAL_MS]
  local name=$1 t
  sed -e 's/"event_time": "event_time_ms"}/"event_time": "event_time_ms", "bounded": true}/' \
      -e 's/"event_time": "label_time_ms"}/"event_time": "label_time_ms", "bounded": true}/' \
      -e "s/\"topic\": \"fraud-\(scores\|alerts\|audit\|drift\)\"/\"topic\": \"fraud-\1-$name\"/" \
      "$2" > "$WORK/$name.json"
  if [[ -n "${3:-}" ]]; then
    sed -i "s/\"checkpoint\": {\"interval_ms\": [0-9]*/\"checkpoint\": {\"interval_ms\": $3/" "$WORK/$name.json"
  fi
  for t in scores alerts audit drift; do
    "$CLI" topic create "fraud-$t-$name" --partitions 1 >/dev/null
  done
  local cpu0 cpu1 t0 t1 job
  cpu0=$(proc_cpu_ms "$RTAID_PID")
  t0=$(date +%s%N)
  job="$("$CLI" job submit "$WORK/$name.json")"
  for _ in $(seq 30000); do
    "$CLI" job status "$job" | head -1 | grep -Eq "FINISHED|FAILED" && break
    sleep 0.02
  done
  t1=$(date +%s%N)
  cpu1=$(proc_cpu_ms "$RTAID_PID")
  "$CLI" job status "$job" > "$WORK/$name.status"
  cat "$WORK/$name.status" >&2
  head -1 "$WORK/$name.status" | grep -q FINISHED
  local checkpoints scores alerts read
  read=$(awk '$1 == "transactions" {print $4}' "$WORK/$name.status")
  if [[ "$read" != "$EVENTS" ]]; then
    echo "FAIL: $name read $read transactions, not $EVENTS" >&2; exit 1
  fi
  checkpoints=$(grep -c ' COMPLETED ' "$WORK/$name.status" || true)
  scores=$(committed_count "fraud-scores-$name")
  alerts=$(committed_count "fraud-alerts-$name")
  awk -v n="$EVENTS" -v a="$t0" -v b="$t1" -v c=$((cpu1 - cpu0)) -v name="$name" \
      -v k="$checkpoints" -v sc="$scores" -v al="$alerts" 'BEGIN {
    s = (b - a) / 1e9; printf "%s transactions=%d seconds=%.3f per_second=%.0f cpu_ms=%d per_cpu_second=%.0f checkpoints=%d committed_scores=%d committed_alerts=%d\n",
    name, n, s, n / s, c, n * 1000 / c, k, sc, al }'
}
expect() {  # WHAT ACTUAL EXPECTED
  if [[ "$2" != "$3" ]]; then echo "FAIL: $1: $2 != $3" >&2; exit 1; fi
  echo "ok: $1 = $3"
}
full=$(run_job rtaid_fraud_job docs/examples/fraud_job.json)
echo "$full"
full_eo=$(run_job rtaid_fraud_job_eo docs/examples/fraud_job_exactly_once.json)
echo "$full_eo"
score=$(run_job rtaid_score_only_job docs/examples/fraud_score_only_job.json)
echo "$score"
score_eo=$(run_job rtaid_score_only_eo docs/examples/fraud_score_only_exactly_once.json)
echo "$score_eo"
# The same with a checkpoint every 100 ms, so the run spans several of them.
score_eo_100=$(run_job rtaid_score_only_eo_100ms docs/examples/fraud_score_only_exactly_once.json 100)
echo "$score_eo_100"
# Complete output: one committed score per transaction (full jobs); the
# score-only job is deterministic (event-time features, fixed champion), so
# its exactly-once runs commit exactly the alerts of the run without.
expect "committed scores, full job" "$(echo "$full" | field committed_scores)" "$EVENTS"
expect "committed scores, full job exactly-once" "$(echo "$full_eo" | field committed_scores)" "$EVENTS"
for line in "$score_eo" "$score_eo_100"; do
  expect "committed alerts, ${line%% *}" "$(echo "$line" | field committed_alerts)" \
    "$(echo "$score" | field committed_alerts)"
done

# The article's consumer on the same topic, through rtaid's Kafka listener.
article=$(/usr/bin/python3 bench/article_fraud_consumer.py "127.0.0.1:$KAFKA_PORT" \
  fraud-transactions "$ARTICLE_EVENTS" "$WORK/train-tx.jsonl" "$WORK/train-labels.jsonl")
echo "$article"
article_rate=$(echo "$article" | field per_second)
article_cpu_rate=$(echo "$article" | field per_cpu_second)
for line in "$full" "$full_eo" "$score" "$score_eo" "$score_eo_100"; do
  awk -v r="$(echo "$line" | field per_second)" -v a="$article_rate" -v n="${line%% *}" \
      -v rc="$(echo "$line" | field per_cpu_second)" -v ac="$article_cpu_rate" \
    'BEGIN {printf "ratio %s / article = %.1fx wall, %.1fx per CPU second\n", n, r / a, rc / ac}'
done
