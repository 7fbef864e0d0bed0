package ioc

import (
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clock is an injectable time source for expiry tests.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock { c := &clock{}; c.ns.Store(t.UnixNano()); return c }
func (c *clock) Now() time.Time   { return time.Unix(0, c.ns.Load()) }
func (c *clock) Add(d time.Duration) {
	c.ns.Add(int64(d))
}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func ind(id int64, k Kind, v string, m Mode) Indicator {
	nv, err := Parse(k, v)
	if err != nil {
		panic(err)
	}
	return Indicator{ID: id, Kind: k, Value: nv, Mode: m, Source: SourceManual, Reason: "r", CreatedAt: t0}
}

func hitIDs(hits []Hit) []int64 {
	var ids []int64
	for _, h := range hits {
		ids = append(ids, h.Indicator.ID)
	}
	return ids
}

func sameIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	set := map[int64]int{}
	for _, x := range a {
		set[x]++
	}
	for _, x := range b {
		set[x]--
	}
	for _, n := range set {
		if n != 0 {
			return false
		}
	}
	return true
}

func testIndicators() []Indicator {
	return []Indicator{
		ind(1, KindIP, "192.0.2.7", Block),
		ind(2, KindIP, "198.51.100.0/24", Watch),
		ind(3, KindIP, "198.51.0.0/16", Block),
		ind(4, KindIP, "2001:db8:bad::/48", Block),
		ind(5, KindIP, "2001:db8:bad:1::5", Watch),
		ind(6, KindDomain, "evil.example", Block),
		ind(7, KindHost, "mail.phish.example", Block),
		ind(8, KindURL, "https://drop.example/inv.html", Block),
		ind(9, KindEmail, "ceo@fraud.example", Watch),
		ind(10, KindSHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Block),
		ind(11, KindFuzzy, "96:abc:def", Watch),
		ind(12, KindIP, "0.0.0.0/0", Watch), // everything, to prove /0 works
	}
}

func TestMatchSemantics(t *testing.T) {
	m := NewMatcher(MatcherOptions{Now: newClock(t0).Now})
	list := testIndicators()
	m.Replace(list[:11])
	tests := []struct {
		name string
		o    Observables
		want []int64
	}{
		{"exact IPv4", Observables{IPs: []netip.Addr{netip.MustParseAddr("192.0.2.7")}}, []int64{1}},
		{"IPv4 miss", Observables{IPs: []netip.Addr{netip.MustParseAddr("192.0.2.8")}}, nil},
		{"nested CIDRs both match", Observables{IPs: []netip.Addr{netip.MustParseAddr("198.51.100.9")}}, []int64{2, 3}},
		{"outer CIDR only", Observables{IPs: []netip.Addr{netip.MustParseAddr("198.51.7.1")}}, []int64{3}},
		{"IPv4-mapped IPv6", Observables{IPs: []netip.Addr{netip.MustParseAddr("::ffff:192.0.2.7")}}, []int64{1}},
		{"IPv6 in /48", Observables{IPs: []netip.Addr{netip.MustParseAddr("2001:db8:bad:ffff::1")}}, []int64{4}},
		{"IPv6 exact and /48", Observables{IPs: []netip.Addr{netip.MustParseAddr("2001:db8:bad:1::5")}}, []int64{4, 5}},
		{"IPv6 miss", Observables{IPs: []netip.Addr{netip.MustParseAddr("2001:db8:bae::1")}}, nil},
		{"domain itself", Observables{Hosts: []string{"evil.example"}}, []int64{6}},
		{"subdomain", Observables{Hosts: []string{"a.b.EVIL.example."}}, []int64{6}},
		{"not a label boundary", Observables{Hosts: []string{"notevil.example"}}, nil},
		{"host exact", Observables{Hosts: []string{"mail.phish.example"}}, []int64{7}},
		{"host does not cover subdomains", Observables{Hosts: []string{"x.mail.phish.example"}}, nil},
		{"host does not cover parent", Observables{Hosts: []string{"phish.example"}}, nil},
		{"URL normalised", Observables{URLs: []string{"HTTPS://Drop.Example:443/inv.html#top"}}, []int64{8}},
		{"URL differs", Observables{URLs: []string{"https://drop.example/inv.html/"}}, nil},
		{"email any case", Observables{Emails: []string{"CEO@Fraud.Example"}}, []int64{9}},
		{"sha256 upper-case", Observables{SHA256: []string{"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"}}, []int64{10}},
		{"fuzzy exact", Observables{Fuzzy: []string{"96:abc:def"}}, []int64{11}},
		{"one hit per indicator", Observables{Hosts: []string{"a.evil.example", "b.evil.example"}}, []int64{6}},
		{"garbage ignored", Observables{Hosts: []string{"", "a b", "é.example"}, URLs: []string{"::"}, SHA256: []string{"zz"}}, nil},
	}
	for _, tt := range tests {
		got := m.Match(&tt.o)
		if !sameIDs(hitIDs(got), tt.want) {
			t.Errorf("%s: hits %v, want %v", tt.name, hitIDs(got), tt.want)
		}
	}
	hits := m.Match(&Observables{Hosts: []string{"A.Evil.Example"}})
	if len(hits) != 1 || hits[0].Observed != "A.Evil.Example" || hits[0].Indicator.Mode != Block ||
		hits[0].Indicator.Value != "evil.example" || hits[0].Indicator.Reason != "r" {
		t.Errorf("hit = %+v", hits)
	}
	m.Replace(list) // with 0.0.0.0/0
	if got := hitIDs(m.Match(&Observables{IPs: []netip.Addr{netip.MustParseAddr("203.0.113.1")}})); !sameIDs(got, []int64{12}) {
		t.Errorf("/0: %v", got)
	}
}

