package invoice

import (
	"context"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// requests are change-of-bank-details requests written for the family of
// each phrase, in French and English: every phrase of phrases.yaml must be
// exercised by one (docs/eval.md, provenance).
var requests = []string{
	"Suite au changement de RIB de notre société, merci d'utiliser le document joint.",
	"Veuillez trouver ci-joint notre nouveau RIB pour vos prochains virements.",
	"Objet : changement de coordonnées bancaires. Nos factures en attente sont à régler sur le compte joint.",
	"Nous vous transmettons nos nouvelles coordonnées bancaires.",
	"Nous vous informons de la modification de nos coordonnées bancaires à compter de ce jour.",
	"Nos coordonnées bancaires ont changé, le RIB joint remplace le précédent.",
	"Merci de mettre à jour notre RIB dans votre logiciel de comptabilité.",
	"Pour la mise à jour du RIB, voir la pièce jointe.",
	"En raison d'un changement de banque, les règlements sont à adresser au nouveau compte.",
	"Changement de domiciliation bancaire : merci de prendre en compte le RIB ci-joint.",
	"Please note the change of bank details for all outstanding invoices.",
	"Our bank details have changed; please find the new account attached.",
	"Kindly use our new bank details for the payment of invoice 4471.",
	"Attached are our updated bank details.",
	"Please update our bank details in your vendor records.",
	"This is to notify you of a change of banking details.",
	"Find enclosed our new banking information for future remittances.",
	"We need to change our payment details before the next transfer.",
}

func input(from, replyTo, text string, attach bool) *scan.Input {
	m := &message.Message{Text: text, Subject: "Information"}
	m.From = []message.Address{{Name: "Fournisseur", Addr: from}}
	if replyTo != "" {
		m.ReplyTo = []message.Address{{Addr: replyTo}}
	}
	if attach {
		m.Attachments = []message.Attachment{{Filename: "RIB.pdf"}}
	}
	return scan.NewInput(nil, m, scan.Envelope{})
}

func TestPhrasesHaveSourcesAndFixtures(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	used := make([]int, len(c.Entries()))
	for _, r := range requests {
		i := c.Request(input("a@fournisseur.example", "", r, false))
		if i < 0 {
			t.Errorf("no phrase in fixture %q", r)
			continue
		}
		used[i]++
	}
	for i, p := range c.Entries() {
		if used[i] == 0 {
			t.Errorf("phrase %q (%s, %s) is exercised by no fixture", p.Text, p.Lang, p.Source)
		}
	}
	// Ordinary mail about invoices and banks is no request.
	for _, s := range []string{"Veuillez trouver ci-joint notre facture, réglable par virement sur le compte habituel.",
		"Our bank will be closed on Monday.", "Le RIB de l'hôpital est inchangé.", "Please find attached the invoice.",
		// The reassurance denies the change: no determiner, no request.
		"Aucun changement de coordonnées bancaires n'est intervenu."} {
		if i := c.Request(input("a@fournisseur.example", "", s, true)); i >= 0 {
			t.Errorf("%q matched %q", s, c.Entries()[i].Text)
		}
	}
	// A denial does not hide the request beside it.
	for _, s := range []string{
		"Aucun changement de coordonnées bancaires n'est intervenu sur ce titre ; le règlement se fait désormais sur notre nouveau RIB ci-joint.",
		"Aucune relance ne sera faite : changement de RIB ci-joint, merci de mettre à jour vos fichiers.",
		"Vous n'avez reçu aucun courriel ? Changement de coordonnées bancaires : voir le RIB ci-joint.",
		// "No." is the invoice's number, not a denial (textmatch.NoneOf).
		"Remittance advice ref no. New bank details attached, please update your records.",
	} {
		if i := c.Request(input("a@fournisseur.example", "", s, true)); i < 0 {
			t.Errorf("%q: no request", s)
		}
	}
	if _, err := Phrases([]byte("sources: {a: described}\nfr:\n  b: [nouveau rib]\n")); err == nil || !strings.Contains(err.Error(), "not described") {
		t.Errorf("undescribed source accepted: %v", err)
	}
}

// The request is the signal only with the means of the fraud: the new
// details attached, or replies sent to another domain.
func TestChangeRequestNeedsAttachmentOrReplyTo(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	text := "Please update our bank details in your vendor records."
	for _, tc := range []struct {
		name, replyTo string
		attach        bool
		want          string
	}{
		{"bare", "", false, ""},
		{"attached", "", true, "« update our bank details », pièce jointe RIB.pdf"},
		{"reply elsewhere", "pay@elsewhere.example", false, "« update our bank details », réponses vers elsewhere.example"},
		{"reply same org", "pay@mail.fournisseur.example", false, ""},
	} {
		in := input("a@fournisseur.example", tc.replyTo, text, tc.attach)
		v := (&scan.Scanner{Checks: c.Checks(), Policy: scan.DefaultPolicy(), Catalogue: scan.MustCatalogue(c)}).ScanMessage(context.Background(), nil, in.Msg, scan.Envelope{})
		got := ""
		for _, s := range v.Signals {
			if s.Name == "BANK_DETAILS_CHANGE_REQUEST" {
				got = s.Detail
				if !strings.HasPrefix(s.EN, "Request to change bank details (") || !strings.HasPrefix(s.FR, "Demande de changement de coordonnées bancaires (") {
					t.Errorf("explanations: %s / %s", s.FR, s.EN)
				}
			}
		}
		if got != tc.want {
			t.Errorf("%s: detail %q, want %q", tc.name, got, tc.want)
		}
	}
}

func FuzzPhrases(f *testing.F) {
	f.Add(defaultPhrases)
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = Phrases(b) })
}
