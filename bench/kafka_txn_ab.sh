#!/usr/bin/env bash
# Before/after on a loaded machine: runs bench/kafka_txn_bench.sh (one round,
# P=1 and P=4, no fetch comparison) alternately against two rtaid binaries,
# ROUNDS times each, so both see the same machine weather; prints each run's
# per-round transactional/idempotent ratios and their medians per binary.
#
# Run:  bench/kafka_txn_ab.sh BEFORE_RTAID AFTER_RTAID [rounds]  (repo root)
# Env:  as kafka_txn_bench.sh (RECORDS, TXN_RECORDS, PRODUCERS, ...)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BEFORE=$1 AFTER=$2 ROUNDS=${3:-3}
declare -A R
for r in $(seq "$ROUNDS"); do
  for side in before after; do
    bin=$BEFORE; [[ $side == after ]] && bin=$AFTER
    if ! out=$(RTAID="$bin" CONSUME=0 bash "$HERE/kafka_txn_bench.sh" 1 2>&1 >/dev/null); then
      echo "$side round $r FAILED:"; echo "$out" | tail -5
      continue
    fi
    echo "$side round $r: $(echo "$out" | grep '^round' | tr '\n' ' ')"
    while read -r p ratio; do R[$side-$p]+="$ratio "; done < <(
      echo "$out" | sed -n 's/^round [0-9]* P=\([0-9]*\):.* ratio=\([0-9]*\)%.*/\1 \2/p')
  done
done
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo
echo "| transactional / idempotent (median of $ROUNDS alternating runs) | before | after |"
echo "|---|---:|---:|"
for p in ${PRODUCERS:-1 4}; do
  b=$(echo "${R[before-$p]}" | tr ' ' '\n' | grep -v '^$' | median)
  a=$(echo "${R[after-$p]}" | tr ' ' '\n' | grep -v '^$' | median)
  echo "| P=$p | $b% | $a% |"
done
