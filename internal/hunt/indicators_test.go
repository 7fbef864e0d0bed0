package hunt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	"vigie.dev/vigie/internal/ioc"
)

// The hunt reads indicators in the gateway's model: a host indicator from
// the store stays one host, a domain covers its subdomains, and values are
// normalised and refanged as package ioc does (issue 15: a host used to be
// widened to its domain on its way from `vigie ioc` to the hunt).
func TestIndicatorKindsAsTheStoreMeansThem(t *testing.T) {
	set := NewSet()
	for _, in := range []struct {
		kind  ioc.Kind
		value string
	}{
		{ioc.KindHost, "Login.Evil-Portal.example."},
		{ioc.KindDomain, "*.kit-phish.example"},
		{ioc.KindIP, "198.51.100.7/24"},
		{ioc.KindURL, "hxxps://Cdn.Files-Share[.]example:443/a/b?x=1#frag"},
	} {
		if err := set.AddIndicator(in.kind, in.value); err != nil {
			t.Fatalf("%s %s: %v", in.kind, in.value, err)
		}
	}
	for _, bad := range []struct {
		kind  ioc.Kind
		value string
	}{{ioc.KindEmail, "ceo@evil.example"}, {ioc.KindSHA256, strings.Repeat("ab", 32)}, {ioc.KindHost, "not a host"}} {
		if err := set.AddIndicator(bad.kind, bad.value); err == nil {
			t.Errorf("%s %q accepted", bad.kind, bad.value)
		}
	}
	tests := []struct {
		host     string
		wantKind ioc.Kind
		want     string // "" for no match
	}{
		{"login.evil-portal.example", ioc.KindHost, "login.evil-portal.example"},
		{"LOGIN.evil-portal.example.", ioc.KindHost, "login.evil-portal.example"},
		{"sso.login.evil-portal.example", "", ""}, // a host is not a domain
		{"evil-portal.example", "", ""},
		{"kit-phish.example", ioc.KindDomain, "kit-phish.example"},
		{"a.b.kit-phish.example", ioc.KindDomain, "kit-phish.example"},
	}
	for _, tt := range tests {
		ind, ok := set.MatchHost(tt.host)
		if ok != (tt.want != "") || ind.Kind != tt.wantKind || ind.Value != tt.want {
			t.Errorf("MatchHost(%s) = %+v %v, want %s %q", tt.host, ind, ok, tt.wantKind, tt.want)
		}
	}
	if ind, ok := set.MatchIP(netip.MustParseAddr("198.51.100.200")); !ok || ind.Kind != ioc.KindIP || ind.Value != "198.51.100.0/24" {
		t.Errorf("MatchIP: %+v %v", ind, ok)
	}
	if ind, ok := set.MatchURL("http://cdn.files-share.example/a/b?x=1"); !ok || ind.Kind != ioc.KindURL {
		t.Errorf("MatchURL: %+v %v", ind, ok)
	}

	// The sweep reads the same tables.
	logs := "GET https://sso.login.evil-portal.example/ HTTP/1.1\nCONNECT login.evil-portal.example:443 HTTP/1.1\n"
	hits, _, err := Sweep(context.Background(), bytes.NewReader([]byte(logs)), "proxy.log", set, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].Line != 2 || hits[0].Indicator.Kind != ioc.KindHost {
		t.Errorf("sweep hits %+v, want only line 2, the host itself", hits)
	}
}

