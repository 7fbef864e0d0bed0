package engine

import "testing"

// Device-code phishing (testdata/devicecode/README.md cites the
// write-ups): a fake Teams invitation, a secure document or e-signature,
// a fake IT desk's MFA re-validation, an official's or a journalist's
// invitation, the code in a picture, a table or a calendar event's
// description only; an English Teams copy's "Passcode", the page behind
// an open redirect, written with spaces or defanged, the code in a
// picture's alt text or a picture the text asks for, the page and code in
// an attached PDF or HTML page; each hands the reader a code to type at a
// provider's genuine device-login page (LURE_DEVICE_CODE). Each is flagged behind the hospital's trusted MX
// and under the evaluation's trust; how many are quarantined is logged.
func TestDeviceCodeLuresAreFlagged(t *testing.T) {
	flaggedCountingQuarantined(t, "testdata/devicecode/*.eml", 19)
}

// The phisher's twins of the genuine messages below: the command-line
// output (Azure CLI's, GitHub CLI's) sent with an ask to type its code, the meeting room to
// reconnect, the TV subscription, GitHub's device and Microsoft Learn's
// training profile, the partner's Teams invitation from its own
// Microsoft 365, the security newsletter's look naming phishing, the
// school's guide with the code in a picture, the guides' "code shown on
// the screen" with the code in a picture, the CERT bulletin's look
// (a warning about phishing, the page defanged) asking in its own words
// around a quoted code or button, each with a code to type at the device
// page.
func TestDeviceCodeTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/devicecode/twins/*.eml", 17)
}

// The genuine mail that names the same pages and codes: a developer's bug
// report quoting Azure CLI's sign-in line, another GitHub CLI's, the
// hospital IT's note on the tablets' enrolment errors (Intune's and Teams
// Rooms' error codes beside the page), the hospital IT's guide to
// sign in a Teams Rooms console (the code shown by the console), its
// security alert about the family, CERT Santé's alert quoting a
// campaign's code beside the defanged page, YouTube's help on signing in a TV,
// GitHub's notice of an authorised OAuth application, Microsoft Entra's
// newsletter on the device code flow, a security newsletter quoting a lure
// with the page defanged, a partner's genuine Teams invitation, a
// school's guide to sign in its meeting on a TV (with its logo), Google's
// TV set-up mail, the IT desks' guides (MFA with a meeting room's sign-in,
// Teams phones, shared tablets; in a PDF or with a screenshot) and an
// English Teams invitation with its passcode and dial-in, each with a
// logo; a CERT's bulletin quoting a lure's ask in quotation marks beside
// its defanged indicators. Accepted behind the company's MX, behind the hospital's and under
// the evaluation's trust.
func TestDeviceCodeGenuineAreAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/devicecode/genuine/*.eml", 18)
	acceptedBehindHospitalAndEval(t, "testdata/devicecode/genuine/*.eml", 18)
}

// deviceCodeGaps are the lures still accepted; the README's "Still
// missed" says why.
var deviceCodeGaps = []string{
	"lien-raccourci-code-reunion-gmail-fr.eml",
	"reunion-hameconnage-demande-entre-guillemets-fr.eml",
}

func TestDeviceCodeGapsAreAsKnown(t *testing.T) {
	gapsAreAsKnown(t, "testdata/devicecode/gaps", deviceCodeGaps, true)
}
