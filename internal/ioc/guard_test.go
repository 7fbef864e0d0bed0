package ioc

import (
	"net/netip"
	"testing"

	"vigie.dev/vigie/internal/checks/links"
)

// The catastrophic blocks of issue 14, each refused with its rule.
func TestGuardRefuses(t *testing.T) {
	g := NewGuard(nil, Assets{
		Domains: []string{"chu-exemple.fr"},
		Hosts:   []string{"www.hopital-exemple.fr"},
		Nets:    []netip.Prefix{netip.MustParsePrefix("198.18.7.0/24"), netip.MustParsePrefix("2001:db8:5::1/128")},
	})
	for _, c := range []struct {
		kind  Kind
		value string
		rule  Rule
		list  string
	}{
		{KindIP, "0.0.0.0/0", RuleTooWide, ""},
		{KindIP, "::/0", RuleTooWide, ""},
		{KindIP, "10.0.0.0/15", RuleTooWide, ""},
		{KindIP, "2001:db8::/31", RuleTooWide, ""},
		{KindIP, "8.8.8.8", RuleWarningList, "public-dns-v4"},
		{KindIP, "10.1.2.3", RuleWarningList, "rfc1918"},
		{KindIP, "198.18.7.25", RuleOwnAsset, ""},
		{KindIP, "198.18.0.0/16", RuleOwnAsset, ""},
		{KindIP, "2001:db8:5::1", RuleOwnAsset, ""},
		{KindDomain, "com", RulePublicSuffix, ""},
		{KindDomain, "gouv.fr", RulePublicSuffix, ""},
		{KindDomain, "github.io", RulePublicSuffix, ""},
		{KindDomain, "gmail.com", RuleWarningList, ""},
		{KindDomain, "google.com", RuleWarningList, ""},
		{KindHost, "docs.google.com", RuleWarningList, ""},
		{KindDomain, "chu-exemple.fr", RuleOwnAsset, ""},
		{KindHost, "mail.chu-exemple.fr", RuleOwnAsset, ""},
		{KindDomain, "hopital-exemple.fr", RuleOwnAsset, ""}, // covers the own homepage host
		{KindURL, "https://www.hopital-exemple.fr/", RuleOwnAsset, ""},
		{KindURL, "https://www.google.com/", RuleWarningList, ""},
		{KindEmail, "dr.martin@chu-exemple.fr", RuleOwnAsset, ""},
		{KindSHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", RuleWarningList, ""},
		{KindDomain, "bit.ly", RuleWarningList, ""},
		{KindIP, "1.178.16.0/20", RuleShared, "amazon-aws"},
		{KindHost, "media.sailthru.com", RuleShared, "vigie-esp-assets"},
		{KindHost, "app-rsrc.getbee.io", RuleShared, "vigie-esp-assets"},
	} {
		v, err := Parse(c.kind, c.value)
		if err != nil {
			t.Fatalf("%s %s: %v", c.kind, c.value, err)
		}
		f := g.Check(c.kind, v)
		if f == nil {
			t.Errorf("%s %s accepted, want %s", c.kind, c.value, c.rule)
			continue
		}
		if f.Rule != c.rule || c.list != "" && f.List != c.list {
			t.Errorf("%s %s: %s %s, want %s %s", c.kind, c.value, f.Rule, f.List, c.rule, c.list)
		}
		if f.Message("fr") == f.Message("en") {
			t.Errorf("%s: one message for both languages: %s", c.value, f.Message("fr"))
		}
	}
}

// What is specific to an attacker passes (a user's site on a publishing
// platform too, with the links family's catalogue the gateway gives it).
func TestGuardAccepts(t *testing.T) {
	g := NewGuard(nil, Assets{Domains: []string{"chu-exemple.fr"}})
	g.UserSite = links.UserSite
	for _, c := range []struct {
		kind  Kind
		value string
	}{
		{KindIP, "198.51.100.7"},
		{KindIP, "203.0.113.0/24"},
		{KindIP, "45.9.148.0/24"},
		{KindIP, "1.178.16.9"}, // one address in a cloud range may be an attacker's
		{KindIP, "2001:db8:bad::/48"},
		{KindDomain, "login-micros0ft.example"},
		{KindDomain, "chu-exemple-fr.com"},
		{KindHost, "evil-site.blogspot.com"},
		{KindHost, "chorus-pro-factures.weebly.com"},
		{KindURL, "https://app-rsrc.getbee.io/public/resources/social-networks-icon-sets/facebook@2x.png"}, // shared: watch when extracted, not refused
		{KindEmail, "ceo.urgent@gmail.com"},
		{KindURL, "https://docs.google.com/forms/d/e/1FAIpQLSd-phish/viewform"},
		{KindURL, "https://bit.ly/3xYzAbc"},
		{KindSHA256, "a4b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	} {
		v, err := Parse(c.kind, c.value)
		if err != nil {
			t.Fatalf("%s %s: %v", c.kind, c.value, err)
		}
		if f := g.Check(c.kind, v); f != nil && !(f.Shared && c.kind == KindURL) {
			t.Errorf("%s %s refused: %s", c.kind, c.value, f.Message("en"))
		}
	}
}

func TestMatcherAllowHidesFeeds(t *testing.T) {
	m := NewMatcher(MatcherOptions{})
	m.Replace([]Indicator{
		{ID: 1, Kind: KindDomain, Value: "partner.example", Mode: Allow, Source: SourceManual},
		{ID: 2, Kind: KindHost, Value: "www.partner.example", Mode: Block, Source: FeedSource("openphish")},
		{ID: 3, Kind: KindURL, Value: "https://www.partner.example/a", Mode: Block, Source: FeedSource("openphish")},
		{ID: 4, Kind: KindHost, Value: "login.partner.example", Mode: Block, Source: IncidentSource(3)},
		{ID: 5, Kind: KindIP, Value: "198.51.100.0/24", Mode: Allow, Source: SourceManual},
		{ID: 6, Kind: KindIP, Value: "198.51.100.7", Mode: Block, Source: FeedSource("drop")},
	})
	hits := m.Match(&Observables{Hosts: []string{"www.partner.example", "login.partner.example"},
		URLs: []string{"https://www.partner.example/a"}, IPs: []netip.Addr{netip.MustParseAddr("198.51.100.7")}})
	if len(hits) != 1 || hits[0].Indicator.ID != 4 {
		t.Fatalf("hits %+v, want only the incident's block", hits)
	}
	if _, ok := m.LookupDomain("www.partner.example"); ok {
		t.Error("DNSBL lists a feed entry the allow list covers")
	}
	if _, ok := m.LookupIP(netip.MustParseAddr("198.51.100.7")); ok {
		t.Error("DNSBL lists a feed address the allow list covers")
	}
	if in, ok := m.LookupDomain("login.partner.example"); !ok || in.ID != 4 {
		t.Error("allow hid a non-feed block")
	}
}
