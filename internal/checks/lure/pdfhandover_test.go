package lure

import "testing"

// The hand-over's words in a PDF's text: the protected document to open,
// a code to scan, a sign-in; not what a genuine invoice, statement or
// ticket says (a sum, "payer en ligne", a ticket to show at the door).
func TestHandoverWords(t *testing.T) {
	c, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"Facture 2026-0618\nDocument protégé - cliquez sur le bouton pour l'afficher.\nOuvrir le document", true},
		{"Relevé de compte fournisseur\nScannez le code QR pour afficher le détail des factures.\nConnexion Microsoft 365 requise.", true},
		{"Secure Document\nYou have received a protected document. View document", true},
		{"Pending balance: 23,543 USD. Sign in now to withdraw before your account is closed.", true},
		{"Facture F2026-1187\nMontant TTC : 1 248,00 EUR\nÉchéance : 31/12/2026\nPayer en ligne par carte ou virement : bouton « Payer en ligne »", false},
		{"Billet électronique - Journées régionales\nPrésentez ce billet à l'entrée, imprimé ou sur votre téléphone.\nBillet n° 4815162342", false},
		{"Relevé de compte n° 12 du 30/11/2026\nSolde créditeur au 30/11/2026 : 12 480,17 EUR", false},
	} {
		if got := c.handoverWords(tt.text) != ""; got != tt.want {
			t.Errorf("handoverWords(%q) = %q, want found %v", tt.text, c.handoverWords(tt.text), tt.want)
		}
	}
}
