package engine

import (
	"path/filepath"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// Attachments of the kinds a French hospital, public body or company
// exchanges (testdata/attachments/README.md, each shape with its source):
// password-protected archives and PDFs whose password goes by another
// channel, macro workbooks from a colleague or the ARS, signed tender
// documents (.p7m, .p7s, XAdES), Factur-X, UBL and CII invoices, a PES
// acknowledgment, calendar, contact and forwarded-message attachments,
// DICOM and HPRIM files, a travel agency's HTML e-ticket, a signature's SVG
// logo, winmail.dat, copier scans, zips of photos or PDFs, Office and
// OpenDocument files, an Office-encrypted document from a lawyer. Each is
// accepted behind the hospital's trusted MX with hospitalMargin to spare,
// and under the evaluation's trust (TestMustAcceptFixturesUnderEvalTrust).
func TestAttachmentsAreAccepted(t *testing.T) {
	acceptedWithMargin(t, "testdata/attachments/*.eml", 30)
}

// TestAttachmentTwinsAreFlagged: the phishing twin of each genuine shape
// (testdata/attachments/twins/README.md) is flagged behind the hospital's
// trusted MX and under the evaluation's trust.
func TestAttachmentTwinsAreFlagged(t *testing.T) {
	files, err := filepath.Glob("testdata/attachments/twins/*.eml")
	if err != nil || len(files) < 10 {
		t.Fatalf("fixtures missing: %d, %v", len(files), err)
	}
	for _, s := range []struct {
		name string
		s    *scan.Scanner
	}{{"hospital", hospitalConfig(t)}, {"eval-corpus trust", newScanner(t, evalTrustConfig(t))}} {
		for _, f := range files {
			if v := scanLogged(t, s.s, f); v.Action == scan.Accept {
				t.Errorf("%s, %s: %s (%.2f) %s", s.name, filepath.Base(f), v.Action, v.Score, weighted(v))
			}
		}
	}
}
