package geo

import (
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestStatic(t *testing.T) {
	var s Static
	s.Add(netip.MustParsePrefix("203.0.113.0/24"), Location{Country: "NG", ASN: 64502})
	s.Add(netip.MustParsePrefix("203.0.113.128/25"), Location{Country: "GH", ASN: 64503})
	for _, tc := range []struct {
		ip      string
		country string
		ok      bool
	}{{"203.0.113.5", "NG", true}, {"203.0.113.200", "GH", true}, {"198.51.100.1", "", false}} {
		loc, ok := s.Locate(netip.MustParseAddr(tc.ip))
		if ok != tc.ok || loc.Country != tc.country {
			t.Errorf("%s: got %v %v", tc.ip, loc, ok)
		}
	}
	if Public(netip.MustParseAddr("10.1.2.3")) || !Public(netip.MustParseAddr("81.2.69.144")) {
		t.Error("Public")
	}
}

// TestInstalledDB runs against the data scripts/install-geoip.sh installs
// (third_party/geoip, or $VIGIE_GEOIP_DIR). CI runs that script first.
func TestInstalledDB(t *testing.T) {
	dir := os.Getenv("VIGIE_GEOIP_DIR")
	if dir == "" {
		_, file, _, _ := runtime.Caller(0)
		dir = filepath.Join(filepath.Dir(file), "..", "..", "third_party", "geoip")
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.mmdb")); len(m) == 0 {
		t.Skip("no GeoIP data: run scripts/install-geoip.sh")
	}
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// 1.1.1.1 is Cloudflare (AS13335); 81.2.69.142 is MaxMind's own GB test range.
	loc, ok := db.Locate(netip.MustParseAddr("1.1.1.1"))
	if !ok || loc.ASN != 13335 {
		t.Errorf("1.1.1.1: %+v %v", loc, ok)
	}
	loc, ok = db.Locate(netip.MustParseAddr("2606:4700:4700::1111"))
	if !ok || loc.ASN != 13335 {
		t.Errorf("2606:4700:4700::1111: %+v %v", loc, ok)
	}
	loc, ok = db.Locate(netip.MustParseAddr("8.8.8.8"))
	if !ok || loc.Country != "US" || !loc.HasCoords || loc.ASN != 15169 {
		t.Errorf("8.8.8.8: %+v %v", loc, ok)
	}
}

// TestASNIndex: the compact index finds what the CSV says, IPv4 and IPv6, at
// the edges of the ranges, and survives the trip through the cache file.
func TestASNIndex(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "asn-ipv4.csv"), []byte("1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "asn-ipv6.csv"), []byte("2001:4:112::,2001:4:112:ffff:ffff:ffff:ffff:ffff,112,DNS-OARC\n"), 0o644)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	for run := 0; run < 2; run++ { // built, then mapped from the cache
		db, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		for ip, want := range map[string]uint32{"1.0.0.0": 13335, "1.0.0.255": 13335, "1.0.1.0": 0, "1.0.7.255": 38803, "0.255.255.255": 0, "2001:4:112::1": 112, "2001:4:113::": 0} {
			loc, _ := db.Locate(netip.MustParseAddr(ip))
			if loc.ASN != want {
				t.Errorf("run %d %s: AS%d, want AS%d", run, ip, loc.ASN, want)
			}
		}
		if loc, _ := db.Locate(netip.MustParseAddr("1.0.0.1")); loc.ASOrg != "Cloudflare, Inc." {
			t.Errorf("org %q", loc.ASOrg)
		}
		db.Close()
	}
	lazy, err := OpenLazy(dir)
	if err != nil {
		t.Fatal(err)
	}
	if loc, ok := lazy.Locate(netip.MustParseAddr("1.0.5.1")); !ok || loc.ASN != 38803 {
		t.Errorf("lazy: %+v", loc)
	}
	lazy.Close()
	if _, err := OpenLazy(t.TempDir()); err == nil {
		t.Error("empty directory accepted")
	}
}
