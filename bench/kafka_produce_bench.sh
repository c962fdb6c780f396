#!/usr/bin/env bash
# Produce throughput, 100-byte records, acknowledged writes: rtaid through
# the Kafka protocol (librdkafka, acks=all) against Redis Streams (XADD,
# AOF always / everysec) and NATS JetStream (file storage), all on this
# machine, same file system, interleaved round by round so every system sees
# the same disk weather. Prints Markdown for docs/PERFORMANCE.md.
#
# Build first:  ninja -C build rtaid kafka_produce_bench
# Needs:        apt-get install -y redis-server nats-server
# Run:          bench/kafka_produce_bench.sh [rounds]      (from the repo root)
# Env:          RECORDS (rtai, default 6000000), REDIS_RECORDS (1000000),
#               NATS_RECORDS (800000), PARTITIONS (4), LINGER_MS (5),
#               MAX_IN_FLIGHT (5), REDIS_CLIENTS (16), REDIS_PIPELINE (1024),
#               NATS_CONNECTIONS (4), NATS_WINDOW (2048), ONLY (regex of row ids)
set -euo pipefail

BUILD=${BUILD:-build}
RTAID=${RTAID:-$BUILD/cli/rtaid}
BENCH=${BENCH:-$BUILD/bench/kafka_produce_bench}
WORK=${WORK:-$BUILD/kafka_bench_data}
ROUNDS=${1:-3}
RECORDS=${RECORDS:-6000000}
REDIS_RECORDS=${REDIS_RECORDS:-1000000}
NATS_RECORDS=${NATS_RECORDS:-800000}
PARTITIONS=${PARTITIONS:-4}
LINGER_MS=${LINGER_MS:-5}
MAX_IN_FLIGHT=${MAX_IN_FLIGHT:-5}
REDIS_CLIENTS=${REDIS_CLIENTS:-16}
REDIS_PIPELINE=${REDIS_PIPELINE:-1024}
NATS_CONNECTIONS=${NATS_CONNECTIONS:-4}
NATS_WINDOW=${NATS_WINDOW:-2048}
ONLY=${ONLY:-.}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$WORK"
source "$HERE/kafka_bench_lib.sh"

# row id | system | durability label | what
ROWS=(
  "rtai-fsync|rtai (Kafka protocol, librdkafka)|fsync before ack (flush.policy=per-write, group commit)|$PARTITIONS partitions"
  "rtai-fsync-p1|rtai (Kafka protocol, librdkafka)|fsync before ack (flush.policy=per-write, group commit)|1 partition"
  "rtai-fsync-rr|rtai (Kafka protocol, librdkafka)|fsync before ack (flush.policy=per-write, group commit)|$PARTITIONS partitions, round-robin per record"
  "redis-always|Redis Streams 7.0 (XADD)|fsync before reply (appendfsync always, group-committed per event-loop pass)|$REDIS_CLIENTS clients x pipeline $REDIS_PIPELINE"
  "rtai-interval1s|rtai (Kafka protocol, librdkafka)|OS has the data, fsync every 1 s (flush.policy=interval, flush.ms=1000)|$PARTITIONS partitions"
  "redis-everysec|Redis Streams 7.0 (XADD)|OS has the data, fsync every 1 s (appendfsync everysec)|$REDIS_CLIENTS clients x pipeline $REDIS_PIPELINE"
  "rtai-interval60s|rtai (Kafka protocol, librdkafka)|OS has the data, fsync every 60 s (flush.policy=interval, flush.ms=60000)|$PARTITIONS partitions"
  "nats|NATS JetStream 2.9 (file storage)|OS has the data, fsync every 60 s (nats-server 2.9 fixed)|$NATS_CONNECTIONS connections x $NATS_WINDOW in flight"
)

run_rtai() {  # run_rtai PARTITIONS PARTITIONING FLAGS...
  local parts=$1 partitioning=$2; shift 2
  start_rtaid "$WORK/rtai" "$@"
  local out c0
  c0=$(proc_cpu_ms "$RTAID_PID")
  out=$("$BENCH" --brokers=127.0.0.1:"$KAFKA_PORT" --topic=bench --partitions="$parts" --partitioning="$partitioning" \
        --records="$RECORDS" --record_bytes=100 --linger_ms="$LINGER_MS" \
        --batch_bytes=1000000 --max_in_flight="$MAX_IN_FLIGHT")
  local cpu=$(( $(proc_cpu_ms "$RTAID_PID") - c0 ))
  stop_pid "$RTAID_PID"
  echo "$out rtaid_cpu_ms=$cpu" >&2
  echo "$(echo "$out" | field records_per_s):$((cpu * 1000000 / RECORDS))"
}

