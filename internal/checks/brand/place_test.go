package brand

import "testing"

// placeOnly: a commune-brand's name written as the place (after "d'",
// "de", "à" or a postcode) and nowhere as the brand.
func TestPlaceOnly(t *testing.T) {
	for _, c := range []struct {
		text string
		want bool
	}{
		{"Centre hospitalier d'Orange, avenue de l'Hôpital, 84100 Orange", true},
		{"Réunion à Orange le 12, Pays d'Orange", true},
		{"Transfert d'un patient", true},
		{"Votre messagerie Orange est pleine", false},
		{"Orange : votre facture", false},
		{"Mairie d'Orange. Votre box Orange", false},
		{"841 Orange", false},
		{"Résidence du Canal, au bord du canal", true},
		{"Votre abonnement Canal+ expire", false},
		{"Clinique du Lido : staking Lido", false},
	} {
		if got := placeOnly(c.text, placeNameBrands); got != c.want {
			t.Errorf("placeOnly(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}
