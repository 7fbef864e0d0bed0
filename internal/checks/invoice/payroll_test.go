package invoice

import (
	"testing"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// payrollRequests are payroll-diversion requests written for the family
// (payroll.yaml's source), in French and English: every phrase must be
// exercised by one.
var payrollRequests = []string{
	"Bonjour, j'ai changé de banque, je souhaite que mon salaire soit versé sur mon nouveau compte bancaire.",
	"Je viens de changer de banque : pouvez-vous modifier le compte sur lequel mon salaire est versé ?",
	"Suite à un changement de banque, à partir de ce mois mon salaire sera versé sur une autre banque, voici mon nouveau RIB.",
	"Pour le virement de mon salaire, merci d'utiliser mes nouvelles coordonnées bancaires.",
	"J'ai ouvert un compte dans une nouvelle banque pour le versement de mon salaire.",
	"Pouvez-vous verser mon salaire sur mon nouveau compte bancaire ce mois-ci ?",
	"Je voudrais changer de banque pour le virement de ma paie.",
	"Nouvelle banque : le versement de ma paie doit aller sur ce compte.",
	"Voici mon nouveau RIB pour ma paie.",
	"J'ai changé de banque récemment ; merci de mettre à jour le compte utilisé pour mes versements de salaire.",
	"Hi, I changed my bank and would like my salary to be paid into the new account.",
	"I have switched banks, please have my salary paid into my new account from this month.",
	"I changed banks recently; can my salary be deposited elsewhere? I want my salary deposited to my new bank.",
	"Please update my salary account: I opened a new bank account last week.",
	"I need my paycheck to go to my new bank account before the next payroll.",
	"I changed my bank, can my next paycheck go to the new account?",
	"I would like my pay deposited into my new account, I changed my bank.",
	"I recently changed banks and need to update my direct deposit before the next payroll.",
	"Can you change my direct deposit information?",
	"Je souhaite changer mon RIB pour le prochain salaire.",
	"Comment modifier mon RIB ? J'ai changé de banque.",
	// Employee records (data), the W-2 scam's ask and its French records.
	"I want you to send me the list of W-2 copy of employees wage and tax statement for 2026.",
	"Kindly send me the W-2 of all our company staff for a quick review.",
	"Please send all W-2 forms of our employees in PDF.",
	"I need the employees W-2 today.",
	"Kindly send me the individual 2026 W-2 (PDF) and earnings summary of all our company staff.",
	"Send me the W-2s of all employees and copies of all the W-2 forms.",
	"Email me the list of individual W-2 copies of all employees in PDF.",
	"I am analyzing some reports and need a copy of our W-2s for last year.",
	"Envoyez-moi l'état des salaires 2026.",
	"J'ai besoin de l'état récapitulatif des salaires pour le commissaire aux comptes.",
	"Merci de m'adresser le journal de paie de décembre.",
	"Il me faut le fichier du personnel avec les numéros de sécurité sociale.",
	"Transmettez-moi le fichier des RIB.",
	"J'ai besoin des RIB des agents et des RIB des salariés.",
}

func payrollInput(from, replyTo, to, text string) *scan.Input {
	m := &message.Message{Text: text, Subject: "Question"}
	m.From = []message.Address{{Name: "Claire Moreau", Addr: from}}
	m.To = []message.Address{{Addr: to}}
	if replyTo != "" {
		m.ReplyTo = []message.Address{{Addr: replyTo}}
	}
	return scan.NewInput(nil, m, scan.Envelope{})
}

func TestPayrollPhrasesHaveSourcesAndFixtures(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	used := make([]int, len(c.PayrollEntries()))
	for _, r := range payrollRequests {
		in := payrollInput("claire.moreau@gmail.example", "", "paie@hopital.example", r)
		if c.PayrollRequest(in) == nil && c.DataRequest(in) < 0 {
			t.Errorf("no request read in %q", r)
		}
		// Count every phrase the text holds, not only the first two.
		c.payroll.Find(r, 0, func(i int) bool { used[i]++; return true })
	}
	for i, p := range c.PayrollEntries() {
		if used[i] == 0 {
			t.Errorf("payroll phrase %q (%s, %s) is exercised by no fixture", p.Text, p.Kind, p.Source)
		}
	}
}

// A group written as a string instead of a list, or empty, is an error,
// not phrases silently dropped.
func TestPayrollPhrasesRejectsMalformedGroups(t *testing.T) {
	for _, data := range []string{
		"sources:\n  s: described\npay:\n  s: mon salaire soit verse\n",
		"sources:\n  s: described\npay:\n  s:\n",
		"sources:\n  s: described\npay:\n  s:\n    - \"\"\n",
		"sources:\n  s: described\nsalary:\n  s:\n    - mon salaire\n",
		"pay:\n  s:\n    - mon salaire\n",
	} {
		if _, err := PayrollPhrases([]byte(data)); err == nil {
			t.Errorf("%q: no error", data)
		}
	}
}

func TestPayrollDiversionFromOutsideOnly(t *testing.T) {
	free := func(d string) bool { return d == "gmail.example" }
	c, err := New(Options{OrgDomains: []string{"hopital.example"}, Freemail: free})
	if err != nil {
		t.Fatal(err)
	}
	const ask = "Bonjour, j'ai changé de banque, pouvez-vous faire en sorte que mon salaire soit versé sur le nouveau compte ?"
	for _, tc := range []struct {
		name, from, replyTo, text string
		want                      bool
	}{
		{"free mailbox", "claire.moreau@gmail.example", "", ask, true},
		{"forged work address, answers elsewhere", "c.moreau@hopital.example", "claire.moreau@gmail.example", ask, true},
		{"the employee's work mailbox", "c.moreau@hopital.example", "", ask, false},
		// A Reply-To with no domain (a bare local part) answers nowhere else.
		{"the work mailbox, a Reply-To without domain", "c.moreau@hopital.example", "cmoreau", ask, false},
		{"a subdomain of the organisation", "c.moreau@ght.hopital.example", "", ask, false},
		// A GHT member hospital's agent, paid by the support hospital,
		// writes from his own hospital's domain.
		{"another organisation's work mailbox", "c.moreau@ch-membre.example", "", ask, false},
		// Pay or bank alone is no request.
		{"salary only", "claire.moreau@gmail.example", "", "Mon salaire est versé le 28, je vous rembourse ensuite.", false},
		{"bank only", "claire.moreau@gmail.example", "", "J'ai changé de banque, la nouvelle agence est plus proche.", false},
		// A denial is no request.
		{"denied", "claire.moreau@gmail.example", "", "Aucun changement de banque de mon côté ; mon salaire est versé comme avant.", false},
	} {
		var out scan.Emitter
		c.payrollDiversion(payrollInput(tc.from, tc.replyTo, "paie@hopital.example", tc.text), &out)
		if got := out.Emitted("PAYROLL_DIVERSION_REQUEST"); got != tc.want {
			t.Errorf("%s: emitted %v, want %v", tc.name, got, tc.want)
		}
	}
	// With no organisation configured, the recipients' domain is the
	// organisation: a colleague's mail from it is not judged.
	c, _ = New(Options{Freemail: free})
	var out scan.Emitter
	c.payrollDiversion(payrollInput("c.moreau@hopital.example", "", "paie@hopital.example", ask), &out)
	if out.Emitted("PAYROLL_DIVERSION_REQUEST") {
		t.Error("colleague on the recipients' domain judged")
	}
	c.payrollDiversion(payrollInput("claire@gmail.example", "", "paie@hopital.example", ask), &out)
	if !out.Emitted("PAYROLL_DIVERSION_REQUEST") {
		t.Error("free mailbox outside the recipients' domain not judged")
	}
}

func TestEmployeeDataFromFreeMailboxOrRepliesElsewhere(t *testing.T) {
	free := func(d string) bool { return d == "gmail.example" }
	c, err := New(Options{OrgDomains: []string{"hopital.example"}, Freemail: free})
	if err != nil {
		t.Fatal(err)
	}
	const ask = "Please send me the W-2 of all employees in PDF today, this is confidential."
	for _, tc := range []struct {
		name, from, replyTo, text string
		want                      bool
	}{
		{"free mailbox", "ceo.pierre@gmail.example", "", ask, true},
		{"forged executive, replies elsewhere", "direction@hopital.example", "ceo.pierre@gmail.example", ask, true},
		{"forged executive, replies on a look-alike", "direction@hopital.example", "direction@hopital-direction.example", ask, true},
		{"any sender, replies on a free mailbox", "direction@hopital-direction.example", "ceo.pierre@gmail.example", ask, true},
		// A small accounting practice on its ISP's mailbox asks the
		// ledgers for the closing, without CEO fraud's opener.
		{"accountant on a free mailbox", "cabinet.durand@gmail.example", "", "Pour la clôture, merci de me transmettre le journal de paie annuel.", false},
		// IR-2017-20's own wording from a personal address asks every
		// employee's W-2: no opener needed.
		{"every W-2 from a free mailbox", "ceo.pierre@gmail.example", "", "Kindly send me the W-2 of all our company staff for a quick review.", true},
		{"a ledger, then the staff's RIB file, from a free mailbox", "ceo.pierre@gmail.example", "", "Envoyez-moi le journal de paie et le fichier des RIB.", true},
		// A payroll software's support answers through its help desk.
		{"vendor's help desk", "support@logiciel-paie.example", "support+id4821@logiciel-paie.zendesk.example", "Merci de nous transmettre le journal de paie de la période.", false},
		// The payroll provider or the accountant asks from its own domain.
		{"accountant's own domain", "paie@cabinet-comptable.example", "", "Merci de nous transmettre le journal de paie de décembre.", false},
		{"replies on its own subdomain", "paie@cabinet-comptable.example", "retours@mail.cabinet-comptable.example", "Merci de nous transmettre le journal de paie.", false},
		{"no records asked", "ceo.pierre@gmail.example", "", "Are you at your desk?", false},
	} {
		var out scan.Emitter
		if tc.text == ask {
			// The lure family reads CEO fraud's opener in it first.
			out.Emit("LURE_BEC_OPENER", `"confidential task"`)
		}
		c.employeeData(payrollInput(tc.from, tc.replyTo, "paie@hopital.example", tc.text), &out)
		if got := out.Emitted("EMPLOYEE_DATA_REQUEST"); got != tc.want {
			t.Errorf("%s: emitted %v, want %v", tc.name, got, tc.want)
		}
	}
}
