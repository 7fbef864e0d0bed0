#!/bin/sh
# gateway-load.sh: load and fault test of the SMTP relay (vigie serve), all
# on 127.0.0.1. Postfix's smtp-source sends through the relay to Postfix's
# smtp-sink, which dumps every message it gets into its own file.
#
#   1. N messages (default 10000) of SIZE bytes over SESSIONS (50) parallel
#      connections: accepted (smtp-source's count of 250 replies to DATA)
#      must equal delivered (files dumped by smtp-sink, unique Message-Ids);
#      messages/s and the p99 of end-of-DATA-to-reply from Vigie's metrics.
#   2. kill -9 of Vigie in the middle of a load, restart: every message that
#      got a 250 must be delivered at least once.
#   3. Peak RSS of Vigie with 200 concurrent SMTP sessions (< 300 MB).
#
# Needs root, postfix (smtp-source, smtp-sink) and curl: see
# scripts/install-test-deps.sh. VIGIE_BIN uses a prebuilt binary.
set -eu

N=${N:-10000}
SESSIONS=${SESSIONS:-50}
SIZE=${SIZE:-20000}
KILL_N=${KILL_N:-5000}
RSS_SESSIONS=${RSS_SESSIONS:-200}
BASE=${BASE_PORT:-32000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)

WORK=$(mktemp -d /tmp/vigie-load-XXXXXX)
chmod 755 "$WORK"
SINK_PORT=$((BASE + 25)) RELAY_PORT=$((BASE + 26)) HTTP_PORT=$((BASE + 80)) MILTER_PORT=$((BASE + 57))
VIGIE=${VIGIE_BIN:-$WORK/vigie}
if [ -z "${VIGIE_BIN:-}" ]; then
	(cd "$ROOT" && go build -o "$VIGIE" ./cmd/vigie)
fi

