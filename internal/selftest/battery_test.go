package selftest_test

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/dnsx/dnstest"
	"vigie.dev/vigie/internal/engine"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/selftest"
)

// testZone is the DNS of the test world: the tested hospital as a careful
// administrator publishes it (SPF -all, DMARC reject, as mx_sec_conf's
// ident.md asks), which makes spoofing of its own domain detectable, and a
// partner whose relay, the host the selftest runs on (127.0.0.1), is
// authorised by its SPF and has a forward-confirmed reverse DNS. Attack
// cases come from a name that does not exist, like most throw-away
// campaign domains.
const testZone = `
chu-exemple.test.        MX  10 mx.chu-exemple.test.
mx.chu-exemple.test.     A   192.0.2.25
chu-exemple.test.        TXT "v=spf1 ip4:192.0.2.25 -all"
_dmarc.chu-exemple.test. TXT "v=DMARC1; p=reject; rua=mailto:dmarc@chu-exemple.test"
partenaire.test.         TXT "v=spf1 ip4:127.0.0.1 -all"
_dmarc.partenaire.test.  TXT "v=DMARC1; p=reject"
relais.partenaire.test.  A   127.0.0.1
1.0.0.127.in-addr.arpa.  PTR relais.partenaire.test.
`

// defaultScanner is Vigie's default configuration for an organisation
// that declared its own domain, with DNS answered by dns.
func defaultScanner(t *testing.T, dns *dnstest.Server) *scan.Scanner {
	t.Helper()
	cfg := config.Default()
	cfg.Org.Domains = []string{"chu-exemple.test"}
	cfg.Auth.DNSServers = []string{dns.Addr()}
	cfg.Auth.Timeout = 2 * time.Second
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	s, err := engine.New(&cfg, engine.Options{Online: engine.NewDNSAuth(&cfg)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func testVars(c *selftest.Case) selftest.Vars {
	v := selftest.Vars{Domain: "chu-exemple.test", To: "selftest@chu-exemple.test", SenderDomain: "partenaire.test", AttackDomain: selftest.DefaultSenderDomain,
		RunID: "0a1b2c3d", MessageID: "selftest.0a1b2c3d." + c.ID + "@" + selftest.DefaultSenderDomain,
		Date: time.Now().Format("Mon, 02 Jan 2006 15:04:05 -0700"), Boundary: "=_selftest_b0undary"}
	d, _ := c.EnvelopeDomain(v)
	v.MailFrom = "selftest-0a1b2c3d-" + c.ID + "@" + d
	return v
}

// Every case of the embedded battery renders, and the default scanner
// stops each attack case (the oversize case is the MTA's: its size limit
// refuses it before any scan) and delivers each control case untagged.
func TestBatteryAgainstDefaultScanner(t *testing.T) {
	cases, err := selftest.Load("")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 30 {
		t.Fatalf("battery has %d cases", len(cases))
	}
	dns := dnstest.Start(t, testZone)
	s := defaultScanner(t, dns)
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			v := testVars(c)
			msg, err := c.Render(v)
			if err != nil {
				t.Fatal(err)
			}
			if c.ID == "oversize" {
				if len(msg) < 10240000 {
					t.Fatalf("oversize case is %d bytes", len(msg))
				}
				return
			}
			// As the gateway receives it: it stamps the arrival.
			env := scan.Envelope{ClientIP: netip.MustParseAddr("127.0.0.1"), HELO: "relais.partenaire.test",
				MailFrom: v.MailFrom, RcptTo: []string{v.To}, Arrival: time.Now()}
			verdict := s.Scan(context.Background(), msg, env)
			var names []string
			for _, sg := range verdict.Signals {
				names = append(names, sg.Name)
			}
			got := verdict.Action
			t.Logf("%s: %s %.1f %s", c.ID, got, verdict.Score, strings.Join(names, " "))
			switch c.Expect {
			case selftest.Stop:
				if got.Rank() < scan.Quarantine.Rank() {
					t.Errorf("attack case %s: %s (score %.1f), want quarantine or reject; signals %v", c.ID, got, verdict.Score, names)
				}
			case selftest.Deliver:
				if got != scan.Accept {
					t.Errorf("control case %s: %s (score %.1f), want accept; signals %v", c.ID, got, verdict.Score, names)
				}
			}
		})
	}
}
