package engine

import (
	"context"
	"net/netip"
	"os"
	"testing"
	"time"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/authsource"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/dnsx/dnstest"
	"vigie.dev/vigie/internal/scan"
)

// At the door, the Chorus Pro campaign is judged on live DNS answers served
// by an in-process DNS server: the third-party domain publishes nothing and
// the relay has no reverse DNS.
func TestDNSAuthAtTheDoor(t *testing.T) {
	srv := dnstest.Start(t, `
abatos.fr.                     300 IN SOA ns.abatos.fr. h.abatos.fr. 1 3600 600 86400 300
hosting-ovh-example.com.       300 IN SOA ns.hosting-ovh-example.com. h.hosting-ovh-example.com. 1 3600 600 86400 300
chorus-pro.gouv.fr.            300 IN SOA ns.gouv.fr. h.gouv.fr. 1 3600 600 86400 300
notification.chorus-pro.gouv.fr. 300 IN TXT "v=spf1 ip4:192.0.2.80 -all"
_dmarc.chorus-pro.gouv.fr.     300 IN TXT "v=DMARC1; p=reject"
113.0.203.in-addr.arpa.        300 IN SOA ns.example. h.example. 1 3600 600 86400 300
`)
	cfg := config.Default()
	r := srv.ResolverTimeout(time.Second)
	a := &authsource.DNSAuth{Checker: &auth.Checker{Resolver: r, Timeout: 2 * time.Second}, Resolver: r}
	s, err := New(&cfg, Options{Online: a})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile("testdata/chorus-pro-phish.eml")
	env := scan.Envelope{ClientIP: netip.MustParseAddr("203.0.113.45"), HELO: "srv4821.hosting-ovh-example.com", MailFrom: "www-data@srv4821.hosting-ovh-example.com"}
	v := s.Scan(context.Background(), raw, env)
	for _, want := range []string{"AUTH_SPF_NONE", "AUTH_DMARC_NONE", "RDNS_NONE", "BRAND_DISPLAY_NAME"} {
		if !v.Has(want) {
			t.Errorf("missing %s: %v", want, names(v))
		}
	}
	if v.Auth.Source != "dns" || v.Action.Rank() < scan.Quarantine.Rank() {
		t.Errorf("source %q action %s", v.Auth.Source, v.Action)
	}
	// Spoofing the official domain from that relay fails SPF and DMARC (p=reject).
	spoof := []byte("From: Chorus Pro <ne-pas-repondre@chorus-pro.gouv.fr>\r\nSubject: Facture\r\nMessage-ID: <x@y>\r\nDate: Tue, 12 Mar 2024 10:00:00 +0100\r\n\r\nBonjour\r\n")
	env.MailFrom = "bounce@notification.chorus-pro.gouv.fr"
	v = s.Scan(context.Background(), spoof, env)
	if !v.Has("AUTH_DMARC_FAIL_REJECT") || !v.Has("AUTH_SPF_FAIL") {
		t.Errorf("spoof: %v", names(v))
	}
}
