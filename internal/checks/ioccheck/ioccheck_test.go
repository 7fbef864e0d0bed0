package ioccheck

import (
	"context"
	"testing"
	"time"

	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/scan"
)

const phish = "Return-Path: <www-data@srv4821.hosting.example>\r\nFrom: \"Chorus Pro\" <notification@abatos.example>\r\nSubject: Facture\r\nContent-Type: text/html\r\n\r\n" +
	`<p>Votre facture</p><a href="https://chorus-pro-factures.weebly.example/consulter?id=1">voir</a>`

func TestBlockAndWatch(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	m := ioc.NewMatcher(ioc.MatcherOptions{Now: func() time.Time { return now }})
	c := &Check{M: m}
	s := &scan.Scanner{Checks: c.Checks(), Policy: scan.DefaultPolicy(), Catalogue: scan.MustCatalogue(c)}
	scanIt := func(env scan.Envelope) *scan.Verdict {
		return s.Scan(context.Background(), []byte(phish), env)
	}
	if v := scanIt(scan.Envelope{}); v.Has("IOC_BLOCK") || v.Has("IOC_WATCH") {
		t.Fatalf("empty store matched: %+v", v.Signals)
	}
	cases := []struct {
		ind  ioc.Indicator
		env  scan.Envelope
		want string
	}{
		{ioc.Indicator{ID: 1, Kind: ioc.KindDomain, Value: "weebly.example", Mode: ioc.Block}, scan.Envelope{}, "IOC_BLOCK"},
		{ioc.Indicator{ID: 2, Kind: ioc.KindEmail, Value: "notification@abatos.example", Mode: ioc.Block}, scan.Envelope{}, "IOC_BLOCK"},
		{ioc.Indicator{ID: 3, Kind: ioc.KindDomain, Value: "hosting.example", Mode: ioc.Watch}, scan.Envelope{MailFrom: "www-data@srv4821.hosting.example"}, "IOC_WATCH"},
	}
	for _, c := range cases {
		m.Replace([]ioc.Indicator{c.ind})
		v := scanIt(c.env)
		if !v.Has(c.want) {
			t.Errorf("%s %s: signals %+v", c.ind.Kind, c.ind.Value, v.Signals)
		}
		if c.want == "IOC_BLOCK" && v.Action.Rank() < scan.Quarantine.Rank() {
			t.Errorf("block hit gave %s", v.Action)
		}
		if c.want == "IOC_WATCH" && v.Score != 0 {
			t.Errorf("watch hit weighs %.1f", v.Score)
		}
	}
	// An expired indicator stops matching on time.
	m.Replace([]ioc.Indicator{{ID: 4, Kind: ioc.KindDomain, Value: "weebly.example", Mode: ioc.Block, ExpiresAt: now.Add(-time.Minute)}})
	if v := scanIt(scan.Envelope{}); v.Has("IOC_BLOCK") {
		t.Errorf("expired indicator matched")
	}
}
