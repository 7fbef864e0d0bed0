package rbl

import (
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestZoneFileBadLines(t *testing.T) {
	_, bad := loadTestSource(t)
	var got []string
	for _, e := range bad {
		got = append(got, e.File[strings.LastIndexByte(e.File, '/')+1:]+":"+strconv.Itoa(e.Line))
	}
	want := []string{"bl.ip4set:16", "bl.ip4set:17", "bl.ip4set:18", "bl.ip6trie:7", "dbl.dnset:9", "uribl.txt:4"}
	if !slices.Equal(got, want) {
		t.Errorf("malformed lines reported: %v\nwant %v", got, want)
	}
}

func TestParseIPEntry(t *testing.T) {
	tests := []struct {
		in   string
		want string // space-separated prefixes, "" for an error
	}{
		// rbldnsd(8) ip4set examples for 127.0.0.0/24 and 127.16.0.0/12
		{"127.0.0.0/24", "127.0.0.0/24"},
		{"127.0.0", "127.0.0.0/24"},
		{"127/24", "127.0.0.0/24"},
		{"127-127.0.0", "127.0.0.0/24"},
		{"127.0.0.0-127.0.0.255", "127.0.0.0/24"},
		{"127.0.0.1-255", "127.0.0.1/32 127.0.0.2/31 127.0.0.4/30 127.0.0.8/29 127.0.0.16/28 127.0.0.32/27 127.0.0.64/26 127.0.0.128/25"},
		{"127.16.0.0-127.31.255.255", "127.16.0.0/12"},
		{"127.16.0-127.31.255", "127.16.0.0/12"},
		{"127.16-127.31", "127.16.0.0/12"},
		{"127.16-31", "127.16.0.0/12"},
		{"127.16.0/12", "127.16.0.0/12"},
		{"127.16/12", "127.16.0.0/12"},
		{"192.0.2.7", "192.0.2.7/32"},
		{"0.0.0.0-255.255.255.255", "0.0.0.0/0"},
		// ip6trie examples
		{"2001:21ab:c000/36", "2001:21ab:c000::/36"},
		{"2001:21ab:def7:4242", "2001:21ab:def7:4242::/64"},
		{"2605:6001:42::/52", "2605:6001:42::/52"},
		{"::1", "::1/128"},
		// errors
		{"1.2.3.4.5", ""}, {"256.1.1.1", ""}, {"1..2", ""}, {"1.2.3.4/33", ""},
		{"1.2.3.9-1.2.3.1", ""}, {"1.2.3.0/24-1.2.4.0", ""}, {"2001:db8::/129", ""}, {"fe80::1%eth0", ""}, {"", ""},
	}
	for _, tt := range tests {
		ps, err := parseIPEntry(nil, []byte(tt.in))
		var got []string
		for _, p := range ps {
			got = append(got, p.String())
		}
		if err != nil && tt.want != "" || err == nil && strings.Join(got, " ") != tt.want {
			t.Errorf("parseIPEntry(%q) = %v, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// TestZoneFileLongLine: an overlong line is reported and the next one read.
func TestZoneFileLongLine(t *testing.T) {
	in := strings.Repeat("1", 2*maxZoneLine) + "\n192.0.2.1\n"
	b := NewMemBuilder()
	var bad []*LineError
	n, err := ReadIPZone(b, strings.NewReader(in), "long", func(e *LineError) { bad = append(bad, e) })
	if err != nil || n != 1 || len(bad) != 1 || bad[0].Line != 1 {
		t.Fatalf("n=%d err=%v bad=%v", n, err, bad)
	}
	if _, ok := b.Build().LookupIP(netip.MustParseAddr("192.0.2.1")); !ok {
		t.Error("line after the long one lost")
	}
}

func FuzzReadIPZone(f *testing.F) {
	for _, name := range []string{"testdata/bl.ip4set", "testdata/bl.ip6trie"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("127.0.0.1-255\n!1.2\n:7:x\n::/0\n1-2.3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b := NewMemBuilder()
		ReadIPZone(b, strings.NewReader(string(data)), "fuzz", nil)
		src := b.Build()
		src.LookupIP(netip.MustParseAddr("1.2.3.4"))
		src.LookupIP(netip.MustParseAddr("2001:db8::1"))
	})
}

func FuzzReadDomainZone(f *testing.F) {
	data, err := os.ReadFile("testdata/dbl.dnset")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("*.a\n.b\n!c\n!.d\n:x:\ne :3:y\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b := NewMemBuilder()
		ReadDomainZone(b, strings.NewReader(string(data)), "fuzz", nil)
		src := b.Build()
		src.LookupDomain("www.phish.example")
		src.LookupDomain("a.b.c.d.e")
	})
}
