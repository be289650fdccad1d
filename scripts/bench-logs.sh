#!/usr/bin/env bash
# Log pipeline throughput: `mstui analyze-logs` (parse + classify + spans for every line) against
# GNU grep and ripgrep merely finding the x509 lines in the same generated log.
# Usage: scripts/bench-logs.sh [LINES]   (needs hyperfine and ripgrep: apt-get install hyperfine ripgrep)
# analyze-logs exits 1 when it finds problems, hence --ignore-failure. Output goes to a pipe, not
# /dev/null: GNU grep stops at the first match when it sees its output is /dev/null.
set -euo pipefail
lines=${1:-1000000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$lines" "$dir/ms.log" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    for i in range(n):
        k = i % 4
        t = f"10:30:{i % 60:02}.{i % 1000000:06}"
        if k == 0:
            f.write(f'E1110 {t}       1 scraper.go:149] "Failed to scrape node" err="Get \\"https://10.0.1.{i % 250}:10250/metrics/resource\\": tls: failed to verify certificate: x509: certificate signed by unknown authority" node="worker-{i % 50}"\n')
        elif k == 1:
            f.write(f'I1110 {t}       1 server.go:191] "Failed probe" probe="metric-storage-ready" err="no metrics to serve"\n')
        elif k == 2:
            f.write(f'I1110 {t}       1 serving.go:374] Generated self-signed cert in-memory\n')
        else:
            f.write(f'I1110 {t}       1 secure_serving.go:213] Serving securely on [::]:10250\n')
PY
cargo build --release --quiet
bin=target/release/mstui
echo "lines: $lines ($(du -h "$dir/ms.log" | cut -f1))"
hyperfine --output=pipe --warmup 1 --runs 5 --ignore-failure \
  "grep -c 'x509: certificate signed by unknown authority' $dir/ms.log" \
  "rg -c 'x509: certificate signed by unknown authority' $dir/ms.log" \
  "$bin analyze-logs -o ndjson $dir/ms.log"
