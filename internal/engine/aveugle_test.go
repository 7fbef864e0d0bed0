package engine

import "testing"

// A blind probe of a French hospital's inbox (testdata/aveugle/README.md):
// forty messages an ordinary week brings to a CHU's administration,
// pharmacy, IT department, nurse managers and doctors — the ARS, HAS,
// ANS, ANSM, CERT Santé and the FHF; amelipro, the Urssaf, the DGFiP and
// Chorus Pro; suppliers' order confirmations, invoices, backorders and a
// device recall; temp-staff agencies and Hublo; the ANFH, the DPC agency,
// a union and the CGOS; a lab's results, Doctolib and Maiia; the
// hospital's own Mediboard, Hopital Manager and GLPI; MSSanté mail from
// Mailiz; Teams, SharePoint and the Microsoft 365 message center; a
// mutual insurer, a trade fair, DocuSign, a GHT partner's Teams
// invitation, an out-of-office reply, a patient's thanks from Gmail, a
// colleague's forward, a LinkedIn InMail and a regional newspaper —
// written before any other set was read, then scored; and the two Mon
// espace santé notices and an agent's own bank change from her work
// mailbox, written afterwards as counterparts of the lures the fixes
// flag. Each is accepted
// behind the hospital's trusted MX and under the evaluation's trust.
func TestBlindHospitalWeekIsAccepted(t *testing.T) {
	acceptedBehindHospitalAndEval(t, "testdata/aveugle/*.eml", 45)
}

// The lures written beside them, from campaigns documented in 2024-2026
// against French health and public bodies (the README cites each): those
// flagged behind the hospital's MX and under the evaluation's trust; how
// many are quarantined is logged.
func TestBlindHospitalLuresAreFlagged(t *testing.T) {
	flaggedCountingQuarantined(t, "testdata/aveugle/twins/*.eml", 22)
}

// aveugleGaps are the lures still accepted under at least one trust; the
// README's table says why for each.
var aveugleGaps = []string{
	"fraude-president-directeur.eml",
	"rh-changement-rib-agent.eml",
}

func TestBlindHospitalGapsAreAsKnown(t *testing.T) {
	gapsAreAsKnown(t, "testdata/aveugle/gaps", aveugleGaps, false)
}
