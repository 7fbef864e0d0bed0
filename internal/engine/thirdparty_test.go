package engine

import (
	"testing"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/scan"
)

// A business that speaks of a brand in its display name — an agency in
// the brand's partner programme, a consultant, a shop's review request —
// writes from its own domain and claims no brand (brand thirdParty):
// "Google" alone became a display name in 5c8d2ca, and these were
// quarantined at 5.72 for it. The same words beside an account or
// security word, or from a free mailbox, with the account lure, are
// still flagged.
func TestThirdPartyDisplayNamesClaimNoBrand(t *testing.T) {
	signed := func(d string) auth.Results {
		return auth.Results{SPF: auth.Pass, SPFDomain: d, DMARC: auth.Pass, DMARCPolicy: "none", DMARCDomain: d, DKIM: []auth.DKIMResult{{Domain: d, Result: auth.Pass}}}
	}
	const head = "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit"
	const lure = "Bonjour,\n\nActivité inhabituelle : votre compte Google sera suspendu sous 24 heures.\nVérifiez votre compte pour éviter la désactivation :\nhttps://accounts-google-verif.com/connexion\n"
	for _, c := range []struct {
		name, display, domain, subject, body string
		flagged                              bool
	}{
		{"an agency in the partner programme", "Agence Pixel - Partenaire Google", "agence-pixel-exemple.fr", "Vos campagnes de novembre",
			"Bonjour,\n\nVoici le bilan de vos campagnes Ads de novembre : 1 240 clics, coût par clic en baisse de 8 %.\n\nÀ votre disposition pour en parler,\nJulie, Agence Pixel\n", false},
		{"a shop's review request", "Avis Google - Boulangerie Martin", "avis-clients-exemple.fr", "Merci pour votre visite",
			"Bonjour,\n\nMerci pour votre visite à la Boulangerie Martin. Laissez-nous un avis en deux clics :\nhttps://avis-clients-exemple.fr/r/bm123\n\nL'équipe\n", false},
		{"a consultant", "Marc Lefèvre | Expert Google Ads", "marc-lefevre-conseil.fr", "Devis accompagnement",
			"Bonjour,\n\nComme convenu, je vous envoie le devis pour l'accompagnement de trois mois.\n\nMarc\n", false},
		{"the partner beside an account word", "Partenaire Google - Sécurité du compte", "accounts-google-verif.com", "Votre compte", lure, true},
		{"the partner beside a support word", "Google Partner Support", "accounts-google-verif.com", "Votre compte", lure, true},
		{"the review request from a free mailbox", "Avis Google", "gmail.com", "Votre compte", lure, true},
		{"the partner alone with the account lure", "Partenaire Google", "pixel-agence-web.fr", "Votre compte", lure, true},
		{"the partner alone with a lure that names no brand", "Partenaire Google", "pixel-agence-web.fr", "Votre messagerie",
			"Bonjour,\n\nActivité inhabituelle : votre messagerie sera suspendue sous 24 heures.\nVérifiez votre compte pour éviter la désactivation :\nhttps://pixel-agence-web.fr/connexion\n", true},
		// "Agence" in a public body's own name is no agency speaking of
		// it: another State mailbox, taken over, signing as the ANTS.
		{"a public agency's own name", "ANTS - Agence nationale des titres sécurisés", "agriculture.gouv.fr", "Votre dossier est incomplet",
			"Bonjour,\n\nLes frais d'acheminement de votre titre (13,90 EUR) n'ont pas été réglés.\nPayez-les pour que votre titre soit produit :\nhttps://titres-dossier-paiement.com/paiement\n", true},
	} {
		raw := msg("From: "+c.display+" <contact@"+c.domain+">\nTo: agent@chu-exemple.fr\nSubject: "+c.subject+"\nDate: Sat, 5 Dec 2026 10:00:00 +0100\nMessage-ID: <tp1@"+c.domain+">\n"+head, c.body)
		v := scanWith(t, signed(c.domain), raw, scan.Envelope{MailFrom: "b@" + c.domain})
		t.Logf("%5.2f %-10s %s: %s", v.Score, v.Action, c.name, explainVerdict(v))
		if flagged := v.Action != scan.Accept; flagged != c.flagged {
			t.Errorf("%s: %s (%.2f), want flagged %v", c.name, v.Action, v.Score, c.flagged)
		}
	}
}
