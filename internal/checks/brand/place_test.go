package brand

import "testing"

// placeOnly: a place-brand's name written as the place (after an
// establishment's or a street's word and its article, "à" for the commune,
// or a postcode) and nowhere as the brand.
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
		{"Clinique du Lido - 14 promenade du Lido - 06000 Nice", true},
		{"Votre abonnement de Canal+ expire", false},
		{"Vos récompenses de staking du Lido", false},
		{"Votre messagerie d'Orange est pleine", false},
		{"Votre abonnement à Canal+ expire", false},
		{"Conservatoire de musique d'Orange", true},
		{"Communauté de communes du Pays Réuni d'Orange", true},
		{"Résidence : votre messagerie d'Orange", false},
		{"Maison de votre box d'Orange", false},
		{"Les Chorégies d'Orange", false},
	} {
		if got := placeOnly(c.text, placeNameBrands); got != c.want {
			t.Errorf("placeOnly(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}
