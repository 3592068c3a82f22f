#!/usr/bin/env bash
# Imports pages into the wiki set up by setup.sh: builds an XML dump from markdown/wikitext folders
# or BEIR JSONL, runs importDump.php --no-updates, rebuilds the search index and statistics, then
# checks through the API that search finds sampled pages.
# Usage: import.sh [--data-dir DIR] [--every N --offset K] SOURCE...   (env: MEDIAWIKI_PORT)
# SOURCE: a folder of .md/.wiki files, a BEIR .jsonl file, or `contract:` (the connector contract's documents).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
DATA_DIR="${MEDIAWIKI_DATA_DIR:-/var/lib/knowledge-mcp-mediawiki}"
PORT="${MEDIAWIKI_PORT:-8089}"
MW_HOME=/usr/share/mediawiki
BUILD_ARGS=()
SOURCES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --data-dir) DATA_DIR="$2"; shift 2 ;;
    --every|--offset) BUILD_ARGS+=("$1" "$2"); shift 2 ;;
    contract:) SOURCES+=("$1"); shift ;;
    *) SOURCES+=("$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"); shift ;;
  esac
done
[ "${#SOURCES[@]}" -gt 0 ] || { echo "usage: import.sh [--data-dir DIR] [--every N --offset K] SOURCE..." >&2; exit 2; }
[ -f "$DATA_DIR/LocalSettings.php" ] || { echo "no wiki in $DATA_DIR: run setup.sh first" >&2; exit 1; }
export MW_CONFIG_FILE="$DATA_DIR/LocalSettings.php"
API_URL="http://127.0.0.1:${PORT}/api.php"

say() { printf '[mediawiki] %s\n' "$*"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
secs_since() { local ms=$(( $(now_ms) - $1 )); printf '%d.%01ds' $((ms / 1000)) $(((ms % 1000) / 100)); }
total_start=$(now_ms)

t=$(now_ms)
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
count=$(cd "$REPO" && "$REPO/node_modules/.bin/tsx" "$HERE/wiki-dump.ts" build "$WORK/dump.xml" "$WORK/manifest.json" \
  "${BUILD_ARGS[@]}" "${SOURCES[@]}")
say "dump of $count pages built in $(secs_since "$t")"

# --no-updates skips per-page links/search updates; the index is rebuilt in one pass below.
t=$(now_ms)
(cd "$MW_HOME" && php maintenance/importDump.php --no-updates --quiet "$WORK/dump.xml")
say "importDump.php took $(secs_since "$t")"

t=$(now_ms)
(cd "$MW_HOME" && php maintenance/rebuildtextindex.php >"$WORK/rebuild.log")
say "rebuildtextindex.php took $(secs_since "$t")"

# Without table statistics SQLite drives the search join from the page table and runs the
# full-text MATCH once per page (seconds per search at a few thousand pages); ANALYZE fixes the plan.
t=$(now_ms)
php -r '$db = new SQLite3($argv[1]); $db->exec("ANALYZE"); $db->close();' "$DATA_DIR/db/kmcp.sqlite"
say "ANALYZE took $(secs_since "$t")"

# Statistics (page counts for siteinfo) and recent changes so that the wiki looks consistent.
t=$(now_ms)
(cd "$MW_HOME" && php maintenance/initSiteStats.php --update >/dev/null \
  && php maintenance/rebuildrecentchanges.php >/dev/null)
say "initSiteStats + rebuildrecentchanges took $(secs_since "$t")"

t=$(now_ms)
(cd "$REPO" && "$REPO/node_modules/.bin/tsx" "$HERE/wiki-dump.ts" verify "$API_URL" "$WORK/manifest.json" | sed 's/^/[mediawiki] /')
say "verification took $(secs_since "$t")"
say "import total $(secs_since "$total_start")"
