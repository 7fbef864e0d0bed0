package fwdblock

import (
	"strings"
	"testing"

	"vigie.dev/vigie/internal/message"
)

// The forwarder's own words are what stands above the block, in the
// plain text or the HTML's lines; the subject is the original's when it
// ends with the block's, whatever prefixes the forwards added.
func TestOwnWordsAndCarriedSubject(t *testing.T) {
	block := "De : Doctolib <no-reply@doctolib.fr>\nEnvoyé : lundi 15 juin 2026 21:02\nObjet : Activité inhabituelle\n\nVotre compte sera suspendu.\n"
	cases := []struct {
		name, subject, ctype, body, own string
		carried                         bool
	}{
		{"plain text", "TR: Activité inhabituelle", "text/plain", "C'est vrai ?\n\n" + block, "C'est vrai ?\n\n", true},
		{"two prefixes, other case", "Fwd: TR: activité INHABITUELLE", "text/plain", block, "", true},
		{"subject rewritten", "TR: à vérifier", "text/plain", "Regarde\n" + block, "Regarde\n", false},
		{"HTML", "Fw: Activité inhabituelle", "text/html", "<div>Vrai ?</div><hr><p>" + strings.ReplaceAll(block, "\n", "<br>") + "</p>", "Vrai ?\n", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw := []byte("Subject: " + tc.subject + "\r\nContent-Type: " + tc.ctype + "; charset=utf-8\r\n\r\n" + tc.body)
			m := message.Parse(raw, message.DefaultLimits())
			f, ok := Recognise(m.Subject, m)
			if !ok {
				t.Fatal("not recognised")
			}
			if f.Own != tc.own || f.CarriesSubject(m.Subject) != tc.carried {
				t.Errorf("own %q carried %v", f.Own, f.CarriesSubject(m.Subject))
			}
			if strings.Contains(f.Own, "suspendu") {
				t.Errorf("the original's words in the forwarder's: %q", f.Own)
			}
		})
	}
}
