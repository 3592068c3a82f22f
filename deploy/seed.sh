#!/bin/sh
# One-shot seed for the docker-compose stack (runs in the app image): applies migrations, then loads
# the demo handbook into the Postgres and Elasticsearch sources. Ingest upserts by id, so re-running
# `docker compose up` is safe. The MediaWiki pages are imported by the mediawiki-init service.
set -eu

handbook="${SEED_HANDBOOK:-demo/handbook/handbook.jsonl}"
sources="${SEED_HANDBOOK_SOURCES:-handbook search}"

echo "seed: applying migrations"
node dist/src/cli.js migrate

for source in $sources; do
  echo "seed: loading $handbook into source '$source'"
  node dist/src/cli.js ingest --source "$source" "$handbook"
done

echo "seed: done"
