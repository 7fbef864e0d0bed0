package warninglist

import (
	"encoding/json"
	"net/netip"
	"os"
	"testing"
	"testing/fstest"
)

func TestDefaultLoadsEveryList(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(s.Lists()); n < 40 {
		t.Fatalf("loaded %d lists, want the 42 embedded", n)
	}
	for _, l := range s.Lists() {
		if _, ok := roles[l.Name]; !ok {
			t.Errorf("list %s has no role: classify it in roles", l.Name)
		}
	}
}

func TestHost(t *testing.T) {
	s := MustDefault()
	cases := []struct {
		host      string
		list      string
		exact     bool
		role      Role
		wantFound bool
	}{
		{"gmail.com", "tranco10k", true, Protected, true},
		{"GOOGLE.COM.", "tranco10k", true, Protected, true},
		{"com", "tlds", true, Protected, true},
		{"co.uk", "second-level-tlds", true, Protected, true},
		{"bit.ly", "url-shortener", true, Shared, true},
		{"evil.duckdns.org", "dynamic-dns", false, Shared, true},
		{"login.microsoftonline.com", "microsoft", false, Protected, true},
		{"chorus-pro-facture.example", "", false, Informative, false},
	}
	for _, c := range cases {
		hits := s.Host(c.host)
		if !c.wantFound {
			if r, ok := Strongest(hits); ok && r != Informative {
				t.Errorf("Host(%q) = %v, want no protected/shared hit", c.host, hits)
			}
			continue
		}
		found := false
		for _, h := range hits {
			if h.List.Name == c.list && h.Exact == c.exact && h.List.Role == c.role {
				found = true
			}
		}
		if !found {
			t.Errorf("Host(%q): no %s hit with exact=%v role=%v in %+v", c.host, c.list, c.exact, c.role, hits)
		}
		if !s.HostOn(c.host, c.role) {
			t.Errorf("HostOn(%q, %v) = false", c.host, c.role)
		}
	}
	if s.HostListed("evil.duckdns.org", Shared) {
		t.Error("HostListed(evil.duckdns.org): a subdomain of a dynamic-DNS service is not itself listed")
	}
	if !s.HostListed("duckdns.org", Shared) {
		t.Error("HostListed(duckdns.org) = false")
	}
}

func TestAddrAndPrefix(t *testing.T) {
	s := MustDefault()
	for _, c := range []struct {
		addr string
		list string
	}{
		{"8.8.8.8", "public-dns-v4"},
		{"10.1.2.3", "rfc1918"},
		{"192.168.0.1", "rfc1918"},
		{"::ffff:10.0.0.1", "rfc1918"},
		{"fe80::1", "ipv6-linklocal"},
	} {
		found := false
		for _, h := range s.Addr(netip.MustParseAddr(c.addr)) {
			found = found || h.List.Name == c.list
		}
		if !found {
			t.Errorf("Addr(%s): %s not hit", c.addr, c.list)
		}
	}
	if hits := s.Addr(netip.MustParseAddr("198.51.100.7")); hasRole(hits, Protected) && !hasList(hits, "rfc5735") {
		t.Errorf("198.51.100.7 (TEST-NET-2) hits %v", hits)
	}
	all := s.Prefix(netip.MustParsePrefix("0.0.0.0/0"))
	if r, _ := Strongest(all); r != Protected {
		t.Fatal("0.0.0.0/0 must cover protected ranges")
	}
	exact := false
	for _, h := range s.Prefix(netip.MustParsePrefix("8.8.0.0/16")) {
		exact = exact || h.List.Name == "public-dns-v4" && h.Exact
	}
	if !exact {
		t.Error("8.8.0.0/16 contains listed resolvers: want an exact public-dns-v4 hit")
	}
}

func TestEmailAndHash(t *testing.T) {
	s := MustDefault()
	if !hasList(s.Email("abuse@example.org"), "common-contact-emails") {
		t.Error("abuse@ is a common contact address")
	}
	if !hasList(s.Hash("D41D8CD98F00B204E9800998ECF8427E"), "empty-hashes") {
		t.Error("MD5 of the empty file not found")
	}
}

