#!/usr/bin/env bash
# install-s3-server.sh — build Versity S3 Gateway (github.com/versity/versitygw,
# Apache-2.0), a real S3 server over a plain directory, the peer of the tests of
# the quarantine's object store (internal/objstore, internal/quarantine, the
# gateway's end-to-end tests). It is built from the Go module proxy into a cache
# directory (/var/cache/vigie-test as root, else ~/.cache/vigie-test), once per
# version; the script prints the binary's path, which scripts/test.sh exports as
# VIGIE_TEST_S3_SERVER. Idempotent: a second run only prints the path.
set -euo pipefail
VERSION=v1.8.0
export PATH="$PATH:/usr/local/go/bin"
if [[ $(id -u) -eq 0 ]]; then
	cache=/var/cache/vigie-test
else
	cache=${XDG_CACHE_HOME:-$HOME/.cache}/vigie-test
fi
dir=$cache/versitygw-$VERSION
bin=$dir/versitygw
if [[ ! -x $bin ]]; then
	mkdir -p "$dir"
	echo "install-s3-server: building versitygw $VERSION into $dir (about 90 s)" >&2
	# Outside the repository, so that its go.mod plays no part.
	(cd "$dir" && GOBIN="$dir.tmp" GOFLAGS= go install "github.com/versity/versitygw/cmd/versitygw@$VERSION") >&2
	mv "$dir.tmp/versitygw" "$bin"
	rmdir "$dir.tmp"
fi
"$bin" --version >/dev/null 2>&1 || "$bin" --help >/dev/null || { echo "install-s3-server: $bin does not run" >&2; exit 1; }
echo "$bin"
