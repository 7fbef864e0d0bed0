package lure

import (
	"slices"
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/checks/sender"
	"vigie.dev/vigie/internal/scan"
)

// LURE_EMPLOYER_OUTSIDER reads an HR, payroll or CSE name from outside the
// organisation only over what the HR-themed lures ask: the mailbox
// password, a shared document, the reader's own bank details to update
// elsewhere. A GHT's support hospital telling the member hospitals'
// agents where to hand a new RIB, a CSE's own domain inviting to its
// portal, ask neither (engine testdata/rhfraude/genuine).
func TestEmployerOutsiderOverWhatTheLuresAsk(t *testing.T) {
	c, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c.SetOrgDomains([]string{"ch-membre.fr"})
	tests := []struct {
		name, from, subject, body string
		want                      bool
	}{
		{"the password asked", "Service paie <paie@bulletins-paie-notification.fr>", "Votre bulletin de paie",
			"Votre bulletin de décembre est disponible. Saisissez le mot de passe de votre messagerie pour le consulter : https://bulletins-paie-notification.fr/b", true},
		{"the support hospital's payroll: where to hand a new RIB", "Service paie GHT <paie@chu-support.fr>", "Paie de janvier",
			"Votre bulletin sera déposé dans votre coffre-fort numérique. Merci de remettre votre nouveau RIB original au bureau du personnel avant le 10 du mois.", false},
		{"a CSE's own domain: its portal", "CSE Atelier <contact@cse-atelier.fr>", "Chèques cadeaux de Noël",
			"Les élus vous offrent 150 euros en chèques cadeaux. Connectez-vous à votre espace sur cse-atelier.fr pour choisir avant le 10 décembre.", false},
		{"the organisation's own payroll", "Service paie <paie@ch-membre.fr>", "Votre bulletin de paie",
			"Saisissez le mot de passe de votre messagerie pour consulter votre bulletin : https://intranet.ch-membre.fr/paie", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := checktest.Message("From: "+tt.from+"\nTo: agents@ch-membre.fr\nSubject: "+tt.subject, tt.body)
			got := slices.ContainsFunc(checktest.Emitted(raw, c, sender.New(nil)), func(s scan.Signal) bool { return s.Name == "LURE_EMPLOYER_OUTSIDER" })
			if got != tt.want {
				t.Errorf("LURE_EMPLOYER_OUTSIDER %v, want %v: %v", got, tt.want, checktest.Emitted(raw, c, sender.New(nil)))
			}
		})
	}
}
