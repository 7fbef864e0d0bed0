package allow

import (
	"testing"
	"time"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/scan"
)

func TestMatch(t *testing.T) {
	now := time.Now()
	rules := []Rule{
		{ID: 1, Kind: Recipient, Value: "secu@example.org", MaxAction: "accept"},
		{ID: 2, Kind: Recipient, Value: "@labo.example.org", MaxAction: "tag"},
		{ID: 3, Kind: Sender, Value: "@chorus-pro.gouv.fr", MaxAction: "tag"},
		{ID: 4, Kind: Recipient, Value: "old@example.org", MaxAction: "accept", ExpiresAt: now.Add(-time.Minute)},
		{ID: 5, Kind: Recipient, Value: "gone@example.org", MaxAction: "accept", RemovedAt: now.Add(-time.Hour)},
	}
	verdict := func(action scan.Action, from string, a auth.Results, force scan.Action) *scan.Verdict {
		return &scan.Verdict{Action: action, Auth: a, Indicators: scan.Indicators{FromAddress: from},
			Signals: []scan.Signal{{Name: "X", Force: force}}}
	}
	dmarcPass := auth.Results{DMARC: auth.Pass, DMARCDomain: "chorus-pro.gouv.fr"}
	spfSub := auth.Results{SPF: auth.Pass, SPFDomain: "notification.chorus-pro.gouv.fr"}
	cases := []struct {
		name string
		rcpt []string
		v    *scan.Verdict
		id   int64
		cap  scan.Action
	}{
		{"the report mailbox", []string{"SECU@example.org"}, verdict(scan.Reject, "x@evil.test", auth.Results{}, scan.Reject), 1, scan.Accept},
		{"the report mailbox and someone else", []string{"secu@example.org", "bob@example.org"}, verdict(scan.Reject, "x@evil.test", auth.Results{}, ""), 0, ""},
		{"two covered recipients: the stricter cap", []string{"secu@example.org", "ana@labo.example.org"}, verdict(scan.Reject, "x@evil.test", auth.Results{}, ""), 2, scan.Tag},
		{"expired", []string{"old@example.org"}, verdict(scan.Quarantine, "x@evil.test", auth.Results{}, ""), 0, ""},
		{"removed", []string{"gone@example.org"}, verdict(scan.Quarantine, "x@evil.test", auth.Results{}, ""), 0, ""},
		{"authenticated sender (DMARC)", []string{"bob@example.org"}, verdict(scan.Quarantine, "ne-pas-repondre@chorus-pro.gouv.fr", dmarcPass, ""), 3, scan.Tag},
		{"authenticated sender (SPF, same organisation)", []string{"bob@example.org"}, verdict(scan.Quarantine, "ne-pas-repondre@chorus-pro.gouv.fr", spfSub, ""), 3, scan.Tag},
		{"forged sender", []string{"bob@example.org"}, verdict(scan.Quarantine, "ne-pas-repondre@chorus-pro.gouv.fr", auth.Results{SPF: auth.Pass, SPFDomain: "abatos.fr"}, ""), 0, ""},
		{"DMARC fail wins over a passing SPF", []string{"bob@example.org"}, verdict(scan.Quarantine, "a@chorus-pro.gouv.fr", auth.Results{DMARC: auth.Fail, SPF: auth.Pass, SPFDomain: "chorus-pro.gouv.fr"}, ""), 0, ""},
		{"sender with a blocked indicator", []string{"bob@example.org"}, verdict(scan.Reject, "a@chorus-pro.gouv.fr", dmarcPass, scan.Reject), 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, capAt, ok := match(rules, scan.Envelope{RcptTo: c.rcpt}, c.v, now)
			if ok != (c.id != 0) || r.ID != c.id || capAt != c.cap {
				t.Errorf("rule %d cap %q ok %v; want rule %d cap %q", r.ID, capAt, ok, c.id, c.cap)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{"<Secu@Example.ORG>": "secu@example.org", "@Labo.example.org": "@labo.example.org",
		"bob": "", "@": "", "a@b": "", "a b@c.d": ""} {
		got, err := Normalize(in)
		if (err != nil) != (want == "") || got != want {
			t.Errorf("Normalize(%q) = %q, %v", in, got, err)
		}
	}
}
