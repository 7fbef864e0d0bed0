package lure

import (
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
)

// A bank-details phrase after "aucun" or "aucune" is the reassurance
// that nothing changed (negatableThemes); the request beside it, or the
// same phrase elsewhere in the message, still counts, and other themes are
// not read so.
func TestDeniedBankDetailsAreNoLure(t *testing.T) {
	c, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	intro := "Bonjour,\n\nVeuillez trouver ci-joint le titre de recette de novembre.\n\n"
	const receipt = "Titre de recette"
	tests := []struct {
		name, subject, body string
		want                string // the bank-details signal, or ""
	}{
		{"the reassurance", receipt, intro + "Aucun changement de coordonnées bancaires n'est intervenu.", ""},
		{"the request", receipt, intro + "Suite à un changement de coordonnées bancaires, merci d'utiliser le RIB joint.", "LURE_BANK_DETAILS"},
		// "tout": the procedure for any change, an employer's or
		// university's notice; the announcement beside it still counts.
		{"the procedure with tout", receipt, intro + "Pour tout changement de coordonnées bancaires, déposez le formulaire signé au service RH.", ""},
		{"tout beside the request", receipt, intro + "Pour tout changement de coordonnées bancaires, contactez-nous : voici notre nouveau RIB.", "LURE_BANK_DETAILS"},
		// The rule wrapped round the announcement: the message hands over
		// an account (an IBAN, a document attached), or "tout" is the
		// adverb of "tout nouveau", brand-new.
		{"tout beside an IBAN", receipt, intro + "Tout changement de coordonnées bancaires vous est notifié par écrit : voici nos nouvelles coordonnées.\n\nIBAN : LT05 3250 0247 1937 5510", "LURE_BANK_DETAILS"},
		{"tout nouveau RIB", receipt, intro + "Pour tout règlement, merci d'utiliser désormais notre tout nouveau RIB.", "LURE_BANK_DETAILS"},
		{"a denial beside the request", receipt, intro + "Aucun changement de coordonnées bancaires par téléphone : voici notre nouveau RIB.", "LURE_BANK_DETAILS"},
		{"a determiner far from the phrase", receipt, intro + "Aucun souci : changement de coordonnées bancaires à compter du 1er janvier.", "LURE_BANK_DETAILS"},
		{"the subject asks", "Nouveau RIB", intro + "Merci.", "LURE_BANK_DETAILS"},
		// "ne … jamais de", "ne … pas de": the negative partitive is
		// "aucun" in two words (a notary's or a supplier's warning).
		{"the warning with jamais de", receipt, intro + "Notre étude ne vous communiquera jamais de changement de coordonnées bancaires par courriel.", ""},
		{"the reassurance with pas de", receipt, intro + "Il n'y a pas de changement de coordonnées bancaires.", ""},
		{"the warning beside the request", receipt, intro + "Nous n'envoyons jamais de changement de coordonnées bancaires par courriel, sauf cette fois : merci d'utiliser notre nouveau RIB joint.", "LURE_BANK_DETAILS"},
		{"pas without de", receipt, intro + "N'attendez pas : changement de coordonnées bancaires à compter du 1er janvier.", "LURE_BANK_DETAILS"},
		// The denial's clause ends at a comma, colon or full stop: the
		// "de" after it is the plural's article.
		{"pas, then de nouvelles", receipt, intro + "Ne vous inquiétez pas, de nouvelles coordonnées bancaires s'appliquent dès ce jour.", "LURE_BANK_DETAILS"},
		{"pas: then de nouvelles", receipt, intro + "N'attendez pas : de nouvelles coordonnées bancaires sont en vigueur.", "LURE_BANK_DETAILS"},
		{"jamais. then de", receipt, intro + "Cela n'arrive jamais. De nouvelles coordonnées bancaires sont en vigueur.", "LURE_BANK_DETAILS"},
		{"the warning over a line break", receipt, intro + "Notre étude ne vous communiquera jamais\nde changement de coordonnées bancaires par courriel.", ""},
		{"plus de is also more of", receipt, intro + "Plus de changement de coordonnées bancaires possible après le 15.", "LURE_BANK_DETAILS"},
		// "No." is an invoice's number, not a denial (textmatch.NoneOf).
		{"the request after an invoice's number", "Invoice no. 2211", "Ref no. update our bank details in your records.", "LURE_BANK_DETAILS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := checktest.Message("From: a@example.org\nTo: b@example.org\nSubject: "+tt.subject, tt.body)
			got := ""
			for _, id := range c.Matches(checktest.Input(raw)) {
				if s := c.Entries()[id].Signal; s == "LURE_BANK_DETAILS" {
					got = s
				}
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// German's paired salutation, "Liebe Kundin, lieber Kunde", is a shop's
// or a bank's greeting to its customers of both sexes (pairedGreeting);
// the spam's masculine alone, anywhere in the message, is still the
// anonymous "dear customer".
func TestPairedGermanGreetingIsNoGenericGreeting(t *testing.T) {
	c, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, body string
		want       string // the greeting signal, or ""
	}{
		{"the paired salutation", "Liebe Kundin, lieber Kunde,\n\nbis zum 30. November erhalten Sie 15 % Rabatt auf alle Akku-Werkzeuge.", ""},
		{"the masculine alone", "Lieber Kunde,\n\nsind Sie bereit, interessante Frauen in Ihrer Nähe zu treffen?", "LURE_GENERIC_GREETING"},
		{"the masculine alone after the pair elsewhere", "Liebe Kundin, lieber Kunde,\n\nunser Angebot.\n\nLieber Kunde, entdecken Sie die natürliche Kraft unserer Gummies.", "LURE_GENERIC_GREETING"},
		{"another word before the greeting", "Hallo, lieber Kunde,\n\nIhr Konto wurde gesperrt.", "LURE_GENERIC_GREETING"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := checktest.Message("From: a@example.org\nTo: b@example.org\nSubject: Angebot", tt.body)
			got := ""
			for _, id := range c.Matches(checktest.Input(raw)) {
				if s := c.Entries()[id].Signal; s == "LURE_GENERIC_GREETING" {
					got = s
				}
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// The procedure's "tout" spares nothing in a message that joins a
// document: "pour tout changement de coordonnées bancaires, merci
// d'utiliser le RIB ci-joint" is the fake supplier's rule wrapped round
// its own new account (anyChange); the genuine notice joins none.
func TestAnyChangeWithADocumentJoinedCounts(t *testing.T) {
	c, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	raw := checktest.Message("From: a@example.org\nTo: b@example.org\nSubject: Facture FA-1187\n"+
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b1",
		"--b1\nContent-Type: text/plain; charset=utf-8\n\n"+
			"Pour tout changement de coordonnées bancaires, notre service vous écrit : c'est le cas, merci d'utiliser le RIB ci-joint.\n"+
			"--b1\nContent-Type: application/pdf; name=RIB.pdf\nContent-Disposition: attachment; filename=RIB.pdf\nContent-Transfer-Encoding: base64\n\n"+
			"JVBERi0xLjQKJcOkw7zDtsOfCjEgMCBvYmoKPDwvVHlwZS9DYXRhbG9nPj4KZW5kb2JqCg==\n--b1--\n")
	found := false
	for _, id := range c.Matches(checktest.Input(raw)) {
		if c.Entries()[id].Signal == "LURE_BANK_DETAILS" {
			found = true
		}
	}
	if !found {
		t.Error("the rule beside a joined RIB: no LURE_BANK_DETAILS")
	}
}