func TestLoadDirectory(t *testing.T) {
	fsys := fstest.MapFS{
		"mine/list.json": {Data: []byte(`{"name":"x","type":"hostname","matching_attributes":["domain"],"list":["intranet.example"]}`)},
		"broken/README":  {Data: []byte("not a list")},
	}
	s, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if !hasList(s.Host("a.intranet.example"), "mine") {
		t.Error("custom list not matched")
	}
	if _, err := Load(fstest.MapFS{"bad/list.json": {Data: []byte("{")}}); err == nil {
		t.Error("corrupt list accepted")
	}
	if _, err := Load(os.DirFS(t.TempDir())); err == nil {
		t.Error("empty directory accepted")
	}
}

func hasList(hits []Hit, name string) bool {
	for _, h := range hits {
		if h.List.Name == name {
			return true
		}
	}
	return false
}

func hasRole(hits []Hit, r Role) bool {
	for _, h := range hits {
		if h.List.Role == r {
			return true
		}
	}
	return false
}

func BenchmarkHostOn(b *testing.B) {
	s := MustDefault()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s.HostOn("x7k2q.login-verify.example.co.uk", Shared)
	}
}

func FuzzHost(f *testing.F) {
	s := MustDefault()
	for _, seed := range []string{"gmail.com", "", ".", "..", "a..b", "xn--80ak6aa92e.com", "\x00.com"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, h string) {
		s.Host(h)
		s.HostOn(h, Shared)
		s.Email(h)
		if a, err := netip.ParseAddr(h); err == nil {
			s.Addr(a)
		}
		if p, err := netip.ParsePrefix(h); err == nil {
			s.Prefix(p)
		}
	})
}

// Vigie's own list says, for every entry, which provider shares the host.
func TestESPAssetsProvenance(t *testing.T) {
	b, err := embedded.ReadFile("data/vigie-esp-assets/list.json")
	if err != nil {
		t.Fatal(err)
	}
	var l struct {
		List       []string          `json:"list"`
		Provenance map[string]string `json:"provenance"`
	}
	if err := json.Unmarshal(b, &l); err != nil {
		t.Fatal(err)
	}
	for _, e := range l.List {
		if l.Provenance[e] == "" {
			t.Errorf("%s has no provenance", e)
		}
	}
	s := MustDefault()
	for _, h := range []string{"media.sailthru.com", "app-rsrc.getbee.io"} {
		if !s.HostOn(h, Shared) || s.HostOn(h, Protected) && h == "app-rsrc.getbee.io" {
			t.Errorf("%s: not shared infrastructure", h)
		}
	}
}

func TestNamesCollisions(t *testing.T) {
	var n names
	if n.get("absent") != 0 {
		t.Fatal("empty index found a name")
	}
	n.put("gmail.com", 1)
	n.put("example.org", 2)
	n.put("gmail.com", 3) // update
	// Two names under one hash, as a 64-bit collision would put them.
	n.putHashed(42, "a.example", 4)
	n.putHashed(42, "b.example", 5)
	n.putHashed(42, "a.example", 6)
	for name, want := range map[string]setID{"gmail.com": 3, "example.org": 2, "gmail.co": 0, "": 0} {
		if got := n.get(name); got != want {
			t.Errorf("get(%q) = %d, want %d", name, got, want)
		}
	}
	for name, want := range map[string]setID{"a.example": 6, "b.example": 5, "c.example": 0} {
		if got := n.getHashed(42, name); got != want {
			t.Errorf("getHashed(42, %q) = %d, want %d", name, got, want)
		}
	}
}

// TestESPClickTracker: the platforms' click trackers are told from their
// asset hosts, where customers keep their own files and pages.
func TestESPClickTracker(t *testing.T) {
	s := MustDefault()
	for h, want := range map[string]bool{
		"u4815162.ct.sendgrid.net":          true,
		"myco.us21.list-manage.com":         true,
		"abcd.r.eu-west-1.awstrack.me":      true,
		"link.news.sailthru.com":            true,
		"mcusercontent.com":                 false, // Mailchimp's customers' files
		"files.constantcontact.ctctcdn.com": false,
		"rsrc.getbee.io":                    false,
		"example.com":                       false,
	} {
		if got := s.ESPClickTracker(h); got != want {
			t.Errorf("ESPClickTracker(%s) = %v, want %v", h, got, want)
		}
	}
}
