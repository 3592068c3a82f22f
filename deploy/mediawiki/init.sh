#!/bin/sh
# One-shot MediaWiki set-up for the docker-compose stack: installs the wiki with SQLite on first run
# (maintenance/install.php), then imports the demo runbooks as pages and rebuilds the search index.
# Safe to re-run: the install is skipped once LocalSettings.php exists; unchanged pages are skipped.
#   MW_DIR       MediaWiki code (default /var/www/html, the official image)
#   MW_DATA_DIR  SQLite files and LocalSettings.php, a named volume (default /var/www/data)
#   RUNBOOKS_DIR markdown runbooks to import (default /runbooks)
#   MW_SERVER    the wiki's public base URL, used in page links (default http://localhost:8080)
#   MW_ADMIN_USER / MW_ADMIN_PASSWORD  the wiki's admin account (local use only)
set -eu

MW_DIR="${MW_DIR:-/var/www/html}"
MW_DATA_DIR="${MW_DATA_DIR:-/var/www/data}"
RUNBOOKS_DIR="${RUNBOOKS_DIR:-/runbooks}"
MW_SERVER="${MW_SERVER:-http://localhost:8080}"
MW_ADMIN_USER="${MW_ADMIN_USER:-admin}"
MW_ADMIN_PASSWORD="${MW_ADMIN_PASSWORD:-knowledge-mcp-local-admin}"
here="$(cd "$(dirname "$0")" && pwd)"

# LocalSettings.php lives in the data volume so that it survives container re-creation; MediaWiki
# (1.38+) finds it through MW_CONFIG_FILE in maintenance scripts, the web container links it.
export MW_CONFIG_FILE="$MW_DATA_DIR/LocalSettings.php"
mkdir -p "$MW_DATA_DIR"

if [ ! -f "$MW_CONFIG_FILE" ]; then
  echo "mediawiki-init: installing MediaWiki (SQLite) into $MW_DATA_DIR"
  php "$MW_DIR/maintenance/install.php" \
    --dbtype sqlite --dbpath "$MW_DATA_DIR" --dbname knowledge_wiki \
    --confpath "$MW_DATA_DIR" --server "$MW_SERVER" --scriptpath "" \
    --lang en --pass "$MW_ADMIN_PASSWORD" \
    "Knowledge Wiki" "$MW_ADMIN_USER"
  cat >>"$MW_CONFIG_FILE" <<'PHP'

# Added by deploy/mediawiki/init.sh: a read-mostly demo wiki that knowledge-mcp searches.
$wgEnableUploads = false;
$wgGroupPermissions['*']['createaccount'] = false;
$wgGroupPermissions['*']['edit'] = false;
PHP
fi

pages="$(mktemp -d)"
trap 'rm -rf "$pages"' EXIT
find "$RUNBOOKS_DIR" -type f -name '*.md' | sort | while IFS= read -r file; do
  title="$(awk -v mode=title -f "$here/md2wiki.awk" "$file")"
  [ -n "$title" ] || title="$(basename "$file" .md)"
  # Characters MediaWiki forbids in titles, and "/" which a file name cannot hold.
  title="$(printf '%s' "$title" | tr '#<>[]|{}/' '---------')"
  awk -f "$here/md2wiki.awk" "$file" >"$pages/$title.wiki"
done

count="$(find "$pages" -name '*.wiki' | wc -l)"
if [ "$count" -eq 0 ]; then
  echo "mediawiki-init: no markdown files under $RUNBOOKS_DIR" >&2
  exit 1
fi
echo "mediawiki-init: importing $count runbooks"
log="$pages/import.log"
if ! php "$MW_DIR/maintenance/importTextFiles.php" --overwrite --bot \
  --summary "Demo runbooks imported by knowledge-mcp's docker-compose stack" "$pages"/*.wiki >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi
cat "$log"
if grep -q '^Done! 0 succeeded' "$log"; then
  echo "mediawiki-init: runbooks unchanged, search index kept"
else
  php "$MW_DIR/maintenance/rebuildtextindex.php"
  php "$MW_DIR/maintenance/runJobs.php" --quiet
fi

# The web server runs as www-data and must be able to write the SQLite database.
if [ "$(id -u)" = "0" ] && id www-data >/dev/null 2>&1; then
  chown -R www-data:www-data "$MW_DATA_DIR"
fi
echo "mediawiki-init: done"
