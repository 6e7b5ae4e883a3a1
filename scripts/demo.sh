#!/usr/bin/env bash
# Fresh machine -> clusters and summaries of the seed articles, offline default model.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
akhbar run seeds/ --out out/seeds "$@"
echo "events for a reader: out/seeds/report.html; for a spreadsheet: out/seeds/events.csv and articles.csv (clusters.jsonl, summaries.jsonl and manifest.json beside them)"
