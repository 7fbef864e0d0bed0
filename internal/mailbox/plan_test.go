package mailbox

import (
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/fuzzy"
	"vigie.dev/vigie/internal/ir/incident"
)

func TestPlanGuards(t *testing.T) {
	now := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	inds := []incident.Indicator{
		{Kind: incident.KindEmail, Value: "paie@evil.example", Mode: "block"},
		{Kind: incident.KindURL, Value: "http://x.evil.example/a", Suggested: "block"},
		{Kind: incident.KindDomain, Value: "evil.example", Suggested: "watch"},
		{Kind: incident.KindEmail, Value: "compta@chu.test", Mode: "block"},
	}
	rec := func(action, from string, matched []string, at time.Time, rcpts ...string) incident.TraceRecord {
		return incident.TraceRecord{Time: at, MessageID: "<m@x>", From: from, Recipients: rcpts, Action: action, Matched: matched}
	}
	sender := []string{"sender paie@evil.example"}
	for _, tc := range []struct {
		name    string
		rec     incident.TraceRecord
		o       PlanOptions
		targets int
		skipWhy string
	}{
		{"delivered", rec("delivered", "Paie <paie@evil.example>", sender, now, "a@chu.test"), PlanOptions{}, 1, ""},
		{"tagged, two recipients", rec("tagged", "paie@evil.example", sender, now, "a@chu.test", "B@CHU.TEST"), PlanOptions{}, 2, ""},
		{"quarantined: never delivered", rec("quarantined", "paie@evil.example", sender, now, "a@chu.test"), PlanOptions{}, 0, ""},
		{"outside the domains", rec("delivered", "paie@evil.example", sender, now, "a@ailleurs.test"), PlanOptions{}, 0, "hors des domaines"},
		{"protected", rec("delivered", "paie@evil.example", sender, now, "abuse@chu.test"), PlanOptions{Protected: []string{"abuse@chu.test"}}, 0, "protégée"},
		{"internal sender", rec("delivered", "compta@chu.test", []string{"sender compta@chu.test"}, now, "a@chu.test"), PlanOptions{}, 0, "--internal"},
		{"internal sender allowed", rec("delivered", "compta@chu.test", []string{"sender compta@chu.test"}, now, "a@chu.test"), PlanOptions{Internal: true}, 1, ""},
		{"watch only", rec("delivered", "x@evil.example", []string{"domain evil.example"}, now, "a@chu.test"), PlanOptions{}, 0, "détection"},
		{"url suggested block", rec("delivered", "x@other.test", []string{"url http://x.evil.example/a"}, now, "a@chu.test"), PlanOptions{}, 1, ""},
		{"zap: not among the new indicators", rec("delivered", "paie@evil.example", sender, now, "a@chu.test"),
			PlanOptions{Only: []string{"url http://x.evil.example/a"}}, 0, "aucun indicateur"},
		{"zap: too old", rec("delivered", "paie@evil.example", sender, now.Add(-72*time.Hour), "a@chu.test"), PlanOptions{Since: now.Add(-48 * time.Hour)}, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.o.OwnDomains = []string{"chu.test"}
			targets, skipped := Plan([]incident.TraceRecord{tc.rec, tc.rec}, inds, tc.o)
			if len(targets) != tc.targets {
				t.Errorf("%d targets %+v, want %d", len(targets), targets, tc.targets)
			}
			if tc.skipWhy == "" && len(skipped) > 0 || tc.skipWhy != "" && (len(skipped) == 0 || !strings.Contains(skipped[0].WhyFR, tc.skipWhy)) {
				t.Errorf("skipped %+v, want %q", skipped, tc.skipWhy)
			}
			for _, x := range targets {
				if x.Mailbox != strings.ToLower(x.Mailbox) || x.MessageID != "m@x" {
					t.Errorf("target %+v", x)
				}
			}
		})
	}
}

func TestContentVerifier(t *testing.T) {
	body := "Bonjour, votre bulletin de salaire de novembre est disponible. Connectez-vous avec vos identifiants habituels pour le consulter avant vendredi, faute de quoi il sera archivé."
	raw := func(text string) []byte {
		return []byte("From: x@evil.example\r\nSubject: s\r\nContent-Type: text/plain\r\n\r\n" + text + "\r\n")
	}
	v := ContentVerifier([]incident.Indicator{{Kind: incident.KindHost, Value: "paie.evil.example"}})
	if ok, why := v(raw("voir https://paie.evil.example/login")); !ok || !strings.Contains(why, "paie.evil.example") {
		t.Errorf("host: %v %q", ok, why)
	}
	if ok, _ := v(raw("voir https://intranet.chu.test/paie")); ok {
		t.Error("another host matched")
	}
	// The same template sent again with another Message-ID and link.
	tmpl := ContentVerifier([]incident.Indicator{{Kind: incident.KindFuzzy, Value: string(fuzzy.Body(body + " https://a.example/1"))}})
	if ok, why := tmpl(raw(body + " https://b.example/2")); !ok || !strings.Contains(why, "semblable") {
		t.Errorf("fuzzy: %v %q", ok, why)
	}
	if ok, _ := tmpl(raw("Réunion de service jeudi à 14 h en salle B, ordre du jour en pièce jointe, merci de confirmer votre présence.")); ok {
		t.Error("an unrelated body matched")
	}
}
