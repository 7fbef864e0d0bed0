package lure

import (
	"slices"

	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
)

// employerName holds the names of the reader's own employer's functions
// that the HR- and payroll-themed lures sign with: human resources,
// payroll, benefits, talent management, the works council (CSE, comité
// d'entreprise), the employee's space. KnowBe4's quarterly top phishing
// subjects are led by HR and payroll notices sent in HR's name (updated
// handbook, benefits enrollment, salary review, payslip), the display name
// "Human Resources" or "Payroll" over the phisher's own domain; FBI IC3's
// payroll-diversion announcement (I-091818-PSA) describes the payroll
// notice that phishes employees' credentials (engine testdata/rhfraude).
var employerName = func() *textmatch.Dict[bool] {
	d := textmatch.New[bool]()
	for _, w := range []string{"human resources", "ressources humaines", "hr", "rh", "drh",
		"payroll", "paie", "benefits", "talent management", "service du personnel",
		"cse", "comite social et economique", "comite d entreprise", "espace salarie"} {
		d.Add(w, true)
	}
	return d
}()

// employerOutsider reports a message signed in the name of the reader's
// own HR, payroll or works council (employerName) from a domain outside
// the reader's organisation (SetOrgDomains, else the recipients' domains):
// the reader's HR writes from the organisation's domain, the HR and
// payroll platforms under their own names (PayFit, Workday's tenant name,
// ADP), and a payroll bureau's "Service paie" sends the payslip itself,
// asking nothing. Asked only of a message that already asks what those
// lures ask: the reader's password (password_request), a document shared
// with him (document_share), his own bank details to update on a page
// elsewhere (bank_update moved into LURE_BANK_DETAILS). Not "connectez-vous
// à votre espace" (credentials) nor a new RIB mentioned (bank_details):
// a GHT's support hospital's payroll service tells the member
// hospitals' agents where to hand their new RIB, a CSE on its own
// association domain invites to its portal (engine
// testdata/rhfraude/genuine; employer_test.go).
func (c *Check) employerOutsider(in *scan.Input) bool {
	name := in.Msg.FromAddr().Name
	if name == "" || in.FromOrg == "" || !employerName.Contains(name, 20) {
		return false
	}
	if len(c.org) > 0 {
		return !c.fromOrg(in)
	}
	orgs := in.RecipientOrgs()
	return len(orgs) > 0 && !slices.Contains(orgs, in.FromOrg)
}