func TestLookups(t *testing.T) {
	m := NewMatcher(MatcherOptions{Now: newClock(t0).Now})
	m.Replace(testIndicators()[:11])
	if in, ok := m.LookupIP(netip.MustParseAddr("198.51.100.1")); !ok || in.ID != 3 {
		t.Errorf("LookupIP prefers block over a more specific watch: %v %v", in.ID, ok)
	}
	if in, ok := m.LookupIP(netip.MustParseAddr("2001:db8:bad:1::5")); !ok || in.ID != 4 {
		t.Errorf("LookupIP v6 = %v %v", in.ID, ok)
	}
	if _, ok := m.LookupIP(netip.MustParseAddr("203.0.113.1")); ok {
		t.Error("LookupIP matched an unlisted address")
	}
	if in, ok := m.LookupDomain("x.Evil.example."); !ok || in.ID != 6 {
		t.Errorf("LookupDomain = %v %v", in.ID, ok)
	}
	if in, ok := m.LookupDomain("mail.phish.example"); !ok || in.ID != 7 {
		t.Errorf("LookupDomain(host) = %v %v", in.ID, ok)
	}
	if _, ok := m.LookupDomain("example"); ok {
		t.Error("LookupDomain matched a parent of a listed domain")
	}
	h := URLHash("https://drop.example/inv.html")
	if in, ok := m.LookupURLHash(h); !ok || in.ID != 8 {
		t.Errorf("LookupURLHash(%s) = %v %v", h, in.ID, ok)
	}
	a := netip.MustParseAddr("198.51.100.1")
	if n := testing.AllocsPerRun(100, func() {
		m.LookupIP(a)
		m.LookupDomain("deep.sub.evil.example")
		m.LookupURLHash(h)
	}); n != 0 {
		t.Errorf("lookups allocate %v times", n)
	}
	o := typicalMessage(0)
	if n := testing.AllocsPerRun(100, func() { m.Match(&o) }); n != 0 {
		t.Errorf("Match without hits allocates %v times", n)
	}
}

func TestExpiryOnTime(t *testing.T) {
	c := newClock(t0)
	m := NewMatcher(MatcherOptions{Now: c.Now})
	in := ind(1, KindDomain, "evil.example", Block)
	in.ExpiresAt = t0.Add(time.Hour)
	m.Replace([]Indicator{in})
	o := &Observables{Hosts: []string{"www.evil.example"}}
	if len(m.Match(o)) != 1 {
		t.Fatal("no hit before expiry")
	}
	c.Add(time.Hour - time.Millisecond)
	if len(m.Match(o)) != 1 {
		t.Fatal("no hit just before expiry")
	}
	c.Add(time.Millisecond)
	if hits := m.Match(o); len(hits) != 0 {
		t.Fatalf("hit at expiry, with no reload: %v", hits)
	}
	if _, ok := m.LookupDomain("evil.example"); ok {
		t.Error("LookupDomain returns an expired indicator")
	}
	// Extending the expiry revives it.
	in.ExpiresAt = t0.Add(2 * time.Hour)
	m.Apply([]Indicator{in})
	if len(m.Match(o)) != 1 {
		t.Error("extended indicator does not match")
	}
}

