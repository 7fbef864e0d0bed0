package bayescheck_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/bayes"
	"vigie.dev/vigie/internal/checks/bayescheck"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

func eml(subject, body string) []byte {
	return []byte("From: x <x@example.net>\r\nSubject: " + subject + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n")
}

// model learns n messages of each kind of a small site's mail.
func model(t *testing.T, minLearned, n int) *bayes.Model {
	t.Helper()
	m := bayes.NewModel(bayes.Options{MinLearned: minLearned})
	var tok bayes.Tokenizer
	for i := range n {
		for c, text := range map[bayes.Class]string{
			bayes.Phish: fmt.Sprintf("Votre boîte aux lettres est pleine, cliquez ici pour valider votre compte et éviter la suppression de vos messages, réf %d ticket t%d", i, i),
			bayes.Ham:   fmt.Sprintf("Bonjour à tous, la commission des soins se réunira mardi en salle du conseil, merci de confirmer votre présence, séance %d point p%d", i, i),
		} {
			p, err := tok.Prepare(eml("Objet", text), message.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			m.Learn(p.Hashes, c, 1)
		}
	}
	return m
}

func scanWith(m *bayes.Model, raw []byte) *scan.Verdict {
	c := &bayescheck.Check{Model: m}
	s := &scan.Scanner{Checks: c.Checks(), Policy: scan.DefaultPolicy(), Catalogue: scan.MustCatalogue(c)}
	return s.Scan(context.Background(), raw, scan.Envelope{})
}

func signal(v *scan.Verdict, name string) (scan.Signal, bool) {
	for _, s := range v.Signals {
		if s.Name == name {
			return s, true
		}
	}
	return scan.Signal{}, false
}

func TestSignals(t *testing.T) {
	m := model(t, 20, 30)
	v := scanWith(m, eml("Alerte", "Votre boîte aux lettres est pleine : cliquez ici pour valider votre compte"))
	s, ok := signal(v, "BAYES_PHISH")
	if !ok {
		t.Fatalf("no BAYES_PHISH: %+v", v.Signals)
	}
	if !strings.HasPrefix(s.Detail, "0.9") || !strings.Contains(s.Detail, " — ") || s.Weight <= 0 {
		t.Errorf("detail %q weight %g", s.Detail, s.Weight)
	}
	if !strings.Contains(s.FR, "probabilité 0.9") || !strings.Contains(s.EN, "probability 0.9") {
		t.Errorf("explanations %q / %q", s.FR, s.EN)
	}
	t.Logf("%s", s.FR)
	v = scanWith(m, eml("Commission", "Bonjour, la commission des soins se réunira en salle du conseil, merci de confirmer"))
	if s, ok := signal(v, "BAYES_HAM"); !ok || s.Weight >= 0 || !strings.HasPrefix(s.Detail, "0.0") {
		t.Errorf("legitimate mail: %+v", v.Signals)
	}
	// Undecided: nothing.
	if v := scanWith(m, eml("Divers", "texte sans rapport avec quoi que ce soit de connu")); len(v.Signals) != 0 {
		t.Errorf("unknown words gave %+v", v.Signals)
	}
}

func TestSilentUntilTrained(t *testing.T) {
	for _, m := range []*bayes.Model{nil, bayes.NewModel(bayes.Options{}), model(t, 200, 199)} {
		if v := scanWith(m, eml("Alerte", "Votre boîte aux lettres est pleine : cliquez ici pour valider votre compte")); len(v.Signals) != 0 {
			t.Errorf("an untrained classifier voted: %+v", v.Signals)
		}
	}
}
