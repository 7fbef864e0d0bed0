package engine

import (
	"path/filepath"
	"slices"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// The mail and hosting providers' own notices about the mailbox password
// (testdata/hebergeur/README.md): a host's "le mot de passe de messagerie
// de la boîte … a été modifié", a provider's "votre adresse et votre mot
// de passe de messagerie restent les mêmes", a bank's "ne vous demandera
// jamais votre mot de passe de messagerie". They name the password and
// ask nothing of it: accepted under both trusts, and no
// LURE_PASSWORD_REQUEST.
func TestProviderPasswordNoticesAreAccepted(t *testing.T) {
	acceptedUnderBothTrusts(t, "testdata/hebergeur/*.eml", 3)
	passwordRequestUnderBothTrusts(t, "testdata/hebergeur/*.eml", false)
}

// TestProviderPasswordTwinsAreFlagged: the kit's copies, which ask the
// mailbox password ("confirmez-le ici", "enter your mailbox password",
// the changed-password notice that asks the current one to cancel the
// change), are flagged under both trusts and keep LURE_PASSWORD_REQUEST.
func TestProviderPasswordTwinsAreFlagged(t *testing.T) {
	flaggedUnderTrustSettings(t, "testdata/hebergeur/twins/*.eml", 3)
	passwordRequestUnderBothTrusts(t, "testdata/hebergeur/twins/*.eml", true)
}

// passwordRequestUnderBothTrusts requires each fixture matching pattern to
// carry LURE_PASSWORD_REQUEST (want) or not, under both trust settings.
func passwordRequestUnderBothTrusts(t *testing.T, pattern string, want bool) {
	t.Helper()
	files := fixtures(t, pattern, 1)
	for _, c := range trustSettings(t) {
		s := newScanner(t, c.cfg)
		for _, f := range files {
			v := scanLogged(t, s, f)
			got := slices.ContainsFunc(v.Signals, func(sig scan.Signal) bool { return sig.Name == "LURE_PASSWORD_REQUEST" })
			if got != want {
				t.Errorf("%s, %s: LURE_PASSWORD_REQUEST %v, want %v: %s", c.name, filepath.Base(f), got, want, weighted(v))
			}
		}
	}
}