// Add reads a list entry as the store's `vigie ioc add` would (ioc.Guess):
// a bare name is a domain.
func TestAddGuessesLikeTheStore(t *testing.T) {
	for _, v := range []string{"evil[.]example", "hxxp://evil.example/x", "192.0.2.1", "2001:db8::/32", "*.evil.example"} {
		k, want, err := ioc.Guess(v)
		if err != nil {
			t.Fatal(err)
		}
		set := NewSet()
		if err := set.Add(v); err != nil {
			t.Fatalf("Add(%q): %v", v, err)
		}
		if set.Len() != 1 {
			t.Errorf("Add(%q): %d entries", v, set.Len())
		}
		if k == ioc.KindDomain {
			if _, ok := set.MatchHost("www." + want); !ok {
				t.Errorf("Add(%q): %s does not cover its subdomains", v, want)
			}
		}
	}
	for _, bad := range []string{"nodot", "user@evil.example", "", "   "} {
		if err := NewSet().Add(bad); err == nil && strings.TrimSpace(bad) != "" {
			t.Errorf("Add(%q) accepted", bad)
		}
	}
}

// BenchmarkReadList loads the anchor's 100,000 indicators (VIGIE_SWEEP_IOC,
// e.g. /tmp/anchorbench/patterns-with-ips.txt after bench/sweep-bench.sh):
// part of what `vigie hunt --ioc` costs before the first line.
func BenchmarkReadList(b *testing.B) {
	path := os.Getenv("VIGIE_SWEEP_IOC")
	if path == "" {
		b.Skip("VIGIE_SWEEP_IOC not set")
	}
	list, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(list)))
	for b.Loop() {
		if bad, err := NewSet().ReadList(bytes.NewReader(list)); bad > 0 {
			b.Fatal(bad, err)
		}
	}
}

// TestMatchIPFilter: the bit filter in front of the address table never
// hides a listed address (IPv4, IPv6, IPv4-mapped), and unlisted
// ones still miss, with ten thousand addresses in the set.
func TestMatchIPFilter(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	set := NewSet()
	var listed []netip.Addr
	for i := 0; i < 10_000; i++ {
		var ip netip.Addr
		if i%4 == 0 {
			var b [16]byte
			for j := range b {
				b[j] = byte(r.UintN(256))
			}
			ip = netip.AddrFrom16(b)
		} else {
			ip = netip.AddrFrom4([4]byte{byte(r.UintN(256)), byte(r.UintN(256)), byte(r.UintN(256)), byte(r.UintN(256))})
		}
		if ip.Is4In6() || !ip.IsValid() {
			continue
		}
		if err := set.Add(ip.String()); err != nil {
			t.Fatal(err)
		}
		listed = append(listed, ip)
	}
	for _, ip := range listed {
		if _, ok := set.MatchIP(ip); !ok {
			t.Fatalf("%s listed, not found", ip)
		}
		if ip.Is4() {
			if _, ok := set.MatchIP(netip.AddrFrom16(ip.As16())); !ok {
				t.Fatalf("%s as IPv4-mapped, not found", ip)
			}
		}
	}
	in := map[netip.Addr]bool{}
	for _, ip := range listed {
		in[ip] = true
	}
	for i := 0; i < 100_000; i++ {
		ip := netip.AddrFrom4([4]byte{byte(r.UintN(256)), byte(r.UintN(256)), byte(r.UintN(256)), byte(r.UintN(256))})
		if _, ok := set.MatchIP(ip); ok != in[ip] {
			t.Fatalf("%s: matched %v, listed %v", ip, ok, in[ip])
		}
	}
	v6 := testSet(t, "fe80::1")
	for _, c := range []struct {
		ip   string
		want bool
	}{{"fe80::1", true}, {"fe80::2", false}, {"203.0.113.7", false}} {
		if _, ok := v6.MatchIP(netip.MustParseAddr(c.ip)); ok != c.want {
			t.Errorf("%s: %v, want %v", c.ip, ok, c.want)
		}
	}
	if _, ok := NewSet().MatchIP(netip.MustParseAddr("192.0.2.1")); ok {
		t.Error("empty set matched")
	}
}

