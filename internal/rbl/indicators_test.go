package rbl

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/miekg/dns"

	"vigie.dev/vigie/internal/ioc"
)

// An indicator added to the matcher is listed at the next query, over real
// UDP, without a reload.
func TestIndicatorsLive(t *testing.T) {
	m := ioc.NewMatcher(ioc.MatcherOptions{})
	srv := &Server{}
	if err := srv.SetSource(Indicators{M: m}); err != nil {
		t.Fatal(err)
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go srv.Serve(ctx, pc, nil)
	ask := func(name string) (string, int) {
		t.Helper()
		c := &dns.Client{Timeout: 2 * time.Second}
		q := new(dns.Msg)
		q.SetQuestion(name, dns.TypeA)
		r, _, err := c.Exchange(q, pc.LocalAddr().String())
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Answer) == 0 {
			return "", r.Rcode
		}
		return r.Answer[0].(*dns.A).A.String(), r.Rcode
	}
	ipName := "45.113.0.203." + DefaultZones.IP + "."
	domName := "evil-factures.example." + DefaultZones.Domain + "."
	if a, rc := ask(ipName); a != "" || rc != dns.RcodeNameError {
		t.Fatalf("empty store answered %s/%d", a, rc)
	}
	m.Replace([]ioc.Indicator{
		{ID: 1, Kind: ioc.KindIP, Value: "203.0.113.0/24", Mode: ioc.Block, Reason: "campagne Chorus Pro"},
		{ID: 2, Kind: ioc.KindDomain, Value: "evil-factures.example", Mode: ioc.Watch},
	})
	if a, _ := ask(ipName); a != "127.0.0.2" {
		t.Errorf("blocked IP answered %q", a)
	}
	if a, _ := ask(domName); a != "127.0.0.3" {
		t.Errorf("watched domain answered %q", a)
	}
}
