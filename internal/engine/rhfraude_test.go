package engine

import "testing"

// The HR and payroll lures a hospital's honeypot receives
// (testdata/rhfraude/README.md cites each family's public write-up): the
// W-2 or payroll-records request in a forged executive's name, benefits
// open enrollment and mutuelle or prévoyance enrolment behind a sign-in,
// the handbook or règlement intérieur to acknowledge, the salary, bonus
// or performance review to open, an employee's "changement de RIB" to
// payroll from a free mailbox, fake payslip portals, CSE gift cards and
// bonuses. Each is flagged behind the hospital's trusted MX and under the
// evaluation's trust; how many are quarantined is logged (the README
// keeps the count).
func TestHRPayrollLuresAreFlagged(t *testing.T) {
	flaggedCountingQuarantined(t, "testdata/rhfraude/*.eml", 25)
}

// Their genuine counterparts (the HR department's own notices, an
// employee telling payroll his new bank details are in the HR portal, the
// payroll and HR platforms' W-2, payslip, enrollment and review notices):
// accepted behind the company's MX and under the evaluation's trust.
func TestHRPayrollGenuineCounterpartsAreAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/rhfraude/genuine/*.eml", 20)
}

// rhfraudeGaps are the lures still accepted under at least one trust; the
// README's "still missed" table says why for each. A gap flagged under
// both fails here until it moves to the flagged set.
var rhfraudeGaps = []string{
	"adp-direct-deposit-changed-cancel-sosie-en.eml",
	"bulletin-salaire-securise-compromis-glitch-fr.eml",
	"open-enrollment-benefits-portail-sosie-en.eml",
	"performance-review-acknowledge-domaine-jetable-en.eml",
	"w2-wage-statements-domaine-sosie-en.eml",
	"workday-verify-direct-deposit-sosie-en.eml",
}

func TestHRPayrollGapsAreAsKnown(t *testing.T) {
	gapsAreAsKnown(t, "testdata/rhfraude/gaps", rhfraudeGaps, false)
}
