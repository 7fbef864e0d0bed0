package engine

import (
	"path/filepath"
	"slices"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// TestMachineMailIsAccepted: the mail machines write to a hospital's
// mailboxes every day, often badly formed, and that phishing imitates
// (testdata/appareils/README.md): copiers' scan-to-mail from the vendors
// the hospital set lacks (Kyocera, HP, Sharp, Brother, Lexmark, an
// in-house Xerox sending TIFF, a user's scan to himself), with no
// Message-ID or Date, a device's node name or an address literal as HELO,
// an IP literal as sender, a raw 8-bit subject, a Latin-1 export with bare
// LF line ends; toner and label-printer alerts and PaperCut notices;
// NAS, backup and UPS reports; Nagios, PRTG, Grafana, Uptime Kuma,
// Logwatch, cron, fail2ban, smartd and mdadm; access control, video
// surveillance, a time clock, building management, nurse call and a medical
// refrigerator's probe; a lift maintainer's intervention report; Wildix,
// Ringover, Aircall, Teams and Webex voicemail; Popfax and Esker fax
// notices. Each is accepted behind the hospital's trusted MX and under the
// evaluation's trust, where nothing of its authentication is believed.
func TestMachineMailIsAccepted(t *testing.T) {
	acceptedBehindHospitalAndEval(t, "testdata/appareils/*.eml", 44)
}

// TestMachineMailTwinsAreFlagged: the phishing copies of the same kinds
// (testdata/appareils/README.md) — a "scanned document" from a Xerox or a
// Ricoh that is an HTML sign-in page or a link to a free host, a
// voicemail as an .htm attachment, a fax whose PDF points to a sign-in
// page, a backup "failed, log in to fix it", a mailbox quota or Exchange
// server alert — are flagged under both trusts.
func TestMachineMailTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/appareils/twins/*.eml", 11)
}

// TestUPSParcelLureKeepsTheCarrierBesideABatteryWord: the carrier's
// other sense ("UPS battery", "UPS sur batterie": the power supply's
// event, brand other_senses) is blanked out of a subject only where the
// message asks nothing; a parcel lure that writes it in its subject and
// asks to sign in and pay customs fees (testdata/appareils/twins-mx) is
// still read as naming the carrier, and tagged behind the hospital's MX
// (under the evaluation's trust, where the sender's authentication is not
// believed, the brand signal does not apply to it either way).
func TestUPSParcelLureKeepsTheCarrierBesideABatteryWord(t *testing.T) {
	s := hospitalConfig(t)
	for _, f := range fixtures(t, "testdata/appareils/twins-mx/*.eml", 2) {
		v := scanLogged(t, s, f)
		if v.Action == scan.Accept || !slices.Contains(names(v), "BRAND_SUBJECT_OTHER_SENDER") {
			t.Errorf("%s: %s (%.2f) %s", filepath.Base(f), v.Action, v.Score, weighted(v))
		}
	}
}