// normURLReference is normURL before it returned its key in place.
func normURLReference(raw string) (key, host string, ok bool) {
	i := strings.Index(raw, "://")
	if i < 0 {
		return "", "", false
	}
	rest := raw[i+3:]
	j := strings.IndexAny(rest, "/?#")
	auth, path := rest, "/"
	if j >= 0 {
		auth, path = rest[:j], rest[j:]
		if path[0] != '/' {
			path = "/" + path
		}
	}
	if k := strings.LastIndexByte(auth, '@'); k >= 0 {
		auth = auth[k+1:]
	}
	host = strings.ToLower(auth)
	if strings.HasSuffix(host, ":80") || strings.HasSuffix(host, ":443") {
		host = host[:strings.LastIndexByte(host, ':')]
	}
	host = strings.TrimSuffix(host, ".")
	if h := strings.IndexByte(path, '#'); h >= 0 {
		path = path[:h]
	}
	if host == "" {
		return "", "", false
	}
	return host + path, host, true
}

// FuzzNormURL holds normURL, which returns the key without a copy when it
// can, to the code before it.
func FuzzNormURL(f *testing.F) {
	for _, s := range []string{"http://evil.example/a?b#c", "https://Evil.Example/", "http://u@evil.example:80/x",
		"http://evil.example.", "http://evil.example?q", "http://evil.example#f", "http://x.example:443/p#", "nothing", "http://", "http:///a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, h, ok := normURL(s)
		rk, rh, rok := normURLReference(s)
		if k != rk || h != rh || ok != rok {
			t.Fatalf("normURL(%q) = %q %q %v; the reference says %q %q %v", s, k, h, ok, rk, rh, rok)
		}
	})
}

// TestReadListBlocks: values cut from the 64 KiB blocks of ReadList are the
// set Add builds line by line, across block edges, with defanged values,
// comments, blank lines and bad lines counted as Add refuses them.
func TestReadListBlocks(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var list strings.Builder
	want := NewSet()
	wantBad := 0
	for i := 0; i < 20_000; i++ {
		var v string
		switch r.IntN(8) {
		case 0:
			v = fmt.Sprintf("192.0.%d.%d", r.IntN(256), r.IntN(256))
		case 1:
			v = fmt.Sprintf("198.18.%d.0/24", r.IntN(256))
		case 2:
			v = fmt.Sprintf("hxxps://Evil%d[.]example/p/%d?q=%d", r.IntN(500), i, r.IntN(9))
		case 3:
			v = fmt.Sprintf("http://u@evil%d.example:80/%s", r.IntN(500), strings.Repeat("a", r.IntN(300)))
		case 4:
			v = fmt.Sprintf("  sub%d.Phish%d.example.  ", i, r.IntN(300))
		case 5:
			v = "# comment " + strings.Repeat("x", r.IntN(100))
		case 6:
			v = "nodot" // refused
		default:
			v = fmt.Sprintf("phish%d[.]example", i)
		}
		list.WriteString(v + "\r\n")
		if v := strings.TrimSpace(v); v == "" || v[0] == '#' {
			continue
		}
		if want.Add(v) != nil {
			wantBad++
		}
	}
	got := NewSet()
	bad, _ := got.ReadList(strings.NewReader(list.String()))
	if bad != wantBad {
		t.Errorf("ReadList: %d bad lines, Add refused %d", bad, wantBad)
	}
	got.ensure() // the names wait for their first lookup
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ReadList's set differs from Add's (%d and %d indicators)", got.Len(), want.Len())
	}
	// A line longer than the scanner takes stops the list with its error,
	// after the lines before it, and says so even after refused lines.
	long := "a.example\nnodot\n" + strings.Repeat("b", 70<<10) + ".example\nc.example\n"
	s := NewSet()
	if bad, err := s.ReadList(strings.NewReader(long)); !errors.Is(err, ErrListStopped) || bad != 1 || s.Len() != 1 {
		t.Errorf("over-long line: %d refused, err %v, %d indicators, want 1, ErrListStopped and 1", bad, err, s.Len())
	}
}

