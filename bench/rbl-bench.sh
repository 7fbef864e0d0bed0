#!/usr/bin/env bash
# rbl-bench.sh — Vigie's DNSBL server against rbldnsd, same data, same run.
#
#   1. installs rbldnsd, dnsperf and dig (apt-get) if missing, builds vigie
#   2. generates the anchor's 1M-entry data set by running
#      ../shared/tools/anchors/rbldnsd-bench.sh (same seed, same files; its own
#      short smoke measurement of rbldnsd is kept in anchor.log)
#   3. starts rbldnsd and `vigie rbl serve` on the same files (two loopback
#      ports), measures each one's load time (start -> first correct answer)
#      and VmRSS
#   4. runs dnsperf REPS x DUR s per zone, alternating rbldnsd and vigie
#      run by run so that background load on the shared machine hits both
#   5. prints one summary line per server and the targets of issue 14:
#      vigie qps >= 1.5 x rbldnsd qps (medians of the same run), vigie peak
#      RSS (VmHWM) <= 1.5 x rbldnsd's, vigie load <= 10 s
#
# Tunables (environment): BASE DUR REPS CLIENTS OUTSTANDING PORT N_IP N_DOM SEED
# Everything is sent to 127.0.0.1 only.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
ANCHOR=$SHARED/tools/anchors/rbldnsd-bench.sh
BASE=${BASE:-${TMPDIR:-/tmp}/vigie-rbl-bench}
DUR=${DUR:-20}
REPS=${REPS:-3}
CLIENTS=${CLIENTS:-8}
OUTSTANDING=${OUTSTANDING:-200}
PORT=${PORT:-5353}            # rbldnsd; vigie gets PORT+1
VPORT=$((PORT + 1))
RUN_USER=${RUN_USER:-rbldns}
DATA=$BASE/data
mkdir -p "$BASE"
log() { echo "[$(date +%T)] $*" >&2; }

