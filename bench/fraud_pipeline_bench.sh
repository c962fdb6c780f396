#!/usr/bin/env bash
# The fraud pipeline end to end: rtaid's fraud job (docs/examples/fraud_job.json,
# bounded sources) vs the article's design (bench/article_fraud_consumer.py:
# confluent-kafka consumer + per-message json.loads, Python features and
# scikit-learn predict_proba) reading the same topic of the same rtaid, in the
# same run, through rtaid's Kafka listener. Results: docs/PERFORMANCE.md.
#
#   bash bench/fraud_pipeline_bench.sh [EVENTS] [ARTICLE_EVENTS]
# Defaults: 200000 transactions for rtaid, 20000 for the article's consumer
# (its rate is per message; fewer keeps the run short). Needs ./build.
set -euo pipefail
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

start_rtaid "$WORK/rtaid"
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
# article's pipeline). Wall time from submission to FINISHED, and rtaid's CPU.
run_job() {  # NAME JSON
  sed -e 's/"event_time": "event_time_ms"}/"event_time": "event_time_ms", "bounded": true}/' \
      -e 's/"event_time": "label_time_ms"}/"event_time": "label_time_ms", "bounded": true}/' \
      "$2" > "$WORK/$1.json"
  if [[ -n "${SCORES_TO_BLACKHOLE:-}" ]]; then  # variant: per-event scores not written
    sed -i 's/{"uid": "scores", "operator": "broker_sink", "config": {"topic": "fraud-scores", "key": "card_id"}}/{"uid": "scores", "operator": "blackhole_sink"}/' \
      "$WORK/$1.json"
  fi
  local cpu0 cpu1 t0 t1 job
  cpu0=$(proc_cpu_ms "$RTAID_PID")
  t0=$(date +%s%N)
  job="$("$CLI" job submit "$WORK/$1.json")"
  for _ in $(seq 30000); do
    "$CLI" job status "$job" | head -1 | grep -Eq "FINISHED|FAILED" && break
    sleep 0.02
  done
  t1=$(date +%s%N)
  cpu1=$(proc_cpu_ms "$RTAID_PID")
  "$CLI" job status "$job" >&2
  "$CLI" job status "$job" | head -1 | grep -q FINISHED
  awk -v n="$EVENTS" -v a="$t0" -v b="$t1" -v c=$((cpu1 - cpu0)) -v name="$1" 'BEGIN {
    s = (b - a) / 1e9; printf "%s transactions=%d seconds=%.3f per_second=%.0f cpu_ms=%d per_cpu_second=%.0f\n",
    name, n, s, n / s, c, n * 1000 / c }'
}
full=$(run_job rtaid_fraud_job docs/examples/fraud_job.json)
echo "$full"
score=$(run_job rtaid_score_only_job docs/examples/fraud_score_only_job.json)
echo "$score"

# The article's consumer on the same topic, through rtaid's Kafka listener.
article=$(/usr/bin/python3 bench/article_fraud_consumer.py "127.0.0.1:$KAFKA_PORT" \
  fraud-transactions "$ARTICLE_EVENTS" "$WORK/train-tx.jsonl" "$WORK/train-labels.jsonl")
echo "$article"
article_rate=$(echo "$article" | field per_second)
article_cpu_rate=$(echo "$article" | field per_cpu_second)
for line in "$full" "$score"; do
  awk -v r="$(echo "$line" | field per_second)" -v a="$article_rate" -v n="${line%% *}" \
      -v rc="$(echo "$line" | field per_cpu_second)" -v ac="$article_cpu_rate" \
    'BEGIN {printf "ratio %s / article = %.1fx wall, %.1fx per CPU second\n", n, r / a, rc / ac}'
done
