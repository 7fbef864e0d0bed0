#!/bin/sh
# gateway-memory.sh: peak memory (VmHWM, the resident set's high-water mark)
# of `vigie serve` under the loads of issue 13, each in a fresh process:
#
#   relay   SESSIONS (200) concurrent SMTP sessions, each sending MSGS (2)
#           messages of SIZE (1 MB) through the relay to smtp-sink
#   api     API_CLIENTS (6) concurrent POST /api/v1/scan of API_SIZE (45 MB)
#   milter  SESSIONS concurrent SMTP sessions of SIZE bytes through a
#           private Postfix (process_limit SESSIONS) with Vigie as milter
#
# Prints one line per load: peak RSS, messages accepted, elapsed time.
# Needs root, postfix (smtp-source, smtp-sink, postfix) and curl
# (scripts/install-test-deps.sh). VIGIE_BIN measures a prebuilt binary
# (e.g. an older one, for before/after figures); LOADS picks the loads.
set -eu

SESSIONS=${SESSIONS:-200}
MSGS=${MSGS:-2}
SIZE=${SIZE:-1000000}
API_CLIENTS=${API_CLIENTS:-6}
API_SIZE=${API_SIZE:-45000000}
LOADS=${LOADS:-relay api milter}
BASE=${BASE_PORT:-33000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)

WORK=$(mktemp -d /tmp/vigie-mem-XXXXXX)
chmod 755 "$WORK"
SINK_PORT=$((BASE + 25)) RELAY_PORT=$((BASE + 26)) HTTP_PORT=$((BASE + 80)) MILTER_PORT=$((BASE + 57)) PF_PORT=$((BASE + 27))
VIGIE=${VIGIE_BIN:-$WORK/vigie}
if [ -z "${VIGIE_BIN:-}" ]; then
	(cd "$ROOT" && go build -o "$VIGIE" ./cmd/vigie)
fi

SINK_PID= VIGIE_PID=
cleanup() {
	[ -n "$VIGIE_PID" ] && kill "$VIGIE_PID" 2>/dev/null || true
	[ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null || true
	[ -d "$WORK/postfix" ] && postfix -c "$WORK/postfix" stop >/dev/null 2>&1 || true
	wait 2>/dev/null || true
	[ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

wait_port() { bash -c "for i in \$(seq 600); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && exit 0; sleep 0.1; done; exit 1"; }
now() { date +%s.%N; }
hwm() { awk '/^VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$VIGIE_PID/status"; }

smtp-sink -u postfix "127.0.0.1:$SINK_PORT" 1000 2>/dev/null &
SINK_PID=$!
wait_port "$SINK_PORT"

start_vigie() { # $1: extra YAML under serve:
	rm -rf "$WORK/data"
	cat >"$WORK/vigie.yaml" <<YAML
data_dir: $WORK/data
auth:
  mode: headers   # no live DNS in a benchmark
serve:
  milter: {listen: 127.0.0.1:$MILTER_PORT}
  http: {listen: 127.0.0.1:$HTTP_PORT, tokens: [bench-token-0123456789]}
  rbl: {enabled: false}
${EXTRA:-}
  relay:
    listen: 127.0.0.1:$RELAY_PORT
    domains: [example.test]
    next_hop: 127.0.0.1:$SINK_PORT
    workers: 16
$1
YAML
	"$VIGIE" serve --config "$WORK/vigie.yaml" --log-level warn 2>>"$WORK/vigie.log" &
	VIGIE_PID=$!
	wait_port "$RELAY_PORT"
	wait_port "$HTTP_PORT"
}
stop_vigie() {
	kill "$VIGIE_PID"
	wait "$VIGIE_PID" 2>/dev/null || true
	VIGIE_PID=
}

report() { # load, accepted, t0
	printf '%-7s peak RSS %4d MB   accepted %s   %.1f s\n' "$1" "$(hwm)" "$2" "$(echo "$3 $(now)" | awk '{ print $2 - $1 }')"
}

for load in $LOADS; do
	case $load in
	relay)
		start_vigie ""
		t0=$(now)
		smtp-source -v -s "$SESSIONS" -m $((SESSIONS * MSGS)) -l "$SIZE" -f sender@partner.test -t user@example.test \
			"127.0.0.1:$RELAY_PORT" >"$WORK/relay.out" 2>&1 || true
		report relay "$(grep -c '<<< 250 2.0.0 O[Kk]: queued' "$WORK/relay.out" || true)/$((SESSIONS * MSGS))" "$t0"
		stop_vigie
		;;
	api)
		start_vigie ""
		awk -v n="$API_SIZE" 'BEGIN {
			printf "From: a@partner.test\r\nTo: b@example.test\r\nSubject: big\r\nMessage-ID: <big@partner.test>\r\n\r\n"
			line = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n"
			for (s = 0; s < n; s += length(line)) printf "%s", line
		}' >"$WORK/big.eml"
		t0=$(now)
		ok=0 pids=
		for i in $(seq "$API_CLIENTS"); do
			curl -sS -o "$WORK/api$i.out" -w '%{http_code}\n' -H 'Authorization: Bearer bench-token-0123456789' \
				--data-binary @"$WORK/big.eml" "http://127.0.0.1:$HTTP_PORT/api/v1/scan" >"$WORK/api$i.code" &
			pids="$pids $!"
		done
		for p in $pids; do wait "$p" || true; done
		for i in $(seq "$API_CLIENTS"); do [ "$(cat "$WORK/api$i.code")" = 200 ] && ok=$((ok + 1)); done
		report api "$ok/$API_CLIENTS" "$t0"
		stop_vigie
		;;
	milter)
		start_vigie ""
		mkdir -p "$WORK/postfix/spool" "$WORK/postfix/lib"
		chown postfix "$WORK/postfix/lib"
		cat >"$WORK/postfix/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $WORK/postfix/spool
data_directory = $WORK/postfix/lib
maillog_file = $WORK/postfix/maillog
maillog_file_prefixes = $WORK
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.vigie.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relay_domains = example.test
transport_maps = inline:{ example.test=smtp:[127.0.0.1]:$SINK_PORT }
smtpd_milters = inet:127.0.0.1:$MILTER_PORT
milter_default_action = tempfail
alias_maps =
alias_database =
smtp_dns_support_level = disabled
default_process_limit = $((SESSIONS + 10))
message_size_limit = $((SIZE * 2))
CF
		cat >"$WORK/postfix/master.cf" <<CF
127.0.0.1:$PF_PORT inet n - n - $SESSIONS smtpd
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
proxymap unix - - n - - proxymap
smtp unix - - n - - smtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
CF
		postfix -c "$WORK/postfix" start >/dev/null 2>&1
		wait_port "$PF_PORT"
		t0=$(now)
		smtp-source -v -s "$SESSIONS" -m $((SESSIONS * MSGS)) -l "$SIZE" -f sender@partner.test -t user@example.test \
			"127.0.0.1:$PF_PORT" >"$WORK/milter.out" 2>&1 || true
		report milter "$(grep -c '<<< 250 2.0.0 Ok: queued' "$WORK/milter.out" || true)/$((SESSIONS * MSGS))" "$t0"
		postfix -c "$WORK/postfix" stop >/dev/null 2>&1 || true
		stop_vigie
		;;
	esac
done
