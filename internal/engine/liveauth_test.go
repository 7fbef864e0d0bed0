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

// The official Chorus Pro notification reaches the gateway through the
// hospital's upstream MX (192.0.2.3), which recorded the Internet client
// (192.0.2.80) and its own Authentication-Results. Trusting that MX, the
// gateway judges the notification on the Internet client; not trusting it,
// SPF and DMARC fail against the MX's address.
func TestLiveAuthBehindTrustedMX(t *testing.T) {
	srv := dnstest.Start(t, `
chorus-pro.gouv.fr.              300 IN SOA ns.gouv.fr. h.gouv.fr. 1 3600 600 86400 300
notification.chorus-pro.gouv.fr. 300 IN TXT "v=spf1 ip4:192.0.2.80 -all"
_dmarc.chorus-pro.gouv.fr.       300 IN TXT "v=DMARC1; p=reject"
`)
	raw, err := os.ReadFile("testdata/chorus-pro-official.eml")
	if err != nil {
		t.Fatal(err)
	}
	r := srv.ResolverTimeout(time.Second)
	live := &authsource.DNSAuth{Checker: &auth.Checker{Resolver: r, Timeout: 2 * time.Second}, Resolver: r}
	peer := scan.Envelope{ClientIP: netip.MustParseAddr("192.0.2.3"), HELO: "mx.example-hopital.fr", RDNS: "mx.example-hopital.fr", RDNSKnown: true,
		MailFrom: "bounce-20240312@notification.chorus-pro.gouv.fr", RcptTo: []string{"compta@example-hopital.fr"}}
	cases := []struct {
		name       string
		trust      config.Trust
		source     string
		clientIP   string
		spf, dmarc auth.Result
	}{
		{"trusted MX and its results", config.Trust{Networks: []string{"192.0.2.3"}, AuthServIDs: []string{"mx.example-hopital.fr"}},
			"header:mx.example-hopital.fr", "192.0.2.80", auth.Pass, auth.Pass},
		{"trusted by name, results checked live against the Internet client", config.Trust{Relays: []string{"mx.example-hopital.fr"}},
			"dns", "192.0.2.80", auth.Pass, auth.Pass},
		{"nothing trusted: the MX is the client", config.Trust{},
			"dns", "192.0.2.3", auth.Fail, auth.Fail},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.Trust = c.trust
			s, err := New(&cfg, Options{Online: live})
			if err != nil {
				t.Fatal(err)
			}
			v := s.Scan(context.Background(), raw, peer)
			if v.Auth.Source != c.source || v.Auth.SPF != c.spf || v.Auth.DMARC != c.dmarc || v.Envelope.ClientIP.String() != c.clientIP {
				t.Errorf("source %q spf %q dmarc %q client %s, want %q %q %q %s", v.Auth.Source, v.Auth.SPF, v.Auth.DMARC,
					v.Envelope.ClientIP, c.source, c.spf, c.dmarc, c.clientIP)
			}
			if c.dmarc == auth.Pass && v.Action != scan.Accept {
				t.Errorf("official notification: %s %.1f %v", v.Action, v.Score, names(v))
			}
			t.Logf("%s %.1f %v", v.Action, v.Score, names(v))
		})
	}
	// A client that is not trusted cannot make its own Received and
	// Authentication-Results count by naming a trusted relay in its HELO.
	cfg := config.Default()
	cfg.Trust = config.Trust{Relays: []string{"mx.example-hopital.fr"}, AuthServIDs: []string{"mx.example-hopital.fr"}}
	s, err := New(&cfg, Options{Online: live})
	if err != nil {
		t.Fatal(err)
	}
	forger := peer
	forger.ClientIP, forger.RDNS = netip.MustParseAddr("203.0.113.66"), ""
	v := s.Scan(context.Background(), raw, forger)
	if v.Auth.Source != "dns" || v.Envelope.ClientIP != forger.ClientIP || v.Auth.DMARC == auth.Pass {
		t.Errorf("forger believed: source %q client %s dmarc %q", v.Auth.Source, v.Envelope.ClientIP, v.Auth.DMARC)
	}
}
