#!/usr/bin/env bash
# Dumps of a database made by an earlier release, for tests/test_upgrade.py: the release's
# code is run as `./dev up` ran it (migrate, seed, the two demo accounts), then dumped.
#   scripts/make_upgrade_fixtures.sh COMMIT POSTGRES_URL
# POSTGRES_URL names a server where a scratch database `visabond_upgrade_fixture` may be made.
set -euo pipefail
cd "$(dirname "$0")/.."
COMMIT=$1 PG=$2
OUT=tests/fixtures/upgrade
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
git archive "$COMMIT" | tar -x -C "$WORK"
ROOT=$PWD
# Run from the release's own tree: python -c puts the working directory first on sys.path.
run() { (cd "$WORK" && PYTHONPATH="$WORK" "$ROOT/.venv/bin/python" -c 'import sys; from visabond.cli import main; main(["visabond", *sys.argv[1:]])' "$@"); }
make_db() {
  export DJANGO_SETTINGS_MODULE=visabond.config.settings.base
  run migrate -v0
  run seed >/dev/null
  echo "policy-password-1942" | run user create policy --role policy_officer --staff --password-stdin >/dev/null
  echo "auditor-password-1789" | run user create auditor --role auditor --password-stdin >/dev/null
}
( export DATABASE_URL="sqlite:///$WORK/old.sqlite3"; make_db )
.venv/bin/python - "$WORK/old.sqlite3" "$OUT/sqlite.sql" <<'PY'
import sqlite3, sys
with open(sys.argv[2], "w") as out:
    for line in sqlite3.connect(sys.argv[1]).iterdump():
        out.write(line + "\n")
PY
BASE=${PG%/*}
.venv/bin/python -c "import psycopg,sys; c=psycopg.connect(sys.argv[1], autocommit=True); c.execute('DROP DATABASE IF EXISTS visabond_upgrade_fixture'); c.execute('CREATE DATABASE visabond_upgrade_fixture')" "$PG"
( export DATABASE_URL="$BASE/visabond_upgrade_fixture"; make_db )
PG_DUMP=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/pg_dump
# psql meta-commands (\restrict) are dropped: the test loads the dump through psycopg.
"$PG_DUMP" --no-owner --no-privileges --rows-per-insert=200 -d "$BASE/visabond_upgrade_fixture" \
  | grep -v '^\\' > "$OUT/postgresql.sql"
.venv/bin/python -c "import psycopg,sys; c=psycopg.connect(sys.argv[1], autocommit=True); c.execute('DROP DATABASE visabond_upgrade_fixture')" "$PG"
echo "$COMMIT" > "$OUT/COMMIT"
