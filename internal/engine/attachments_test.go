package engine

import "testing"

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
	flaggedUnderBothTrusts(t, "testdata/attachments/twins/*.eml", 10)
}
