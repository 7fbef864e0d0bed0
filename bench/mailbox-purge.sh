#!/usr/bin/env bash
# mailbox-purge.sh — pull one campaign out of 1,000 mailboxes of 1,000
# messages each on a real Dovecot (the maildirs written directly, messages
# hard-linked), with `vigie mailbox purge`'s engine over IMAP (UID SEARCH
# HEADER Message-ID, one fetch of the copy for its hash, UID MOVE), cold
# then warm, and Dovecot's own `doveadm move -A` on the same data in the
# same run. Needs root and scripts/install-test-deps.sh.
#
# Environment: BENCH_MAILBOXES (1000), BENCH_MESSAGES (1000),
# BENCH_CONCURRENCY (4 mailboxes at once).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
echo "loadavg before: $(cut -d' ' -f1-3 /proc/loadavg)"
go test -run XXX -bench PurgeCampaign -benchtime 1x -timeout 3h ./internal/mailbox/ 2>&1 |
  grep -E 'Benchmark|bench_test|^ok|FAIL'
echo "loadavg after: $(cut -d' ' -f1-3 /proc/loadavg)"
