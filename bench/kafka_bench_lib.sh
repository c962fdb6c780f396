# Helpers sourced by kafka_produce_bench.sh and kafka_latency_bench.sh: start
# and stop the servers under test. Every server gets its own directory under
# $WORK (same file system as the build tree) and a port picked by itself or
# by us; everything is stopped on exit.

PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
# Servers are started inside $(...) subshells, which do not inherit the EXIT
# trap: call this first in such a subshell so a failure there stops them too.
stop_servers_on_exit() { PIDS=(); trap cleanup EXIT; }

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { tr ' ' '\n' | awk -F= -v k="$1" '$1==k {print $2}'; }
free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_rtaid DIR FLAGS...: starts rtaid on DIR; sets RTAID_PID, KAFKA_PORT.
# With NICE set (e.g. -10, needs root) rtaid runs at that nice level.
start_rtaid() {
  local dir=$1; shift
  rm -rf "$dir"; mkdir -p "$dir"
  ${NICE:+nice -n "$NICE"} "$RTAID" --data-dir="$dir/data" --grpc-listen=127.0.0.1:0 --kafka-listen=127.0.0.1:0 --http-listen=127.0.0.1:0 \
    "$@" 2>"$dir/rtaid.log" &
  RTAID_PID=$!; PIDS+=("$RTAID_PID")
  KAFKA_PORT=""
  for _ in $(seq 100); do
    KAFKA_PORT=$(sed -n 's/.*msg="rtaid listening".* kafka=[^ ]*:\([0-9]*\).*/\1/p' "$dir/rtaid.log")
    [[ -n "$KAFKA_PORT" ]] && return 0
    sleep 0.1
  done
  echo "rtaid did not start:" >&2; cat "$dir/rtaid.log" >&2; exit 1
}
# CPU time (user + system, ms) a process has used so far.
proc_cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$1/stat"; }
stop_pid() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local kept=() p
  for p in "${PIDS[@]:-}"; do [[ "$p" != "$1" ]] && kept+=("$p"); done
  PIDS=("${kept[@]:-}")
}

# start_redis DIR FSYNC: redis-server with AOF on; sets REDIS_PID, REDIS_PORT.
start_redis() {
  local dir=$1 fsync=$2
  rm -rf "$dir"; mkdir -p "$dir"
  REDIS_PORT=$(free_port)
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$dir" --save '' \
    --appendonly yes --appendfsync "$fsync" --daemonize no >"$dir/redis.log" 2>&1 &
  REDIS_PID=$!; PIDS+=("$REDIS_PID")
  for _ in $(seq 100); do
    redis-cli -p "$REDIS_PORT" PING >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "redis-server did not start" >&2; exit 1
}

# start_nats DIR: nats-server -js with file storage in DIR; sets NATS_PID, NATS_PORT.
start_nats() {
  local dir=$1
  rm -rf "$dir"; mkdir -p "$dir"
  NATS_PORT=$(free_port)
  nats-server -js -sd "$dir" -a 127.0.0.1 -p "$NATS_PORT" >"$dir/nats.log" 2>&1 &
  NATS_PID=$!; PIDS+=("$NATS_PID")
  for _ in $(seq 100); do
    grep -q "Server is ready" "$dir/nats.log" && return 0
    sleep 0.1
  done
  echo "nats-server did not start" >&2; cat "$dir/nats.log" >&2; exit 1
}

LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
machine_info() {
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "machine: nproc=$(nproc), cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
       "load average at start: $LOAD_AT_START, at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "disk: $(df -P "$WORK" | awk 'NR==2 {print $1}') ($(findmnt -no FSTYPE -T "$WORK" 2>/dev/null || echo '?'))"
}
