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

// TestPasswordApart: the weaker signal needs the message to say the
// password travels apart and to give none in any form; the forms a
// phisher writes instead of "Mot de passe : 2026" give it too.
func TestPasswordApart(t *testing.T) {
	for _, c := range []struct {
		text string
		want bool
	}{
		{"Le mot de passe de l'archive vous est transmis séparément par SMS au numéro 0612345678.", true},
		{"Le document est protégé : je vous communiquerai le mot de passe par téléphone, selon notre usage.", true},
		{"Le mot de passe ne figure pas dans ce message : il vous est envoyé dans un second courriel.", true},
		{"Je t'envoie le mot de passe par un autre canal (Teams), comme le recommande la CNIL.", true},
		{"Il est protégé par le mot de passe personnel que vous avez choisi lors de votre adhésion.", true},
		{"Le mot de passe est votre date de naissance (JJMMAAAA).", true},
		{"The password is being sent by text message.", true},
		{"Veuillez trouver le document ci-joint.", false},
		{"Mot de passe : 2026", false},
		{"Mot de passe 2026", false},
		{"Le mot de passe est le 2026", false},
		{"PIN: 2026", false},
		{"Code d'ouverture : 2026", false},
		{"Le mot de passe pour ouvrir le fichier : Doc2026", false},
		{"Mot de passe - 4417", false},
		{"Le mot de passe vous est envoyé par SMS. Code : 2026", false},
		{"The password was sent by SMS. Passcode Inv2026", false},
	} {
		if got := passwordApart(c.text); got != c.want {
			t.Errorf("passwordApart(%q) = %v, want %v", c.text, got, c.want)
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
		passwordApart(s, s)
	})
}
