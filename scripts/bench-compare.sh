#!/usr/bin/env bash
# `mstui analyze-logs` against GNU grep (and ripgrep, when installed) on the same generated logs,
# in one run: wall time (minimum of RUNS), peak RSS (GNU time's %M), lines/s, ratio to grep.
#
# Usage: scripts/bench-compare.sh [RUNS]            (default 3)
#   BENCH_DIR=DIR  keep the generated files there (default: a temporary directory, removed)
#   SIZES="1000000 10000000"  line counts of the generated logs
#
# Needs: cargo, GNU grep, GNU time as /usr/bin/time (Debian: apt-get install time);
# ripgrep (apt-get install ripgrep) is measured when present. Files: 1 M lines (~116 MB),
# 10 M lines (~1.2 GB) and 50 MiB of random bytes, from `examples/genlog` (seeded).
#
# Output goes to a file, never /dev/null: GNU grep stops at the first match when its output is
# /dev/null. Exit statuses are ignored (analyze-logs exits 1 when it finds problems).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-3}
sizes=${SIZES:-"1000000 10000000"}
missing=""
[ -x /usr/bin/time ] || missing="$missing time"
command -v grep >/dev/null || missing="$missing grep"
if [ -n "$missing" ]; then
  echo "bench-compare: missing:$missing (Debian: apt-get install$missing)" >&2
  exit 2
fi
if [ -n "${BENCH_DIR:-}" ]; then
  dir=$BENCH_DIR
  mkdir -p "$dir"
else
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
fi

cargo build --release --quiet --bin mstui --example genlog
bin=$PWD/target/release/mstui
gen=$PWD/target/release/examples/genlog

# The issue's three signatures, and the full literal set analyze-logs' prefilter searches for.
three='x509|connection refused|Failed to scrape'
"$gen" --literals > "$dir/literals.txt"

files=""
for n in $sizes; do
  f="$dir/log-$n.log"
  [ -s "$f" ] || "$gen" --lines "$n" --seed 1 > "$f"
  files="$files $f"
done
random="$dir/random-50MiB.bin"
[ -s "$random" ] || "$gen" --random-bytes 52428800 --seed 1 > "$random"
files="$files $random"

# measure LABEL CMD...: prints "LABEL<tab>min wall<tab>max RSS KiB".
measure() {
  local label=$1 best="" rss=0 wall kb
  shift
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$dir/time" "$@" > "$dir/out" 2>/dev/null || true
    read -r wall kb < <(tail -n 1 "$dir/time")
    if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$wall; fi
    [ "$kb" -gt "$rss" ] && rss=$kb
  done
  printf '%s\t%s\t%s\n' "$label" "$best" "$rss"
}

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(uname -sr)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); runs per command: $runs (minimum wall, maximum RSS)"
echo
echo "| file | lines | command | wall s | lines/s | peak RSS | × grep -c -E | × grep -c -F -f |"
echo "|---|---|---|---|---|---|---|---|"
for f in $files; do
  lines=$(wc -l < "$f")
  rows=()
  rows+=("$(measure 'grep -c -E "x509\|connection refused\|Failed to scrape"' grep -c -E "$three" "$f")")
  rows+=("$(measure 'grep -c -F -f literals.txt (mstui'"'"'s prefilter literals)' grep -c -F -f "$dir/literals.txt" "$f")")
  rows+=("$(measure 'grep -E --color=always … > out' grep -E --color=always "$three" "$f")")
  if command -v rg >/dev/null; then
    rows+=("$(measure 'rg -c …' rg -c "$three" "$f")")
  fi
  for o in text ndjson json; do
    rows+=("$(measure "mstui analyze-logs -o $o" "$bin" analyze-logs "$f" -o "$o")")
  done
  grep_e=$(echo "${rows[0]}" | cut -f2)
  grep_f=$(echo "${rows[1]}" | cut -f2)
  for r in "${rows[@]}"; do
    IFS=$'\t' read -r label wall kb <<< "$r"
    awk -v f="$(basename "$f")" -v n="$lines" -v l="$label" -v w="$wall" -v kb="$kb" \
        -v ge="$grep_e" -v gf="$grep_f" 'BEGIN {
      lps = (w > 0) ? sprintf("%.2f M", n / w / 1e6) : "—"
      re = (ge > 0) ? sprintf("%.1f×", w / ge) : "—"
      rf = (gf > 0) ? sprintf("%.1f×", w / gf) : "—"
      printf "| %s | %d | `%s` | %.2f | %s | %.1f MiB | %s | %s |\n", f, n, l, w, lps, kb / 1024, re, rf
    }'
  done
done
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
