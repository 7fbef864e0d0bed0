package brand

import (
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/checks/sender"
	"vigie.dev/vigie/internal/scan"
)

// A rebuilt original showing a brand's own address under the brand's name
// is judged by where it sends its reader: only elsewhere (a site, or an
// address to write to), it claims the brand without being it. One link or
// address of the brand's, a free mailbox of the brand's domain, links to
// top sites only, or a message that arrived itself (its claim is checked
// by DMARC) raise nothing.
func TestClaimLeadsElsewhere(t *testing.T) {
	c, err := New(goldenOptions)
	if err != nil {
		t.Fatal(err)
	}
	families := []scan.Family{sender.New(nil), c}
	s := &scan.Scanner{Policy: scan.DefaultPolicy(), Catalogue: scan.MustCatalogue(families...), Timeout: checktest.ScanTimeout}
	for _, f := range families {
		s.Checks = append(s.Checks, f.Checks()...)
	}
	const notice = "Microsoft account team <no-reply@microsoft.com>"
	for _, tc := range []struct {
		name, from, body string
		rebuilt          bool
		want             string
	}{
		{"only mailto: to another domain", notice,
			`<p>We detected something unusual about a recent sign-in.</p><p><a href="mailto:account_confirmation@verif-compte-exemple.online?subject=Report">Report the user</a></p>`,
			true, "Microsoft 365 <microsoft.com> → verif-compte-exemple.online"},
		{"a link to another site", notice,
			`<p>Your mailbox is full.</p><p><a href="https://mailbox-upgrade.exemple-cloud.click/login">Upgrade</a></p>`,
			true, "Microsoft 365 <microsoft.com> → exemple-cloud.click"},
		{"the genuine notice links to the brand", notice,
			`<p>We detected something unusual.</p><p><a href="https://account.live.com/Activity">Review recent activity</a> <a href="mailto:reply@verif-compte-exemple.online">x</a></p>`,
			true, ""},
		{"links to top sites only", notice,
			`<p>Follow us</p><p><a href="https://www.youtube.com/microsoft">YouTube</a></p>`,
			true, ""},
		{"a free mailbox of the brand's domain", "Outlook Team Fan Club <fanclub.outlook.2024@hotmail.com>",
			`<p>Join us</p><p><a href="https://club-exemple.fr/">site</a></p>`,
			true, ""},
		{"a brand's address not under its name", "Paul <no-reply@microsoft.com>",
			`<p><a href="mailto:x@verif-compte-exemple.online">x</a></p>`,
			true, ""},
		{"arrived itself: DMARC judges the claim", notice,
			`<p><a href="mailto:x@verif-compte-exemple.online">Report</a></p>`,
			false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := checktest.Message("From: "+tc.from+"\nTo: agent@example-hopital.fr\nSubject: Microsoft account\nDate: Tue, 12 Mar 2024 09:14:01 +0100\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8", tc.body)
			v := s.Scan(t.Context(), raw, scan.Envelope{Rebuilt: tc.rebuilt})
			got := ""
			for _, g := range v.Signals {
				if g.Name == "BRAND_CLAIM_LEADS_ELSEWHERE" {
					got = g.Detail
				}
			}
			if got != tc.want {
				t.Errorf("BRAND_CLAIM_LEADS_ELSEWHERE %q, want %q", got, tc.want)
			}
		})
	}
}
