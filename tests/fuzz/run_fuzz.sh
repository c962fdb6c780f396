#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in a separate build tree and runs
# each for a bounded time on a seed corpus (every API/version we implement).
#   run_fuzz.sh SOURCE_DIR BUILD_DIR SEED_GENERATOR SECONDS_PER_TARGET
set -euo pipefail
src="$1"; build="$2"; seeds_bin="$3"; seconds="$4"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$src}"
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S "$src/tests/fuzz/project" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
  "${launcher[@]}" >/dev/null
# Quiet when it builds; the compiler's errors when it does not.
if ! ninja -C "$build" kafka_request_fuzzer kafka_processor_fuzzer >"$build/ninja.log" 2>&1; then
  grep -E "error|FAILED|undefined" "$build/ninja.log" | head -n 40 >&2
  echo "run_fuzz.sh: building the fuzz targets failed (full log: $build/ninja.log)" >&2
  exit 1
fi
for target in kafka_request_fuzzer kafka_processor_fuzzer; do
  corpus="$build/corpus-$target"
  mkdir -p "$corpus"
  "$seeds_bin" "$corpus" >/dev/null
  echo "== $target"
  "$build/$target" -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=2048 \
    -print_final_stats=1 "$corpus" 2>&1 | tail -n 6
done
