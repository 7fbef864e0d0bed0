package lure

import (
	"strings"
	"testing"
)

// The hand-over's words in a PDF's text: the protected document to open,
// a code to scan, an account notice; not what a genuine invoice,
// statement or ticket says (a sum, "payer en ligne", a ticket to show at
// the door). The portal's invitation (sign in to your space, view the
// document) is every portal's document's and counts only when the link
// leads to a host anyone may publish on (open).
func TestHandoverWords(t *testing.T) {
	c, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		text string
		open bool
		want bool
	}{
		{"Facture 2026-0618\nDocument protégé - cliquez sur le bouton pour l'afficher.\nOuvrir le document", false, true},
		{"Relevé de compte fournisseur\nScannez le code QR pour afficher le détail des factures.\nConnexion Microsoft 365 requise.", false, true},
		{"Secure Document\nYou have received a protected document. View document", false, true},
		{"Pending balance: 23,543 USD. Sign in now to withdraw before your account is closed.", true, true},
		{"Pending balance: 23,543 USD. Sign in now to withdraw before your account is closed.", false, false},
		{"Facture déposée sur Chorus Pro. Pour suivre son traitement, connectez-vous à votre espace Chorus Pro.", false, false},
		{"Réponses aux questions n° 3 : connectez-vous sur achatpublic.com pour consulter le document et le DCE modifié.", false, false},
		{"Signé électroniquement. Voir le document et son dossier de preuve sur Yousign", false, false},
		{"Votre facture est disponible : connectez-vous à votre espace pour consulter le document.", true, true},
		{"Activité inhabituelle détectée sur votre compte. Connectez-vous à votre espace.", false, true},
		{"Facture F2026-1187\nMontant TTC : 1 248,00 EUR\nÉchéance : 31/12/2026\nPayer en ligne par carte ou virement : bouton « Payer en ligne »", false, false},
		{"Billet électronique - Journées régionales\nPrésentez ce billet à l'entrée, imprimé ou sur votre téléphone.\nBillet n° 4815162342", false, false},
		{"Relevé de compte n° 12 du 30/11/2026\nSolde créditeur au 30/11/2026 : 12 480,17 EUR", false, false},
	} {
		if got := c.handoverWords(tt.text, tt.open) != ""; got != tt.want {
			t.Errorf("handoverWords(%q) = %q, want found %v", tt.text, c.handoverWords(tt.text, tt.open), tt.want)
		}
	}
}

// Whatever a PDF's text holds, the reading ends, reads at most
// maxHandoverWords words per dictionary and quotes at most quotedPhrases
// phrases.
func FuzzHandoverWords(f *testing.F) {
	c, err := New(nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add("Document protégé - connectez-vous à votre espace. Ouvrir le document", true)
	f.Add("Facture déposée sur Chorus Pro : connectez-vous à votre espace Chorus Pro.", false)
	f.Add(strings.Repeat("connectez-vous ", 3000)+"document protégé", false)
	f.Add("cliquez ici pour vous connecter\x00\xff\xfe", true)
	f.Fuzz(func(t *testing.T, text string, open bool) {
		if got := c.handoverWords(text, open); strings.Count(got, `"`) > 2*quotedPhrases {
			t.Errorf("handoverWords quoted more than %d phrases: %q", quotedPhrases, got)
		}
	})
}

// A signal's detail stands for a PDF's link only when it names the link's
// host, not a longer or shorter name holding it.
func TestNamesHost(t *testing.T) {
	for _, c := range []struct {
		detail, host string
		want         bool
	}{
		{"portail.chorus-pro-gouv.fr ~ gouv.fr", "portail.chorus-pro-gouv.fr", true},
		{"chu-exemple-rh.fr ~ own domain", "chu-exemple-rh.fr", true},
		{"portail-chorus.fr:8443", "portail-chorus.fr", true},
		{"a.example.fr, portail-chorus.fr", "portail-chorus.fr", true},
		{"www.portail-chorus.fr:8443", "portail-chorus.fr", false},
		{"portail-chorus.fr.kit.example:8443", "portail-chorus.fr", false},
		{"x-portail-chorus.fr ~ Chorus Pro", "portail-chorus.fr", false},
		{"", "portail-chorus.fr", false},
		{"portail-chorus.fr", "", false},
		// U+023A is two bytes, its lower case three: the index is taken
		// in the lowered detail, and read there.
		{"\u023ax.fr", "x.fr", false},
		{"\u023aX.fr, Portail-Chorus.fr", "portail-chorus.fr", true},
		{"\u0130portail-chorus.fr", "portail-chorus.fr", false},
	} {
		if got := namesHost(c.detail, c.host); got != c.want {
			t.Errorf("namesHost(%q, %q) = %v", c.detail, c.host, got)
		}
	}
}

// A signal's detail is any text a check wrote, an IDN's included:
// namesHost never reads outside it.
func FuzzNamesHost(f *testing.F) {
	f.Add("portail-chorus.fr:8443", "portail-chorus.fr")
	f.Add("\u023ax.fr", "x.fr")
	f.Add("\u0130\u0130a", "a")
	f.Fuzz(func(t *testing.T, detail, host string) {
		namesHost(detail, host)
	})
}
