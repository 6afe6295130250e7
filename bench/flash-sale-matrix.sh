#!/usr/bin/env bash
# Runs the flash-sale benchmark for every strategy x database x node count and prints a markdown table.
#   bench/flash-sale-matrix.sh [units] [buyers] [extra flash-sale flags...]
# Results (one JSON per run) go to bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
units="${1:-1000}"; buyers="${2:-10000}"; shift $(( $# > 2 ? 2 : $# )) || true
mkdir -p bench/results
dotnet build bench/Bazaar.Bench -c Release -nologo -v q >/dev/null
runs=(
  "row-lock sqlite 1" "queue sqlite 1" "gate sqlite 1" "row-lock sqlite 2" "queue sqlite 2" "gate sqlite 2"
  "row-lock postgres 1" "queue postgres 1" "gate postgres 1" "gate postgres 1 --redis"
  "row-lock postgres 2" "queue postgres 2" "gate postgres 2 --redis"
)
for run in "${runs[@]}"; do
  read -r strategy database nodes redis <<<"$run"
  name="${strategy}-${database}-${nodes}node${redis:+-redis}"
  echo "== $name" >&2
  dotnet run -c Release --no-build --project bench/Bazaar.Bench -- flash-sale --units "$units" --buyers "$buyers" \
    --strategy "$strategy" --database "$database" --nodes "$nodes" ${redis:+--redis} "$@" --json "bench/results/$name.json" >&2 || true
done
python3 - "$@" <<'PY'
import json, glob, os
rows = []
for f in sorted(glob.glob("bench/results/*.json")):
    r = json.load(open(f))
    rows.append(r)
cols = ["strategy","database","redis","nodes","held","oversold","stranded","errors_5xx","wall_seconds","throughput_rps","p50","p95","p99","server_peak_rss_mb","audit_ok"]
print("| " + " | ".join(cols) + " |")
print("|" + "---|" * len(cols))
for r in rows:
    l = r["latency_ms"]
    vals = [r["strategy"], r["database"], "yes" if r.get("redis") else "no", r["nodes"], r["held"], r["oversold"], r["stranded"], r["errors_5xx"],
            r["wall_seconds"], r["throughput_rps"], l["p50"], l["p95"], l["p99"], r["server_peak_rss_mb"], "yes" if r["audit_ok"] else "NO"]
    print("| " + " | ".join(str(v) for v in vals) + " |")
PY
