#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in a separate build tree and runs
# the Kafka request fuzzer for a bounded time on a seed corpus.
#   run_fuzz.sh SOURCE_DIR BUILD_DIR SEED_GENERATOR SECONDS
set -euo pipefail
src="$1"; build="$2"; seeds_bin="$3"; seconds="$4"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$src}"
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S "$src/tests/fuzz/project" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
  "${launcher[@]}" >/dev/null
ninja -C "$build" kafka_request_fuzzer >/dev/null
corpus="$build/corpus"
mkdir -p "$corpus"
"$seeds_bin" "$corpus"
"$build/kafka_request_fuzzer" -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=1024 \
  -print_final_stats=1 "$corpus" 2>&1 | tail -n 15