# ---------------------------------------------------------------- 1. tools
need=()
command -v rbldnsd >/dev/null 2>&1 || [ -x /usr/sbin/rbldnsd ] || need+=(rbldnsd)
command -v dnsperf >/dev/null 2>&1 || need+=(dnsperf)
command -v dig >/dev/null 2>&1 || need+=(dnsutils)
if [ ${#need[@]} -gt 0 ]; then
  log "installing: ${need[*]}"
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d  # no auto-start
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
fi
RBLDNSD=$(command -v rbldnsd || echo /usr/sbin/rbldnsd)
id "$RUN_USER" >/dev/null 2>&1 || RUN_USER=root
VIGIE=$BASE/vigie
for i in 1 2 3 4 5; do  # other engineers may be mid-edit in cmd/vigie: retry
  (cd "$ROOT" && go build -o "$VIGIE" ./cmd/vigie) 2>"$BASE/build.log" && break
  log "build failed (attempt $i), retrying in 20 s"; sleep 20
done
[ -x "$VIGIE" ] || { cat "$BASE/build.log" >&2; exit 1; }

# ---------------------------------------------------------------- 2. data
log "generating the anchor data set in $DATA"
BASE=$DATA PORT=$PORT DUR=1 REPS=1 bash "$ANCHOR" > "$BASE/anchor.log" 2>&1 ||
  { tail -20 "$BASE/anchor.log" >&2; exit 1; }
# shellcheck disable=SC1091
. "$DATA/probes.env"

# ---------------------------------------------------------------- 3. servers
RBL_PID= VIG_PID=
cleanup() {
  for p in $RBL_PID $VIG_PID; do
    if kill -0 "$p" 2>/dev/null; then kill "$p"; wait "$p" 2>/dev/null || true; fi
  done
}
trap cleanup EXIT
for p in $PORT $VPORT; do
  if ss -lun 2>/dev/null | grep -q "127.0.0.1:$p "; then echo "port $p busy on 127.0.0.1" >&2; exit 1; fi
done
wait_listed() { # port pid -> seconds since $t0 when the probe answers 127.0.0.2
  until [ "$(dig +time=1 +tries=1 +norecurse -p "$1" @127.0.0.1 +short "$PROBE_IP_LISTED.bl.test" A 2>/dev/null)" = 127.0.0.2 ]; do
    kill -0 "$2" 2>/dev/null || { echo "server on port $1 died" >&2; exit 1; }
    sleep 0.02
  done
  printf '%.2f' "$(echo "$(date +%s.%N) - $t0" | bc)"
}
rss_mb() { awk '/^VmRSS/{printf "%.1f", $2/1024}' "/proc/$1/status"; }
hwm_mb() { awk '/^VmHWM/{printf "%.1f", $2/1024}' "/proc/$1/status"; }

t0=$(date +%s.%N)
"$RBLDNSD" -n -u "$RUN_USER" -c 0 -w "$DATA" -b "127.0.0.1/$PORT" \
  bl.test:ip4set:bl.ip4set dbl.test:dnset:dbl.dnset > "$BASE/rbldnsd.out" 2>&1 &
RBL_PID=$!
RBL_LOAD=$(wait_listed "$PORT" "$RBL_PID"); RBL_RSS=$(rss_mb "$RBL_PID")
log "rbldnsd pid=$RBL_PID load ${RBL_LOAD}s rss ${RBL_RSS} MB"

t0=$(date +%s.%N)
"$VIGIE" rbl serve --listen "127.0.0.1:$VPORT" --ip-zone bl.test --domain-zone dbl.test --url-zone "" \
  --ip-zone-file "$DATA/bl.ip4set" --dns-zone-file "$DATA/dbl.dnset" > "$BASE/vigie.out" 2>&1 &
VIG_PID=$!
VIG_LOAD=$(wait_listed "$VPORT" "$VIG_PID"); VIG_RSS=$(rss_mb "$VIG_PID")
VIG_SELF=$(grep -o 'seconds=[0-9.]*' "$BASE/vigie.out" | head -1 | cut -d= -f2)
log "vigie pid=$VIG_PID load ${VIG_LOAD}s (self-reported ${VIG_SELF}s) rss ${VIG_RSS} MB"

# both must give the same answers to the anchor's probes
for port in $PORT $VPORT; do
  D="dig +time=1 +tries=1 +norecurse -p $port @127.0.0.1"
  for q in "$PROBE_IP_LISTED.bl.test 127.0.0.2" "$PROBE_DOM_LISTED.dbl.test 127.0.0.2"; do
    set -- $q
    [ "$($D +short "$1" A)" = "$2" ] || { echo "port $port: $1 not listed" >&2; exit 1; }
  done
  for n in "$PROBE_IP_UNLISTED.bl.test" "$PROBE_DOM_UNLISTED.dbl.test"; do
    $D "$n" A | grep -q 'status: NXDOMAIN' || { echo "port $port: $n not NXDOMAIN" >&2; exit 1; }
  done
done
log "probes agree; TXT rbldnsd: $(dig +short -p $PORT @127.0.0.1 "$PROBE_IP_LISTED.bl.test" TXT) vigie: $(dig +short -p $VPORT @127.0.0.1 "$PROBE_IP_LISTED.bl.test" TXT)"

# ---------------------------------------------------------------- 4. dnsperf
perf() { # name port zone queryfile rep
  local out="$BASE/dnsperf-$1-$3-$5.log"
  dnsperf -s 127.0.0.1 -p "$2" -l "$DUR" -c "$CLIENTS" -q "$OUTSTANDING" -d "$4" > "$out" 2>&1
  awk '/Queries per second:/{qps=$4} /Queries lost:/{lost=$3} /Average Latency/{lat=$4*1000}
       END{printf "%.0f\t%.3f\t%s\n", qps, lat, lost}' "$out" >> "$BASE/perf-$1-$3.tsv"
  log "$1 $3 rep $5: $(tail -1 "$BASE/perf-$1-$3.tsv" | awk -F'\t' '{printf "%s qps, lat %s ms, lost %s", $1, $2, $3}') (loadavg $(cut -d' ' -f1 /proc/loadavg))"
}
rm -f "$BASE"/perf-*.tsv
for rep in $(seq 1 "$REPS"); do
  for zone in ip domain; do
    qf=$DATA/q-ip.txt; [ $zone = domain ] && qf=$DATA/q-dom.txt
    if [ $((rep % 2)) = 1 ]; then order="rbldnsd vigie"; else order="vigie rbldnsd"; fi
    for srv in $order; do
      port=$PORT; [ $srv = vigie ] && port=$VPORT
      perf $srv $port $zone "$qf" "$rep"
    done
  done
done
median() { sort -g "$1" | awk -F'\t' '{q[NR]=$1} END{print q[int((NR+1)/2)]}'; }

# ---------------------------------------------------------------- 5. summary
RBL_RSS2=$(rss_mb "$RBL_PID") VIG_RSS2=$(rss_mb "$VIG_PID") VIG_HWM=$(hwm_mb "$VIG_PID") RBL_HWM=$(hwm_mb "$RBL_PID")
ENTRIES=$((N_IP_WRITTEN + N_DOM_WRITTEN))
R_IP=$(median "$BASE/perf-rbldnsd-ip.tsv") R_DOM=$(median "$BASE/perf-rbldnsd-domain.tsv")
V_IP=$(median "$BASE/perf-vigie-ip.tsv") V_DOM=$(median "$BASE/perf-vigie-domain.tsv")
{
  echo "data: $N_IP_WRITTEN ip4set + $N_DOM_WRITTEN dnset entries; dnsperf -c $CLIENTS -q $OUTSTANDING, $REPS x ${DUR}s per zone and server, alternated; $(nproc) CPUs"
  echo "rbldnsd: entries=$ENTRIES load_s=$RBL_LOAD rss_mb=$RBL_RSS rss_after_mb=$RBL_RSS2 hwm_mb=$RBL_HWM ip_qps=$R_IP domain_qps=$R_DOM"
  echo "vigie:   entries=$ENTRIES load_s=$VIG_LOAD rss_mb=$VIG_RSS rss_after_mb=$VIG_RSS2 hwm_mb=$VIG_HWM ip_qps=$V_IP domain_qps=$V_DOM"
  awk -v rip="$R_IP" -v rdom="$R_DOM" -v vip="$V_IP" -v vdom="$V_DOM" -v rr="$RBL_RSS2" -v vr="$VIG_RSS2" \
      -v rh="$RBL_HWM" -v vh="$VIG_HWM" -v vl="$VIG_LOAD" 'BEGIN{
    ok = (vip >= 1.5*rip && vdom >= 1.5*rdom && vh <= 1.5*rh && vl <= 10)
    printf "targets (issue 14): ip qps x%.2f, domain qps x%.2f (>= 1.5), peak rss x%.2f (<= 1.5; rss at the end x%.2f), load %.2fs (<= 10): %s\n",
      vip/rip, vdom/rdom, vh/rh, vr/rr, vl, ok ? "PASS" : "FAIL" }'
} | tee "$BASE/summary.txt"