// TestReadListNamesOnDemand: after ReadList the addresses are looked up
// at once while the names wait; the first name lookup, from several
// goroutines at once, builds their tables once and finds what Add would.
func TestReadListNamesOnDemand(t *testing.T) {
	list := "203.0.113.7\nevil[.]example\nhttps://Phish.example/login?x=1\nhost-only.example\n198.51.100.0/24\n"
	s := NewSet()
	if bad, err := s.ReadList(strings.NewReader(list)); bad != 0 {
		t.Fatal(bad, err)
	}
	if s.Empty() || !s.pending.Load() {
		t.Fatal("the names should be read, and waiting")
	}
	if _, ok := s.MatchIP(netip.MustParseAddr("198.51.100.9")); !ok || !s.pending.Load() {
		t.Fatalf("an address lookup: found %v, names still waiting %v; want true, true", ok, s.pending.Load())
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ind, ok := s.MatchHost("a.b.EVIL.example"); !ok || ind.Value != "evil.example" {
				t.Errorf("MatchHost: %v %v", ind, ok)
			}
			if _, ok := s.MatchURL("http://phish.example/login?x=1"); !ok {
				t.Error("MatchURL missed")
			}
		}()
	}
	wg.Wait()
	if s.pending.Load() || s.Len() != 5 {
		t.Errorf("after the lookups: waiting %v, %d indicators; want false, 5", s.pending.Load(), s.Len())
	}
	// Added later, on top of a list read before.
	if err := s.Add("late.example"); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.MatchHost("x.late.example"); !ok {
		t.Error("an indicator added after the list is missed")
	}
	// A sweep builds the tables before its workers read them.
	s2 := NewSet()
	s2.ReadList(strings.NewReader("evil.example\n"))
	hits, _, err := Sweep(context.Background(), strings.NewReader("GET http://www.evil.example/ x\n"), "t", s2, 2)
	if err != nil || len(hits) != 1 {
		t.Errorf("sweep over a list read: %d hits, %v; want 1", len(hits), err)
	}
}

// FuzzReadList holds ReadList, which keeps the names in the blocks they
// were classified in, to Add line by line: the same lines refused, the
// same set, the same answers for each line's value.
func FuzzReadList(f *testing.F) {
	f.Add("203.0.113.7\nevil[.]example\nhttps://Phish.example/login?x=1\nnodot\n198.51.100.0/24\n# c\n\nhxxp://a.example/b\n")
	f.Add("a.example\nb.example\n1.2.3.4\n")
	f.Fuzz(func(t *testing.T, list string) {
		got, want := NewSet(), NewSet()
		bad, _ := got.ReadList(strings.NewReader(list))
		wantBad := 0
		var values []string
		for line := range strings.Lines(list) {
			if len(line) > 60<<10 {
				return // the scanner's limit: TestReadListBlocks
			}
			v := strings.TrimSpace(line)
			if v == "" || v[0] == '#' {
				continue
			}
			values = append(values, v)
			if want.Add(v) != nil {
				wantBad++
			}
		}
		if bad != wantBad || got.Len() != want.Len() {
			t.Fatalf("ReadList: %d refused, %d indicators; Add: %d, %d", bad, got.Len(), wantBad, want.Len())
		}
		for _, v := range values {
			g1, ok1 := got.MatchHost(v)
			w1, wok1 := want.MatchHost(v)
			g2, ok2 := got.MatchURL(v)
			w2, wok2 := want.MatchURL(v)
			if g1 != w1 || ok1 != wok1 || g2 != w2 || ok2 != wok2 {
				t.Fatalf("%q: ReadList's set answers %v %v, %v %v; Add's %v %v, %v %v", v, g1, ok1, g2, ok2, w1, wok1, w2, wok2)
			}
			if ip, err := netip.ParseAddr(v); err == nil {
				g, ok := got.MatchIP(ip)
				w, wok := want.MatchIP(ip)
				if g != w || ok != wok {
					t.Fatalf("%q: MatchIP %v %v, want %v %v", v, g, ok, w, wok)
				}
			}
		}
	})
}
