#!/usr/bin/env bash
# Stops the PHP server that setup.sh started for the wiki in DATA_DIR (its whole process group).
# Usage: stop.sh [DATA_DIR]
set -euo pipefail
DATA_DIR="${1:-${MEDIAWIKI_DATA_DIR:-/var/lib/knowledge-mcp-mediawiki}}"
PID_FILE="$DATA_DIR/server.pid"
[ -f "$PID_FILE" ] || { echo "[mediawiki] no server.pid in $DATA_DIR"; exit 0; }
pid="$(cat "$PID_FILE")"
if kill -0 "$pid" 2>/dev/null; then
  kill -- "-$pid" 2>/dev/null || kill "$pid"
  echo "[mediawiki] stopped server $pid"
fi
rm -f "$PID_FILE"
