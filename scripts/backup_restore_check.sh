#!/bin/sh
# Back up the PostgreSQL database of DATABASE_URL with pg_dump, restore the backup into a
# scratch database beside it with pg_restore, and prove that the restore holds the same
# data: the same ledger fingerprint (every article and event) and the same full dump of
# every table through Django (dumpdata). The scratch database is dropped afterwards.
#
#   DATABASE_URL=postgres://user@host:5432/inventory scripts/backup_restore_check.sh [BACKUP]
#
# BACKUP is where the custom-format dump is written (default: a temporary file, removed).
# Run it from the project folder with the project's Python (PYTHON, default python3).
# It exits non-zero, saying why, if any step fails or the restore differs.
set -eu

: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to back up}"
PYTHON=${PYTHON:-python3}
cd "$(dirname "$0")/.."

case "$DATABASE_URL" in
postgres://* | postgresql://*) ;;
*)
    echo "DATABASE_URL is not a PostgreSQL URL; pg_dump backs up PostgreSQL only." >&2
    exit 2
    ;;
esac

# The scratch database's URL: the same server and options, the name with a suffix.
without_query=${DATABASE_URL%%\?*}
query=${DATABASE_URL#"$without_query"}
source_name=${without_query##*/}
scratch_name="${source_name}_restore_check"
scratch_url="${without_query%/*}/${scratch_name}${query}"

if [ $# -ge 1 ]; then
    backup=$1
else
    backup=$(mktemp "${TMPDIR:-/tmp}/inventory-backup.XXXXXX")
    trap 'rm -f "$backup"' EXIT
fi

fingerprint() {
    DATABASE_URL=$1 "$PYTHON" manage.py shell --verbosity 0 \
        --command "from demo.fleet import ledger_fingerprint; print(ledger_fingerprint())"
}

full_dump_digest() {
    DATABASE_URL=$1 "$PYTHON" manage.py dumpdata --verbosity 0 | sha256sum | cut -d' ' -f1
}

echo "Backing up $source_name to $backup"
pg_dump --format=custom --no-owner --dbname="$DATABASE_URL" --file="$backup"

echo "Restoring into $scratch_name"
psql "$DATABASE_URL" --quiet --no-psqlrc -v ON_ERROR_STOP=1 \
    --command "DROP DATABASE IF EXISTS \"$scratch_name\"" \
    --command "CREATE DATABASE \"$scratch_name\""
pg_restore --no-owner --exit-on-error --dbname="$scratch_url" "$backup"

status=0
source_ledger=$(fingerprint "$DATABASE_URL")
restored_ledger=$(fingerprint "$scratch_url")
source_dump=$(full_dump_digest "$DATABASE_URL")
restored_dump=$(full_dump_digest "$scratch_url")

psql "$DATABASE_URL" --quiet --no-psqlrc -v ON_ERROR_STOP=1 \
    --command "DROP DATABASE \"$scratch_name\""

if [ "$source_ledger" = "$restored_ledger" ]; then
    echo "Ledger: the same ($source_ledger)"
else
    echo "Ledger: DIFFERENT ($source_ledger before, $restored_ledger restored)" >&2
    status=1
fi
if [ "$source_dump" = "$restored_dump" ]; then
    echo "Every table: the same ($source_dump)"
else
    echo "Every table: DIFFERENT ($source_dump before, $restored_dump restored)" >&2
    status=1
fi
exit $status
