package attach

import "testing"

func TestPasswordGiven(t *testing.T) {
	for _, c := range []struct {
		text string
		want bool
	}{
		{"Mot de passe : 4521", true},
		{"mdp=Facture2026", true},
		{"Le mot de passe du fichier est 2026", true},
		{"Password: ABC123", true},
		{"The password for the archive is Inv-2026.", true},
		{"Mot de passe : soleil", true},
		{"Le mot de passe de l'archive est : 2580", true},
		{"Password is: hunter", true},
		{"Le mot de passe de l'archive vous est transmis séparément par SMS.", false},
		{"Le mot de passe est votre date de naissance (JJMMAAAA).", false},
		{"Le mot de passe vous sera communiqué par téléphone.", false},
		{"Mot de passe : envoyé par SMS", false},
		{"Le mot de passe ne figure pas dans ce message.", false},
		{"The password is sent separately.", false},
		{"The password is being sent by text message.", false},
		{"Changez votre mot de passe régulièrement.", false},
		{"", false},
	} {
		if got := passwordGiven(c.text); got != c.want {
			t.Errorf("passwordGiven(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

// FuzzPasswordGiven: any text gets an answer, never a panic, and the scan
// is bounded (maxPasswordScan).
func FuzzPasswordGiven(f *testing.F) {
	f.Add("Mot de passe : 4521")
	f.Add("password is «Inv2026»")
	f.Fuzz(func(t *testing.T, s string) {
		passwordGiven(s, s)
	})
}
