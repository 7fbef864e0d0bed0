package lure

import (
	"context"
	"testing"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// A rebuilt original's sender is text anyone can type, and has no
// authentication to judge: its account notice counts when its links lead
// away from that sender (to another domain that is no top site, through a
// shortener), not when they lead to the sender's own site or a top site.
func TestRebuiltOriginalPosesByWhereItLeads(t *testing.T) {
	c, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, link, emitted string
		poses               bool
	}{
		{"the sender's own site", "https://www.doctolib.fr/account/security", "", false},
		{"a top site", "https://account.live.com/Activity", "", false},
		{"another domain", "https://espace-patient-securise-exemple.com/connexion", "", true},
		{"a shortener", "https://bit.ly/3xYzAbc", "URL_SHORTENER", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := []byte("From: Doctolib <no-reply@doctolib.fr>\r\nSubject: Votre compte\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
				"Nous avons detecte une activite inhabituelle, votre compte sera suspendu : " + tc.link + "\r\n")
			in := scan.NewInput(raw, message.Parse(raw, message.DefaultLimits()), scan.Envelope{Rebuilt: true})
			var out scan.Emitter
			if tc.emitted != "" {
				out.Emit(tc.emitted, "")
			}
			c.Check(context.Background(), in, &out)
			if got := out.Emitted("LURE_ACCOUNT_SUSPENSION"); got != tc.poses {
				t.Errorf("LURE_ACCOUNT_SUSPENSION %v, want %v", got, tc.poses)
			}
		})
	}
}
