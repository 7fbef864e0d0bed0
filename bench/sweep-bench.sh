#!/usr/bin/env bash
# sweep-bench.sh — `vigie hunt --ioc-only` against GNU grep -F and ripgrep -F, on the
# same files, with the same 100,000 indicators, in the same run.
#
# 1. runs the shared anchor (../shared/tools/anchors/sweep-bench.sh): it generates
#    1.1 GB of Squid native access.log and 100k indicators (URLs and domains from
#    the OpenPhish feed plus synthetic ones, 200 injected hits), times grep and rg;
# 2. adds an auth log (Dovecot + Entra NDJSON sign-ins, ~100 MB, with injected
#    attacker IPs) and indicator IPs, and times grep/rg on it too;
# 3. times our sweep (REPS runs, median) on both, under /usr/bin/time, and the full
#    hunt (every detection, the same indicators: `vigie hunt --ioc`, not --ioc-only);
# 4. prints one line per tool: MB/s (10^6 bytes / median wall seconds), max RSS and
#    matching lines (findings for the full hunt); "vigie1" is our sweep on one core
#    (GOMAXPROCS=1), "hunt1" the full hunt on one core, grep and rg scan a single
#    file on one core too. The machine may be shared: cpu_s (user+sys) and
#    mb_per_cpu_s say what each tool costs whatever the load; loadavg is printed.
#    A last line sums the full hunt over both files.
#
# Environment: BASE (work dir, default /tmp/anchorbench), REGEN=0 to reuse data,
# REPS (default 3), WORKERS (GOMAXPROCS for vigie; default all cores).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
export BASE=${BASE:-${TMPDIR:-/tmp}/anchorbench}
REPS=${REPS:-3}
log() { echo "[$(date +%T)] $*" >&2; }

command -v rg >/dev/null 2>&1 && [ -x /usr/bin/time ] || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ripgrep time >/dev/null; }

log "building vigie"
(cd "$ROOT" && go build -o "$BASE/vigie" ./cmd/vigie)

log "anchor: generating data and timing grep/rg on the proxy log"
mkdir -p "$BASE"
anchor=$(REPS=$REPS bash "$SHARED/tools/anchors/sweep-bench.sh" | tail -1)
echo "$anchor"

LOG=$BASE/logs/squid.log
PAT=$BASE/patterns.txt
AUTH=$BASE/logs/auth.log
PAT2=$BASE/patterns-with-ips.txt
if [ "${REGEN:-1}" = 1 ] || [ ! -s "$AUTH" ]; then
  log "generating auth log"
  python3 - "$AUTH" "$PAT" "$PAT2" <<'PY'
import random, sys
auth, pat, pat2 = sys.argv[1:4]
R = random.Random(7)
bad = ["203.0.113.%d" % i for i in range(1, 200)] + ["198.18.%d.%d" % (R.randint(0, 255), R.randint(1, 254)) for _ in range(800)]
with open(pat2, "w") as f:
    f.write(open(pat).read())
    f.write("\n".join(bad) + "\n")
