package engine

import (
	"os"
	"slices"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// The organisation's own authenticated mail naming a product it runs
// ("Service informatique – Microsoft 365", "CSE – Google Workspace") is
// not the brand's name on someone else's mail: behind the trusted MX, the
// DSI's migration notice and the works council's notice, whose links lead
// to our domains and the brand's own help pages, carry no
// BRAND_DISPLAY_NAME (brand.Check.ownService). Their twins keep it: the
// same display name on a forged From of our domain (no authentication:
// ORG_DOMAIN_SPOOF), and an authenticated mailbox of ours, compromised,
// whose link leads to a free host or a look-alike. Under the evaluation's
// trust, where no authentication is believed, nothing is spared: the
// genuine message is then the forged twin's very shape, which is why
// testdata/ownservice is not among TestMustAcceptFixturesUnderEvalTrust's
// directories (testdata/ownservice/README.md).
func TestOwnServiceNamedByOwnDepartment(t *testing.T) {
	cases := []struct {
		file, intranet, lookalike string
		mx                        *scan.Scanner
	}{
		{"testdata/ownservice/dsi-migration-messagerie-microsoft-365.eml", "https://intranet.chu-exemple.fr", "https://rnicrosoft-365.com", hospitalConfig(t)},
		{"testdata/ownservice/cse-documents-google-workspace.eml", "https://intranet.atelier-exemple.fr", "https://g00gle-workspace.com", newScanner(t, atelierConfig(t))},
	}
	eval := newScanner(t, evalTrustConfig(t))
	for _, c := range cases {
		raw, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		v := c.mx.Scan(t.Context(), raw, scan.Envelope{})
		t.Logf("%s behind the MX: %s (%.2f) %s", c.file, v.Action, v.Score, weighted(v))
		if v.Action != scan.Accept || v.Score > hospitalMargin || slices.Contains(names(v), "BRAND_DISPLAY_NAME") {
			t.Errorf("%s behind the MX: %s (%.2f) %s", c.file, v.Action, v.Score, weighted(v))
		}
		text := string(raw)
		// The forgery comes from outside: the hospital's internal relay
		// (a trusted network, a submission of ours) is replaced by a
		// hosting provider's server.
		forged := strings.NewReplacer("dmarc=pass", "dmarc=fail", "spf=pass", "spf=softfail", "dkim=pass", "dkim=none",
			"relais-int.chu-exemple.local (relais-int.chu-exemple.local [10.4.2.20])", "mail.hebergeur-exemple.net (mail.hebergeur-exemple.net [203.0.113.45])").Replace(text)
		free := strings.ReplaceAll(text, c.intranet, "https://migration-compte.weebly.com")
		lookalike := strings.ReplaceAll(text, c.intranet, c.lookalike)
		for _, twin := range []struct {
			name, raw string
			want      []string
		}{
			{"forged own domain", forged, []string{"BRAND_DISPLAY_NAME", "ORG_DOMAIN_SPOOF"}},
			{"link to a free host", free, []string{"BRAND_DISPLAY_NAME"}},
			{"link to a look-alike", lookalike, []string{"BRAND_DISPLAY_NAME"}},
		} {
			if twin.raw == text {
				t.Fatalf("%s, %s: twin not written", c.file, twin.name)
			}
			v := c.mx.Scan(t.Context(), []byte(twin.raw), scan.Envelope{})
			t.Logf("%s, %s: %s (%.2f) %s", c.file, twin.name, v.Action, v.Score, weighted(v))
			for _, s := range twin.want {
				if !slices.Contains(names(v), s) {
					t.Errorf("%s, %s behind the MX: no %s: %s (%.2f) %s", c.file, twin.name, s, v.Action, v.Score, weighted(v))
				}
			}
			if v.Action == scan.Accept {
				t.Errorf("%s, %s behind the MX: %s (%.2f) %s", c.file, twin.name, v.Action, v.Score, weighted(v))
			}
			if v := eval.Scan(t.Context(), []byte(twin.raw), scan.Envelope{}); v.Action == scan.Accept || !slices.Contains(names(v), "BRAND_DISPLAY_NAME") {
				t.Errorf("%s, %s under the evaluation's trust: %s (%.2f) %s", c.file, twin.name, v.Action, v.Score, weighted(v))
			}
		}
		// Under the evaluation's trust the genuine message is read as
		// before: its authentication is not believed, nothing is spared.
		if v := eval.Scan(t.Context(), raw, scan.Envelope{}); !slices.Contains(names(v), "BRAND_DISPLAY_NAME") {
			t.Errorf("%s under the evaluation's trust: spared: %s (%.2f) %s", c.file, v.Action, v.Score, weighted(v))
		} else {
			t.Logf("%s under the evaluation's trust: %s (%.2f) %s", c.file, v.Action, v.Score, weighted(v))
		}
	}
}

// The same department naming the product in the subject only, under a
// plain display name ("Migration Microsoft 365 ce week-end"), is the
// organisation speaking of the tool it runs, not a sender posing as the
// brand: behind the trusted MX it carries no BRAND_SUBJECT_OTHER_SENDER
// (the same ownService spare; before, 1.60 on every such notice, which
// took the RSSI's device-code warning to 4.61, tagged:
// testdata/devicecode/README.md). Its twins keep the signal: the
// compromised mailbox of ours whose link leads to a free host or a
// look-alike. The forged From of our domain is read as unauthenticated
// (ORG_DOMAIN_SPOOF), as before. Under the evaluation's trust nothing
// changes: the signal never fired there (no authentication believed).
func TestOwnServiceNamedInSubjectByOwnDepartment(t *testing.T) {
	const file = "testdata/ownservice/dsn-sujet-migration-microsoft-365-week-end.eml"
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	mx := hospitalConfig(t)
	if v := mx.Scan(t.Context(), raw, scan.Envelope{}); v.Action != scan.Accept || v.Score > hospitalMargin || slices.Contains(names(v), "BRAND_SUBJECT_OTHER_SENDER") {
		t.Errorf("behind the MX: %s (%.2f) %s", v.Action, v.Score, weighted(v))
	}
	text := string(raw)
	forged := strings.NewReplacer("dmarc=pass", "dmarc=fail", "spf=pass", "spf=softfail", "dkim=pass", "dkim=none",
		"relais-int.chu-exemple.local (relais-int.chu-exemple.local [10.4.2.20])", "mail.hebergeur-exemple.net (mail.hebergeur-exemple.net [203.0.113.45])").Replace(text)
	for _, twin := range []struct{ name, raw, want string }{
		{"forged own domain", forged, "ORG_DOMAIN_SPOOF"},
		{"link to a free host", strings.ReplaceAll(text, "https://intranet.chu-exemple.fr", "https://migration-compte.weebly.com"), "BRAND_SUBJECT_OTHER_SENDER"},
		{"link to a look-alike", strings.ReplaceAll(text, "https://intranet.chu-exemple.fr", "https://rnicrosoft-365.com"), "BRAND_SUBJECT_OTHER_SENDER"},
	} {
		if twin.raw == text {
			t.Fatalf("%s: twin not written", twin.name)
		}
		v := mx.Scan(t.Context(), []byte(twin.raw), scan.Envelope{})
		if v.Action == scan.Accept || !slices.Contains(names(v), twin.want) {
			t.Errorf("%s behind the MX: %s (%.2f) %s", twin.name, v.Action, v.Score, weighted(v))
		}
	}
	// Microsoft's hosts where its customers publish (brands.yaml
	// published): a virtual machine's name under cloudapp.azure.com, a
	// Customer Voice survey. The subject's brand is not spared there, as
	// at b458e7b (1.60); the spare had taken it to 0.00.
	// And Microsoft's own sign-in page that consents to the phisher's
	// application (its redirect_uri elsewhere): illicit consent grant.
	for _, host := range []string{"https://m365-revalid.francecentral.cloudapp.azure.com", "https://customervoice.microsoft.com/Pages",
		"https://login.microsoftonline.com/common/oauth2/v2.0/authorize?client_id=4b1c2a7e&redirect_uri=https%3A%2F%2Fmail-sync.example-app.net%2Fcb&prompt"} {
		v := mx.Scan(t.Context(), []byte(strings.ReplaceAll(text, "https://intranet.chu-exemple.fr", host)), scan.Envelope{})
		if !slices.Contains(names(v), "BRAND_SUBJECT_OTHER_SENDER") {
			t.Errorf("link to %s behind the MX: %s (%.2f) %s", host, v.Action, v.Score, weighted(v))
		}
	}
}