func TestApplyOverlay(t *testing.T) {
	m := NewMatcher(MatcherOptions{Now: newClock(t0).Now})
	m.Replace(testIndicators())
	ip := netip.MustParseAddr("192.0.2.7")
	// Mode change of a base entry.
	changed := ind(1, KindIP, "192.0.2.7", Watch)
	m.Apply([]Indicator{changed})
	if in, ok := m.LookupIP(ip); !ok || in.Mode != Watch && in.ID == 1 {
		t.Errorf("after SetMode: %+v %v", in, ok)
	}
	// Removal of a base entry, then of an overlay entry.
	changed.RemovedAt = t0
	added := ind(100, KindHost, "new.example", Block)
	m.Apply([]Indicator{changed, added})
	for _, h := range m.Match(&Observables{IPs: []netip.Addr{ip}}) {
		if h.Indicator.ID == 1 {
			t.Error("removed base indicator still matches")
		}
	}
	if len(m.Match(&Observables{Hosts: []string{"new.example"}})) != 1 {
		t.Error("added indicator does not match")
	}
	added.RemovedAt = t0
	m.Apply([]Indicator{added})
	if len(m.Match(&Observables{Hosts: []string{"new.example"}})) != 0 {
		t.Error("removed overlay indicator still matches")
	}
	// Re-adding the same value under a new id (after removal).
	m.Apply([]Indicator{ind(101, KindIP, "192.0.2.7", Block)})
	if in, ok := m.LookupIP(ip); !ok || in.ID != 101 {
		t.Errorf("re-added: %+v %v", in.ID, ok)
	}
	// Enough changes compact the overlay into the base; matches unchanged.
	var many []Indicator
	for i := range 5000 {
		many = append(many, ind(int64(1000+i), KindHost, fmt.Sprintf("h%d.example", i), Block))
	}
	m.Apply(many)
	s := m.snap.Load()
	if len(s.over.entries) != 0 || len(s.dead) != 0 {
		t.Errorf("no compaction: overlay %d dead %d", len(s.over.entries), len(s.dead))
	}
	if in, ok := m.LookupIP(ip); !ok || in.ID != 101 {
		t.Errorf("after compaction: %+v %v", in.ID, ok)
	}
	if _, ok := m.LookupDomain("h4999.example"); !ok {
		t.Error("after compaction: added host missing")
	}
	if len(m.Match(&Observables{Hosts: []string{"new.example"}})) != 0 {
		t.Error("after compaction: removed host back")
	}
}

// TestConcurrentMatch runs lookups while writers add and remove; run it
// with -race. Lookups must always see a consistent snapshot: the fixed
// indicator matches in every one of them.
func TestConcurrentMatch(t *testing.T) {
	m := NewMatcher(MatcherOptions{})
	m.Replace([]Indicator{ind(1, KindDomain, "always.example", Block)})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := int64(0); ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			in := ind(1000+i%50, KindHost, fmt.Sprintf("h%d.example", i%50), Block)
			if i%3 == 0 {
				in.RemovedAt = t0
			}
			m.Apply([]Indicator{in, ind(2000+i%7, KindIP, fmt.Sprintf("10.0.%d.0/24", i%7), Watch)})
		}
	}()
	errs := make(chan string, 4)
	var readers sync.WaitGroup
	for range 4 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for i := range 3000 {
				o := Observables{Hosts: []string{"x.always.example", fmt.Sprintf("h%d.example", i%50)},
					IPs: []netip.Addr{netip.AddrFrom4([4]byte{10, 0, byte(i % 7), 1})}}
				ok := false
				for _, h := range m.Match(&o) {
					ok = ok || h.Indicator.ID == 1
				}
				if !ok {
					errs <- "fixed indicator missing from a snapshot"
					return
				}
				m.LookupDomain("h1.example")
				m.LookupIP(o.IPs[0])
			}
		}()
	}
	readers.Wait()
	close(stop)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}
