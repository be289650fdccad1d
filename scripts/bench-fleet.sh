#!/usr/bin/env bash
# Wall time of `mstui check --all-contexts` over 50 contexts on 127.0.0.1: most refuse the
# connection, some are blackholes (accept, never answer) that each use the whole --timeout.
# Expected: about one timeout per round of blackholes (ceil(blackholes / concurrency) rounds),
# the refused ones in milliseconds alongside. Prints one BENCH line per configuration.
#
#   scripts/bench-fleet.sh                 # the configurations below
#   MSTUI_BENCH_TIMEOUT=3s scripts/bench-fleet.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --tests
run() {
  env MSTUI_BENCH_CONTEXTS="$1" MSTUI_BENCH_BLACKHOLES="$2" MSTUI_BENCH_CONCURRENCY="$3" \
    MSTUI_BENCH_TIMEOUT="${MSTUI_BENCH_TIMEOUT:-10s}" \
    cargo test --quiet --test e2e_fleet bench_fleet_50_contexts -- --ignored --nocapture 2>/dev/null |
    grep '^BENCH'
}
run 50 5 8     # default concurrency: the 5 blackholes fit in one round
run 50 10 8    # 10 blackholes, 8 slots: two rounds
run 50 10 16   # enough slots: one round again
run 50 0 8     # nothing but refused connections
