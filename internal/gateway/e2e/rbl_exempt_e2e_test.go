package e2e

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/ioc"
)

// The DNSBL of `vigie serve` never drops nor truncates an answer to the
// MTA (loopback here, and any serve.rbl.exempt or trust.networks client),
// however fast it asks: Postfix reads no answer as "not listed", and a
// block would be bypassed under load (issue 14: 1,000 queries from
// 127.0.0.1 got 202 answers). It also answers each entry with its code:
// 2 for a block, 4 for a feed's block (the docs' rspamd rules select on
// it), 3 for watch, nothing for a feed entry the allow list covers.
func TestRBLAnswersTheMTAUnderLoad(t *testing.T) {
	d := startVigie(t, func(c *config.Config) {
		c.Serve.RBL.RateLimit = 50 // any other client: 50 answers/s
	}, nil)
	ctx := context.Background()
	svc := ioc.NewService(d.DB.Indicators(), ioc.ServiceOptions{})
	if _, err := svc.Add(ctx, ioc.NewIndicator{Value: "127.0.0.9", Reason: "test", AddedBy: "e2e", Force: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Add(ctx, ioc.NewIndicator{Value: "partner-labo.example", Mode: ioc.Allow, AddedBy: "e2e"}); err != nil {
		t.Fatal(err)
	}
	feed := "phish-feed.example\nwww.partner-labo.example\n"
	if res, err := svc.Import(ctx, strings.NewReader(feed), ioc.ImportOptions{Format: ioc.FormatPlain, Name: "openphish.txt"}); err != nil || res.Imported != 1 || res.Refused != 1 {
		t.Fatalf("feed import: %+v %v", res, err)
	}
	if _, err := svc.Import(ctx, strings.NewReader("watch-only.example\n"), ioc.ImportOptions{Format: ioc.FormatPlain, Name: "watch.txt", Mode: ioc.Watch}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the matcher to load the feed", 60*time.Second, func() bool {
		_, ok := d.Matcher.LookupDomain("watch-only.example")
		return ok
	})
	zones := config.DefaultServe().RBL
	for _, c := range []struct {
		name string
		want string // A record, "" for NXDOMAIN
	}{
		{"9.0.0.127." + zones.IPZone, "127.0.0.2"},
		{"phish-feed.example." + zones.DomainZone, "127.0.0.4"},
		{"watch-only.example." + zones.DomainZone, "127.0.0.3"},
		{"www.partner-labo.example." + zones.DomainZone, ""},
	} {
		for _, netw := range []string{"udp", "tcp"} {
			m := new(dns.Msg)
			m.SetQuestion(dns.Fqdn(c.name), dns.TypeA)
			r, _, err := (&dns.Client{Net: netw, Timeout: 5 * time.Second}).Exchange(m, d.RBLAddr)
			if err != nil {
				t.Fatalf("%s over %s: %v", c.name, netw, err)
			}
			got := ""
			if len(r.Answer) == 1 {
				got = r.Answer[0].(*dns.A).A.String()
			}
			if got != c.want || c.want == "" && r.Rcode != dns.RcodeNameError {
				t.Errorf("%s over %s: %q (rcode %d), want %q", c.name, netw, got, r.Rcode, c.want)
			}
		}
	}

	// 1,000 queries from 127.0.0.1 in a burst, 20 at a time: every one
	// answered in full.
	var answered, truncated, lost atomic.Int64
	q := make(chan struct{})
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			c := &dns.Client{Net: "udp", Timeout: 3 * time.Second}
			for range q {
				m := new(dns.Msg)
				m.SetQuestion("9.0.0.127."+zones.IPZone+".", dns.TypeA)
				r, _, err := c.Exchange(m, d.RBLAddr)
				switch {
				case err != nil:
					lost.Add(1)
				case r.Truncated:
					truncated.Add(1)
				case len(r.Answer) == 1:
					answered.Add(1)
				default:
					lost.Add(1)
				}
			}
		})
	}
	start := time.Now()
	for range 1000 {
		q <- struct{}{}
	}
	close(q)
	wg.Wait()
	if answered.Load() != 1000 {
		t.Errorf("1,000 queries from the MTA: %d answered, %d truncated, %d lost (in %v)",
			answered.Load(), truncated.Load(), lost.Load(), time.Since(start))
	}
}