SINK_PID= VIGIE_PID=
cleanup() {
	[ -n "$VIGIE_PID" ] && kill "$VIGIE_PID" 2>/dev/null || true
	[ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null || true
	[ -n "${SRC:-}" ] && kill "$SRC" 2>/dev/null || true
	wait 2>/dev/null || true
	[ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

cat >"$WORK/vigie.yaml" <<YAML
data_dir: $WORK/data
auth:
  mode: headers   # no live DNS in a benchmark
serve:
  milter: {listen: 127.0.0.1:$MILTER_PORT}
  http: {listen: 127.0.0.1:$HTTP_PORT}
  relay:
    listen: 127.0.0.1:$RELAY_PORT
    domains: [example.test]
    next_hop: 127.0.0.1:$SINK_PORT
    retry_min: 1s
    retry_max: 2s
    workers: 16
YAML

# bash's /dev/tcp is not in every sh: use bash for the probe.
wait_port() { bash -c "for i in \$(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && exit 0; sleep 0.05; done; exit 1"; }

start_sink() {
	mkdir -p "$WORK/sink"
	chown postfix "$WORK/sink"
	smtp-sink -u postfix -d "$WORK/sink/%M." "127.0.0.1:$SINK_PORT" 256 2>/dev/null &
	SINK_PID=$!
	wait_port "$SINK_PORT"
}
start_vigie() {
	"$VIGIE" serve --config "$WORK/vigie.yaml" --log-level warn 2>>"$WORK/vigie.log" &
	VIGIE_PID=$!
	wait_port "$RELAY_PORT"
	wait_port "$HTTP_PORT"
}
metric() { curl -s "http://127.0.0.1:$HTTP_PORT/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
delivered() { find "$WORK/sink" -type f | wc -l; }
unique_ids() { find "$WORK/sink" -type f -exec grep -h -m1 '^Message-Id:' {} + 2>/dev/null | sort -u | wc -l; }
# acks counts Vigie's 250 replies to the end of DATA in smtp-source -v's
# trace. (smtp-source -c counts a message when it is sent, before the
# reply, so it over-counts when the server dies.)
acks() { grep -c '<<< 250 2.0.0 Ok: queued as ' "$1" || true; }
drain() { # wait for the queue to empty and the sink to hold $1 messages
	i=0
	while :; do
		d=$(metric vigie_queue_depth)
		[ "${d:-1}" = 0 ] && [ "$(delivered)" -ge "$1" ] && return 0
		i=$((i + 1))
		[ $i -gt 600 ] && { echo "queue not drained: depth=$d delivered=$(delivered)" >&2; return 1; }
		sleep 0.2
	done
}
p99() { # from the histogram buckets of $1: the first bucket holding 99 %
	curl -s "http://127.0.0.1:$HTTP_PORT/metrics" | awk -v m="$1" '
		index($0, m "_bucket{") == 1 { split($0, a, "le=\""); split(a[2], b, "\""); le[n] = b[1]; c[n] = $2; n++ }
		index($0, m "_count ") == 1 { total = $2 }
		END { for (i = 0; i < n; i++) if (c[i] >= 0.99 * total) { print le[i]; exit } }'
}
now() { date +%s.%N; }

start_sink
start_vigie
echo "== 1. $N messages of $SIZE bytes over $SESSIONS connections"
t0=$(now)
smtp-source -v -s "$SESSIONS" -m "$N" -l "$SIZE" -f sender@partner.test -t user@example.test \
	"127.0.0.1:$RELAY_PORT" >"$WORK/source1.out" 2>&1 || true
t1=$(now)
accepted=$(acks "$WORK/source1.out")
drain "$accepted"
t2=$(now)
echo "accepted (250)      $accepted"
echo "delivered           $(delivered) files, $(unique_ids) unique Message-Ids"
echo "acceptance rate     $(echo "$accepted $t0 $t1" | awk '{ printf "%.0f msgs/s", $1 / ($3 - $2) }')"
echo "end-to-end rate     $(echo "$accepted $t0 $t2" | awk '{ printf "%.0f msgs/s (accepted and delivered)", $1 / ($3 - $2) }')"
echo "p99 DATA-to-reply   <= $(p99 vigie_smtp_data_seconds) s  (scan p99 <= $(p99 vigie_scan_seconds) s)"
[ "$(unique_ids)" -eq "$accepted" ] || { echo "FAIL: lost or duplicated messages"; FAILED=1; }

echo "== 2. kill -9 during a load of $KILL_N messages, then restart"
rm -rf "$WORK/sink"/*
smtp-source -v -s "$SESSIONS" -m "$KILL_N" -l "$SIZE" -f sender@partner.test -t user@example.test \
	"127.0.0.1:$RELAY_PORT" >"$WORK/source2.out" 2>&1 &
SRC=$!
sleep 3
kill -9 "$VIGIE_PID"
wait "$VIGIE_PID" 2>/dev/null || true
wait "$SRC" 2>/dev/null || true
acked=$(acks "$WORK/source2.out")
queued=$(find "$WORK/data/queue" -name '*.msg' | wc -l)
echo "acknowledged (250)  $acked   left in queue at kill: $queued"
start_vigie
drain "$acked"
sleep 1
got=$(unique_ids)
echo "delivered           $(delivered) files, $got unique Message-Ids"
[ "$got" -ge "$acked" ] || { echo "FAIL: acknowledged messages lost"; FAILED=1; }

echo "== 3. RSS with $RSS_SESSIONS concurrent sessions"
smtp-source -s "$RSS_SESSIONS" -m $((RSS_SESSIONS * 20)) -l "$SIZE" -f sender@partner.test -t user@example.test \
	"127.0.0.1:$RELAY_PORT" >"$WORK/source3.out" 2>&1 &
SRC=$!
peak=0
while kill -0 "$SRC" 2>/dev/null; do
	r=$(awk '/^VmRSS/ { print $2 }' "/proc/$VIGIE_PID/status")
	[ "$r" -gt "$peak" ] && peak=$r
	sleep 0.1
done
echo "peak RSS            $((peak / 1024)) MB"
[ "$peak" -lt $((300 * 1024)) ] || { echo "FAIL: RSS over 300 MB"; FAILED=1; }
[ -z "${FAILED:-}" ] && echo "PASS"
[ -z "${FAILED:-}" ]
