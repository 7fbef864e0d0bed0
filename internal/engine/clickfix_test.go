package engine

import "testing"

// The "paste and run" lures (ClickFix, fake CAPTCHA, fake "how to fix"
// button; testdata/clickfix/README.md cites the write-ups): an HTML
// attachment posing as a Word, Excel or OneDrive document whose button
// puts a command on the clipboard, the same steps written in the body
// (Windows + R, Ctrl + V, Entrée; PowerShell; macOS Terminal), a fake
// Booking.com guest message, a fake Teams or Zoom audio fix, the steps in
// an attached PDF, the steps refused "on any other site" only. Each is
// flagged behind the hospital's trusted MX and under the evaluation's
// trust; how many are quarantined is logged (the README keeps the count).
func TestClickFixLuresAreFlagged(t *testing.T) {
	flaggedCountingQuarantined(t, "testdata/clickfix/*.eml", 21)
}

// Their genuine counterparts, the same words used honestly: a software
// vendor's support asking for the output of ipconfig /all pasted into the
// reply, a developers' list on navigator.clipboard.writeText, a shop's
// newsletter with its "copier le code promo" button, a guest's message
// relayed by Booking.com, Microsoft Learn's PowerShell newsletter showing
// the winget line to paste. Accepted behind the company's MX and under
// the evaluation's trust.
func TestClickFixGenuineCounterpartsAreAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/clickfix/genuine/*.eml", 13)
}

// The hospital's own IT desk: Windows + R and a path or mstsc typed, a
// path shown in the message copied and pasted, the same in a PDF guide. Accepted behind its MX
// with the margin and under the evaluation's trust.
func TestClickFixHospitalITDeskIsAccepted(t *testing.T) {
	acceptedWithMargin(t, "testdata/clickfix/genuine/hopital/*.eml", 7)
	acceptedBehindHospitalAndEval(t, "testdata/clickfix/genuine/hopital/*.eml", 7)
}

// The phishers' twins of the genuine ones: the IT desk's look from a
// look-alike domain with a download-and-run command shown to paste, or a
// "correctif" a page copied; the vendor's support, Booking.com's relay,
// Microsoft Learn's newsletter and the shop's promo code, each asking to
// paste into the Run box or PowerShell.
func TestClickFixTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/clickfix/twins/*.eml", 16)
}

// clickfixGaps are the lures still accepted under at least one trust; the
// README's "still missed" table says why.
var clickfixGaps = []string{
	"facture-verification-humaine-lien-compromis-fr.eml",
}

func TestClickFixGapsAreAsKnown(t *testing.T) {
	gapsAreAsKnown(t, "testdata/clickfix/gaps", clickfixGaps, false)
}
