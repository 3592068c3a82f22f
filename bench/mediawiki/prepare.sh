#!/usr/bin/env bash
# Provisions the relevance benchmark's own wiki (port 8090, separate data dir, no demo pages) and
# loads a third of SciFact into it: every 3rd document, the same part splitCorpus(…, 3)[0] gives.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
DATA_DIR="${MEDIAWIKI_BENCH_DATA_DIR:-/var/lib/knowledge-mcp-mediawiki-bench}"
export MEDIAWIKI_PORT="${MEDIAWIKI_BENCH_PORT:-8090}"
SCIFACT="${SCIFACT_DIR:-$REPO/../shared/bench/scifact}"
MEDIAWIKI_SEED=none bash "$REPO/.ci/mediawiki/setup.sh" "$DATA_DIR"
bash "$REPO/.ci/mediawiki/import.sh" --data-dir "$DATA_DIR" --every 3 --offset 0 "$SCIFACT/corpus.jsonl"
echo "credentials: $DATA_DIR/credentials.env"