run_redis() {  # run_redis always|everysec
  start_redis "$WORK/redis" "$1"
  local value rps c0
  value=$(head -c 100 /dev/zero | tr '\0' x)
  c0=$(proc_cpu_ms "$REDIS_PID")
  rps=$(redis-benchmark -p "$REDIS_PORT" -c "$REDIS_CLIENTS" -P "$REDIS_PIPELINE" \
          -n "$REDIS_RECORDS" --csv XADD bench '*' v "$value" |
        awk -F'","' 'NR==2 {print $2}')
  local len
  len=$(redis-cli -p "$REDIS_PORT" XLEN bench)
  # redis-benchmark may send up to clients x pipeline - 1 extra commands.
  ((len >= REDIS_RECORDS && len < REDIS_RECORDS + REDIS_CLIENTS * REDIS_PIPELINE)) ||
    { echo "redis: XLEN $len, expected about $REDIS_RECORDS" >&2; exit 1; }
  local cpu=$(( $(proc_cpu_ms "$REDIS_PID") - c0 ))
  echo "redis $1: rps=$rps xlen=$len $(redis-cli -p "$REDIS_PORT" CONFIG GET appendfsync | xargs) cpu_ms=$cpu" >&2
  stop_pid "$REDIS_PID"
  echo "$rps:$((cpu * 1000000 / len))"
}

run_nats() {
  start_nats "$WORK/nats"
  local out c0
  c0=$(proc_cpu_ms "$NATS_PID")
  out=$(/usr/bin/python3 "$HERE/nats_js_publish.py" --port "$NATS_PORT" \
          --records "$NATS_RECORDS" --record-bytes 100 \
          --connections "$NATS_CONNECTIONS" --window "$NATS_WINDOW")
  local cpu=$(( $(proc_cpu_ms "$NATS_PID") - c0 ))
  stop_pid "$NATS_PID"
  echo "nats: $out cpu_ms=$cpu" >&2
  echo "$(echo "$out" | field records_per_s):$((cpu * 1000000 / NATS_RECORDS))"
}

run_row() {
  stop_servers_on_exit
  case "$1" in
    rtai-fsync) run_rtai "$PARTITIONS" default --flush-policy=per-write ;;
    rtai-fsync-p1) run_rtai 1 default --flush-policy=per-write ;;
    rtai-fsync-rr) run_rtai "$PARTITIONS" round-robin --flush-policy=per-write ;;
    rtai-interval1s) run_rtai "$PARTITIONS" default --flush-policy=interval --flush-ms=1000 ;;
    rtai-interval60s) run_rtai "$PARTITIONS" default --flush-policy=interval --flush-ms=60000 ;;
    redis-always) run_redis always ;;
    redis-everysec) run_redis everysec ;;
    nats) run_nats ;;
  esac
}

declare -A RESULTS
for ((r = 0; r < ROUNDS; r++)); do
  for row in "${ROWS[@]}"; do
    id=${row%%|*}
    [[ "$id" =~ $ONLY ]] || continue
    echo "round $((r + 1))/$ROUNDS: $id (load $(cut -d' ' -f1 /proc/loadavg))" >&2
    RESULTS[$id]+="$(run_row "$id") "
  done
done

machine_info
echo "runs: $ROUNDS rounds, rows interleaved per round; medians; server CPU = user+system time of the server process during the load"
echo "librdkafka: acks=all linger.ms=$LINGER_MS batch.size=1000000 max.in.flight=$MAX_IN_FLIGHT" \
     "compression=none, keyless records (librdkafka's default sticky partitioner unless" \
     "round-robin is stated), one producer; $RECORDS records per rtai run, $REDIS_RECORDS per Redis run, $NATS_RECORDS per NATS run"
echo
echo "| system | durability | load | records/s | MB/s (values) | server CPU ms per 1M records | records/s of each run |"
echo "|---|---|---|---|---|---|---|"
declare -A MED
for row in "${ROWS[@]}"; do
  IFS='|' read -r id name durability what <<<"$row"
  [[ -n "${RESULTS[$id]:-}" ]] || continue
  runs=$(echo "${RESULTS[$id]}" | tr ' ' '\n' | grep . | cut -d: -f1)
  m=$(echo "$runs" | median)
  cpu=$(echo "${RESULTS[$id]}" | tr ' ' '\n' | grep . | cut -d: -f2 | median)
  MED[$id]=$m
  printf '| %s | %s | %s | %.0f | %.1f | %s | %s |\n' "$name" "$durability" "$what" "$m" \
    "$(awk -v x="$m" 'BEGIN {print x * 100 / 1e6}')" "$cpu" "$(echo "$runs" | xargs printf '%.0f ' | xargs | sed 's/ /, /g')"
done
ratio() {
  [[ -n "${MED[$1]:-}" && -n "${MED[$2]:-}" ]] || return 0
  awk -v a="${MED[$1]}" -v b="${MED[$2]}" -v t="$3" -v n="$1 / $2" \
    'BEGIN {printf "- %s: %.2fx (target >= %s)\n", n, a / b, t}'
}
echo
ratio rtai-fsync redis-always 3
ratio rtai-fsync redis-everysec 1.5
ratio rtai-interval60s nats "-"
ratio rtai-fsync nats "-"