users = ["user%04d@corp.example" % i for i in range(3000)]
def ip(): return "%d.%d.%d.%d" % (R.choice([81, 82, 86, 90, 91, 92, 176, 178, 185, 212]), R.randint(0, 255), R.randint(0, 255), R.randint(1, 254))
out, n, t = [], 0, 1735689600
with open(auth, "w", buffering=1 << 22) as f:
    while n < 100_000_000:
        t += R.randint(0, 3)
        u = R.choice(users)
        a = R.choice(bad) if R.random() < 0.0002 else ip()
        if R.random() < 0.6:
            s = "Jan %2d %02d:%02d:%02d mail dovecot: imap-login: Login: user=<%s>, method=PLAIN, rip=%s, lip=192.0.2.10, mpid=%d, TLS, session=<%08x>\n" % (
                1 + (t // 86400) % 28, (t // 3600) % 24, (t // 60) % 60, t % 60, u, a, R.randint(1000, 99999), R.getrandbits(32))
        else:
            s = '{"createdDateTime":"2025-01-%02dT%02d:%02d:%02dZ","userPrincipalName":"%s","appDisplayName":"Office 365 Exchange Online","ipAddress":"%s","clientAppUsed":"Browser","status":{"errorCode":%d},"location":{"countryOrRegion":"FR"}}\n' % (
                1 + (t // 86400) % 28, (t // 3600) % 24, (t // 60) % 60, t % 60, u, a, R.choice([0, 0, 0, 50126]))
        f.write(s); n += len(s)
PY
fi

log "warming page cache"
cat "$LOG" "$AUTH" > /dev/null
timed() { # name file patterns cmd... -> "wall rss out"
  local tv; tv=$(mktemp)
  /usr/bin/time -f '%e %M %U %S' -o "$tv" "${@}" > "$tv.out" 2>&1 || true
  echo "$(cat "$tv") $(tail -c 200 "$tv.out" | tr '\n' ' ')"
  rm -f "$tv" "$tv.out"
}
median() { sort -g | awk '{a[NR]=$0} END{print a[int((NR+1)/2)]}'; }
bench() { # label file patterns
  local label=$1 file=$2 pats=$3 bytes; bytes=$(stat -c %s "$file")
  for tool in vigie vigie1 hunt1 grep rg; do
    : > "$BASE/$tool.runs"
    for i in $(seq 1 "$REPS"); do
      case $tool in
        vigie) r=$(timed env ${WORKERS:+GOMAXPROCS=$WORKERS} "$BASE/vigie" hunt --lang en --ioc-only --ioc "$pats" "$file") ;;
        vigie1) r=$(timed env GOMAXPROCS=1 "$BASE/vigie" hunt --lang en --ioc-only --ioc "$pats" "$file") ;;
        hunt1) r=$(timed env GOMAXPROCS=1 "$BASE/vigie" hunt --lang en --year 2025 --ioc "$pats" "$file") ;;
        grep) r=$(timed env LC_ALL=C grep -F -c -f "$pats" "$file") ;;
        rg) r=$(timed rg -F -c -f "$pats" "$file") ;;
      esac
      echo "$r" >> "$BASE/$tool.runs"
      log "$label $tool run $i: $(echo "$r" | cut -c1-60)"
    done
    local wall rss hits
    wall=$(cut -d' ' -f1 "$BASE/$tool.runs" | median)
    rss=$(cut -d' ' -f2 "$BASE/$tool.runs" | sort -n | tail -1)
    cpu=$(awk '{print $3+$4}' "$BASE/$tool.runs" | median)
    case $tool in
      vigie*) hits=$(head -1 "$BASE/$tool.runs" | grep -o '[0-9]* hits' | cut -d' ' -f1 || true) ;;
      hunt*) hits=$(head -1 "$BASE/$tool.runs" | grep -o '[0-9]* findings' | cut -d' ' -f1 || true)
        echo "$bytes $cpu" >> "$BASE/hunt-total.runs" ;;
      *) hits=$(head -1 "$BASE/$tool.runs" | cut -d' ' -f5) ;;
    esac
    awk -v l="$label" -v t="$tool" -v b="$bytes" -v w="$wall" -v r="$rss" -v h="$hits" -v c="$cpu" -v la="$(cut -d' ' -f1 /proc/loadavg)" \
      'BEGIN{printf "%s %-6s bytes=%d wall_s=%.2f mb_s=%.1f cpu_s=%.2f mb_per_cpu_s=%.1f rss_mb=%.0f matching_lines=%s loadavg=%s\n", l, t, b, w, b/1e6/w, c, b/1e6/c, r/1024, h, la}'
  done
}
: > "$BASE/hunt-total.runs"
bench proxy "$LOG" "$PAT"
bench auth "$AUTH" "$PAT2"
awk '{b+=$1; c+=$2} END{printf "total  hunt1  bytes=%d cpu_s=%.2f mb_per_cpu_s=%.1f (the full hunt over both files, one core)\n", b, c, b/1e6/c}' "$BASE/hunt-total.runs"
