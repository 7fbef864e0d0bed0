package engine

import (
	"slices"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// File-sharing notices (testdata/partage/README.md): OneDrive, SharePoint
// and Teams from the company's own tenant and from partners' tenants,
// Google Drive and Docs, Dropbox, Box, WeTransfer, Smash, SwissTransfer,
// RENATER's FileSender, France Transfert, the company's own Nextcloud and
// a partner's ownCloud, Tresorit, Oodrive, pCloud, iCloud — the most
// imitated family of all, so the one whose genuine copies are most at risk
// of a false positive. Each is accepted behind the company's trusted MX
// and under the evaluation's trust, where nothing of its authentication is
// believed.
func TestFileSharingNoticesAreAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/partage/*.eml", 48)
}

// TestFileSharingTwinsAreFlagged: the phishing copies of the same notices
// (testdata/partage/README.md) — a OneDrive notice from a look-alike
// domain leading to a form on a site builder, SharePoint's name on a
// Gmail address, a "document partagé" that is an HTML sign-in form, a
// WeTransfer look-alike asking for the mailbox password, Google's sharing
// notice forged to lead to a free host, a real Google share of an
// attacker's "invoice" or of a drawing from a Gmail account, a compromised
// supplier's "Dropbox" link to a form, France Transfert on a look-alike —
// are flagged under both trusts.
func TestFileSharingTwinsAreFlagged(t *testing.T) {
	flaggedUnderBothTrusts(t, "testdata/partage/twins/*.eml", 13)
}

// TestSharingNoticeReplyTo: Google Drive writes a share in the sharer's
// name with Reply-To the sharer, a friend's Gmail address too, and prints
// that address in the text. On such a notice whose links open the shared
// item on Google's own hosts and whose words ask nothing else, the
// Reply-To is the service's default and REPLYTO_FREEMAIL is not raised:
// "Dossier partagé avec vous" from a friend was quarantined at 5.52
// (REPLYTO_FREEMAIL 3.83 + LURE_DOCUMENT_SHARE 1.69). The attacker's
// copies keep it: Google's notice forged to lead to a free host, a real
// share of an "invoice" to pay, a real share of a drawing (the carrier of
// the abuse of Google's notices), Dropbox's notice forged to lead to a
// free host. WeTransfer's e-mail transfer (the sender's address printed,
// the transfer on we.tl) and Google Photos' shared album (on
// photos.app.goo.gl, which only Google's apps write links on) have the
// same shape; a real transfer of an unpaid "invoice" and either notice
// forged to lead to a free host keep it.
func TestSharingNoticeReplyTo(t *testing.T) {
	for _, c := range trustSettings(t) {
		s := newScanner(t, c.cfg)
		for f, want := range map[string]bool{
			"testdata/partage/google-drive-ami-gmail-dossier-photos.eml":                           false,
			"testdata/partage/google-drive-ami-gmail-tableur-partage.eml":                          false,
			"testdata/partage/twins/faux-google-drive-notice-forgee-lien-pages-dev.eml":            true,
			"testdata/partage/twins/faux-google-docs-partage-reel-facture-gmail.eml":               true,
			"testdata/partage/twins/faux-google-dessin-partage-gmail-sans-message.eml":             true,
			"testdata/partage/twins/faux-google-sheets-notice-forgee-vrai-document-gmail.eml":      true,
			"testdata/partage/twins/faux-google-sheets-partage-reel-nom-de-l-entreprise-gmail.eml": true,
			"testdata/partage/wetransfer-graphiste-gmail-fichiers-sources.eml":                     false,
			"testdata/perso/google-photos-album-partage-vacances.eml":                              false,
			"testdata/partage/twins/faux-wetransfer-reel-facture-impayee-gmail.eml":                true,
			"testdata/partage/twins/faux-wetransfer-notice-forgee-lien-pages-dev.eml":              true,
			"testdata/perso/twins/faux-google-photos-notice-forgee-lien-web-app.eml":               true,
		} {
			v := scanLogged(t, s, f)
			got := slices.ContainsFunc(v.Signals, func(sig scan.Signal) bool { return sig.Name == "REPLYTO_FREEMAIL" })
			if got != want {
				t.Errorf("%s, %s: REPLYTO_FREEMAIL %v, want %v: %s (%.2f) %s", c.name, f, got, want, v.Action, v.Score, weighted(v))
			}
		}
	}
}
