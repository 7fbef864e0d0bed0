package posture

import (
	"slices"
	"testing"
)

func TestExplainPicksRelevantFindings(t *testing.T) {
	rep := &Report{Domain: "chu.fr", Findings: []Finding{{ID: "DMARC_POLICY_NONE"}, {ID: "IMAP_EXPOSED"}, {ID: "BANNER_VERSION"}}}
	ids := func(p Passage) []string {
		var out []string
		for _, f := range p.Findings {
			out = append(out, f.ID)
		}
		return out
	}
	sources := func(p Passage) []string {
		var out []string
		for _, c := range p.Changes {
			out = append(out, c.Source)
		}
		return out
	}
	for _, c := range []struct {
		name        string
		msgs        []Verdict
		want, never []string
		sources     []string
	}{
		{"own domain spoofed and delivered",
			[]Verdict{{From: "direction@chu.fr", Action: "delivered", Score: 3, Signals: []string{"AUTH_SPF_SOFTFAIL", "LURE_URGENCY"}}},
			[]string{"DMARC_POLICY_NONE", "IMAP_EXPOSED"}, []string{"BANNER_VERSION"}, []string{"posture:DMARC_POLICY_NONE", "verdict"}},
		{"outside sender, authenticated, no content signal",
			[]Verdict{{From: "a@partner.example", Action: "accept", Signals: []string{"AUTH_DMARC_PASS"}}},
			[]string{"IMAP_EXPOSED"}, []string{"DMARC_POLICY_NONE"}, []string{"verdict:authenticated", "mx_sec_conf:url.md"}},
		{"everything held: no passage",
			[]Verdict{{From: "a@x.example", Action: "quarantined"}},
			nil, []string{"DMARC_POLICY_NONE", "IMAP_EXPOSED"}, []string{"selftest:none"}},
	} {
		p := Explain(ExplainInput{Messages: c.msgs, QuarantineAt: 5.5, OrgDomains: []string{"chu.fr"}, Reports: []*Report{rep}})
		got, src := ids(p), sources(p)
		for _, w := range c.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: %s missing from %v", c.name, w, got)
			}
		}
		for _, n := range c.never {
			if slices.Contains(got, n) {
				t.Errorf("%s: %s should not be cited", c.name, n)
			}
		}
		for _, s := range c.sources {
			if !slices.Contains(src, s) {
				t.Errorf("%s: no change from %s in %v", c.name, s, src)
			}
		}
	}
}

// A malformed reporting tag does not void the policy, as for receivers;
// a bad policy does.
func TestParseDMARCPolicy(t *testing.T) {
	r, err := parseDMARCPolicy("v=DMARC1; p=Reject; fo=9; pct=100; rua=mailto:a@x.example, mailto:b@y.example")
	if err != nil || r.Policy != "reject" || len(r.ReportURIAggregate) != 2 || *r.Percent != 100 {
		t.Fatalf("%+v %v", r, err)
	}
	for _, bad := range []string{"v=DMARC1; p=maybe", "v=DMARC1; rua=mailto:a@x.example", "v=DMARC1; p=none; pct=200"} {
		if _, err := parseDMARCPolicy(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
