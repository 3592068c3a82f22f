#!/usr/bin/env bash
# Provisions a real MediaWiki for tests and benchmarks: Debian's package, install.php with SQLite
# into a data dir, a bot account with a bot password, PHP's built-in server on loopback.
# Idempotent; runs as root with no input. Usage: setup.sh [DATA_DIR]   (env: MEDIAWIKI_PORT)
set -euo pipefail

DATA_DIR="${1:-${MEDIAWIKI_DATA_DIR:-/var/lib/knowledge-mcp-mediawiki}}"
PORT="${MEDIAWIKI_PORT:-8089}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MW_HOME=/usr/share/mediawiki
# Throwaway loopback-only wiki: fixed credentials so tests and CI are reproducible.
ADMIN_USER=Admin
ADMIN_PASS="${MEDIAWIKI_ADMIN_PASSWORD:-kmcp-admin-pass-2024}"
BOT_USER=KmcpBot
BOT_APP=kmcp
BOT_PASS="${MEDIAWIKI_BOT_PASSWORD:-kmcpbotpasswordkmcpbotpassword12}" # exactly 32 characters
API_URL="http://127.0.0.1:${PORT}/api.php"

export MW_CONFIG_FILE="$DATA_DIR/LocalSettings.php"
say() { printf '[mediawiki] %s\n' "$*"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
secs_since() { local ms=$(( $(now_ms) - $1 )); printf '%d.%01ds' $((ms / 1000)) $(((ms % 1000) / 100)); }
step_start=0
begin() { step_start=$(now_ms); say "$1 ..."; }
done_step() { say "$1 took $(secs_since "$step_start")"; }
total_start=$(now_ms)

# 1. Packages (about 100 s on a fresh Debian 12 machine, instant when present).
begin "packages"
PKGS=(mediawiki php-sqlite3 php-cli curl)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  say "already installed"
else
  export DEBIAN_FRONTEND=noninteractive
  if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then apt-get update -q; fi
  if ! apt-get install -y -q --no-install-recommends "${missing[@]}"; then
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
fi
done_step "packages"

# 2. Wiki installation (about 2 s).
begin "install.php"
mkdir -p "$DATA_DIR"
if [ -f "$DATA_DIR/LocalSettings.php" ] && [ -f "$DATA_DIR/db/kmcp.sqlite" ]; then
  say "already installed in $DATA_DIR"
else
  rm -rf "$DATA_DIR/db" "$DATA_DIR/LocalSettings.php" "$DATA_DIR/credentials.env"
  # install.php refuses to run when the config file it would write already exists.
  (unset MW_CONFIG_FILE; cd "$MW_HOME" && php maintenance/install.php --quiet --dbtype sqlite \
    --dbpath "$DATA_DIR/db" --dbname kmcp --server "http://127.0.0.1:${PORT}" --scriptpath "" \
    --lang en --pass "$ADMIN_PASS" --confpath "$DATA_DIR" --skins Vector "KMCP Wiki" "$ADMIN_USER" >"$DATA_DIR/install.log" 2>&1) \
    || { tail -20 "$DATA_DIR/install.log"; exit 1; }
  cat >>"$DATA_DIR/LocalSettings.php" <<'PHP'

# --- knowledge-mcp test wiki ---
$wgArticlePath = "/wiki/$1";
$wgUsePathInfo = true;
# Jobs are run by the import script; page views must not run them.
$wgJobRunRate = 0;
$wgMainCacheType = CACHE_DB;
$wgEnableBotPasswords = true;
$wgShowExceptionDetails = true;
$wgRateLimits = [];
PHP
  (cd "$MW_HOME" && php maintenance/createAndPromote.php --bot "$BOT_USER" "$ADMIN_PASS" >/dev/null)
fi
# Bot passwords are created once each; an existing one answers "botpasswords-insert-failed".
ensure_bot_password() { # user appid grants password
  local out
  if ! out=$(cd "$MW_HOME" && php maintenance/createBotPassword.php --appid "$2" --grants "$3" "$1" "$4" 2>&1); then
    grep -q 'botpasswords-insert-failed' <<<"$out" || { echo "$out" >&2; exit 1; }
  fi
}
ensure_bot_password "$BOT_USER" "$BOT_APP" basic,highvolume "$BOT_PASS"
cat >"$DATA_DIR/credentials.env" <<ENV
MEDIAWIKI_URL=$API_URL
MEDIAWIKI_USERNAME=$BOT_USER@$BOT_APP
MEDIAWIKI_PASSWORD=$BOT_PASS
ENV
done_step "install.php"

# 3. PHP's built-in server on loopback, with a few workers so parallel API calls don't queue.
begin "server"
api_ok() { curl -fsS --max-time 5 "$API_URL?action=query&meta=siteinfo&format=json" 2>/dev/null | grep -q '"sitename"'; }
if api_ok; then
  say "already serving on port $PORT"
else
  # setsid: the server and its forked workers form one process group that stop.sh ends together.
  PHP_CLI_SERVER_WORKERS="${MEDIAWIKI_SERVER_WORKERS:-4}" MW_CONFIG_FILE="$MW_CONFIG_FILE" setsid nohup php \
    -d variables_order=EGPCS -d opcache.enable_cli=1 \
    -S "127.0.0.1:${PORT}" -t "$MW_HOME" "$HERE/router.php" >"$DATA_DIR/server.log" 2>&1 </dev/null &
  echo $! >"$DATA_DIR/server.pid"
  for _ in $(seq 1 120); do
    if api_ok; then break; fi
    sleep 0.5
  done
  api_ok || { say "api.php did not answer; see $DATA_DIR/server.log"; tail -20 "$DATA_DIR/server.log"; exit 1; }
fi
done_step "server"

# 4. Seed pages unless MEDIAWIKI_SEED=none: the connector tests' fixture pages, the connector
# contract's documents and the demo runbooks. importDump.php keeps each page's own timestamp
# (the API's action=import would add an import revision dated now), which updated_after tests need.
if [ "${MEDIAWIKI_SEED:-tests}" != none ]; then
  begin "seed"
  REPO="$(cd "$HERE/../.." && pwd)"
  MEDIAWIKI_PORT="$PORT" bash "$HERE/import.sh" --data-dir "$DATA_DIR" \
    "$REPO/test/fixtures/mediawiki/pages" contract: "$REPO/demo/runbooks"
  done_step "seed"
fi

say "total $(secs_since "$total_start")"
say "credentials for tests: $DATA_DIR/credentials.env"
echo "MEDIAWIKI_URL=$API_URL"
