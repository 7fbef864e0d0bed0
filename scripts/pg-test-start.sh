#!/bin/sh
# pg-test-start.sh starts a throwaway PostgreSQL cluster for the store test
# suite and prints its DSN on stdout, for example:
#
#   export VIGIE_TEST_POSTGRES="$(scripts/pg-test-start.sh)"
#   go test ./internal/store/... ./internal/ioc/...
#
# It installs PostgreSQL from Debian when missing, runs the cluster as the
# postgres user in a temporary directory on 127.0.0.1:${PGPORT:-55432}, and
# creates the database vigie_test. A cluster already listening on that port
# is reused. Commits are not durable (fsync and synchronous_commit off)
# unless VIGIE_PG_DURABLE=1. Stop it with: scripts/pg-test-start.sh stop
set -eu

PORT="${PGPORT:-55432}"
DIR="${VIGIE_PG_DIR:-/tmp/vigie-pg-$PORT}"
DSN="postgres://postgres@127.0.0.1:$PORT/vigie_test?sslmode=disable"

bindir() {
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/pg_ctl" ] && last="$d"
	done
	[ -n "${last:-}" ] && echo "$last"
}

if [ -z "$(bindir || true)" ]; then
	echo "pg-test-start: installing postgresql" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq postgresql >&2
fi
BIN="$(bindir)"

as_pg() {
	if [ "$(id -u)" = 0 ]; then
		su postgres -s /bin/sh -c "$*"
	else
		sh -c "$*"
	fi
}

if [ "${1:-}" = stop ]; then
	as_pg "'$BIN/pg_ctl' -D '$DIR' -m fast stop" >&2 || true
	rm -rf "$DIR"
	exit 0
fi

if ! "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
	if [ ! -f "$DIR/PG_VERSION" ]; then
		mkdir -p "$DIR"
		[ "$(id -u)" = 0 ] && chown postgres "$DIR"
		as_pg "'$BIN/initdb' -D '$DIR' -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8" >/dev/null
	fi
	# fsync off: the data is thrown away, and the tests run faster. A test
	# that crashes the server and counts what survived (VIGIE_PG_DURABLE=1)
	# needs a commit to be durable when it returns, as in production.
	FAST="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	[ "${VIGIE_PG_DURABLE:-}" = 1 ] && FAST=""
	as_pg "'$BIN/pg_ctl' -D '$DIR' -l '$DIR/server.log' -w -o \"-h 127.0.0.1 -p $PORT -k '$DIR' $FAST\" start" >&2
fi

if ! "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='vigie_test'" | grep -q 1; then
	"$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres vigie_test
fi
echo "$DSN"
