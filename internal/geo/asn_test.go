package geo

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseASN: a cache file is read where it lies (memory-mapped), so a
// damaged or foreign one must give an error or an index whose lookups
// stay inside it, never a panic. testdata/fuzz/FuzzParseASN holds the
// first it found: organisation offsets pointing past the file.
func FuzzParseASN(f *testing.F) {
	dir := f.TempDir()
	v4 := filepath.Join(dir, "asn-ipv4.csv")
	v6 := filepath.Join(dir, "asn-ipv6.csv")
	os.WriteFile(v4, []byte("1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd\n"), 0o644)
	os.WriteFile(v6, []byte("2001:4:112::,2001:4:112:ffff:ffff:ffff:ffff:ffff,112,DNS-OARC\n"), 0o644)
	good, err := buildASN([]string{v4, v6})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:asnHeader])
	f.Add([]byte(asnMagic))
	ips := []netip.Addr{
		netip.MustParseAddr("1.0.0.1"), netip.MustParseAddr("1.0.5.1"), netip.MustParseAddr("255.255.255.255"),
		netip.MustParseAddr("0.0.0.0"), netip.MustParseAddr("2001:4:112::1"), netip.MustParseAddr("ffff::1"),
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		idx, err := parseASN(b)
		if err != nil {
			return
		}
		for _, ip := range ips {
			idx.find(ip)
		}
	})
}
