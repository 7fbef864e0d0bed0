package forward

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/checks/attach"
	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// countingCheck is the family with an inner scanner that counts its calls.
func countingCheck(t *testing.T) (*Check, *int) {
	s := innerScanner(t)
	calls := 0
	return &Check{Inner: func(ctx context.Context, raw []byte, env scan.Envelope) *scan.Verdict {
		calls++
		return s.Scan(ctx, raw, env)
	}}, &calls
}

// emitted runs the family alone over raw and names what it emits.
func emitted(c *Check, raw []byte, env scan.Envelope) []string {
	s := &scan.Scanner{Policy: scan.DefaultPolicy(), Catalogue: scan.MustCatalogue(c), Checks: c.Checks(), Timeout: checktest.ScanTimeout}
	var names []string
	for _, sg := range s.Scan(context.Background(), raw, env).Signals {
		names = append(names, sg.Name)
	}
	return names
}

// innerPhish is testdata/13's attached message: a SharePoint lure.
func innerPhish(t testing.TB) []byte {
	raw, err := os.ReadFile("testdata/13-phishing-in-an-attached-eml.eml")
	if err != nil {
		t.Fatal(err)
	}
	m := message.Parse(raw, message.Limits{})
	if len(m.Attachments) != 1 {
		t.Fatalf("testdata/13: %d attachments", len(m.Attachments))
	}
	return m.Attachments[0].Data
}

// carrier writes a message from outside carrying parts, each a
// Content-Type line and its body.
func carrier(ct string, parts ...string) []byte {
	var b strings.Builder
	b.WriteString("From: Francis Bernard <f.bernard@transports-bernard-exemple.fr>\r\nTo: compta@chu-exemple.fr\r\nSubject: Documents\r\nMIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: " + ct + "; boundary=\"zz\"\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nCi-joint.\r\n")
	for _, p := range parts {
		b.WriteString("--zz\r\n" + p + "\r\n")
	}
	b.WriteString("--zz--\r\n")
	return []byte(b.String())
}

func rfc822(inner []byte) string { return "Content-Type: message/rfc822\r\n\r\n" + string(inner) }

func emlFile(name string, inner []byte) string {
	return "Content-Type: application/octet-stream; name=\"" + name + "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64.StdEncoding.EncodeToString(inner)
}

func TestAttachedMessage(t *testing.T) {
	phish := innerPhish(t)
	nested := []byte("From: Relais <relais@exemple.net>\r\nSubject: Fwd\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"yy\"\r\n\r\n--yy\r\nContent-Type: text/plain\r\n\r\nvoir\r\n--yy\r\n" + rfc822(phish) + "\r\n--yy--\r\n")
	nested2 := []byte("From: Relais <relais2@exemple.net>\r\nSubject: Fwd\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"xx\"\r\n\r\n--xx\r\nContent-Type: text/plain\r\n\r\nvoir\r\n--xx\r\n" + rfc822(nested) + "\r\n--xx--\r\n")
	big := append(bytes.Clone(phish), strings.Repeat("<p>remplissage</p>\r\n", maxAttachedBytes/20)...)
	for _, c := range []struct {
		name  string
		raw   []byte
		env   scan.Envelope
		calls int
		raise bool
	}{
		{"message/rfc822", carrier("multipart/mixed", rfc822(phish)), scan.Envelope{}, 1, true},
		{"attached .eml", carrier("multipart/mixed", emlFile("Document.eml", phish)), scan.Envelope{}, 1, true},
		{"message file under another name", carrier("multipart/mixed", emlFile("Document.txt", phish)), scan.Envelope{}, 1, true},
		{"a message in an attached message", carrier("multipart/mixed", rfc822(nested)), scan.Envelope{}, 2, true},
		// The third is not scanned on its own; its text is the second's.
		{"three levels down", carrier("multipart/mixed", rfc822(nested2)), scan.Envelope{}, 2, true},
		{"at most four", carrier("multipart/mixed", rfc822(phish), rfc822(phish), rfc822(phish), emlFile("a.eml", phish), emlFile("b.eml", phish), rfc822(phish)), scan.Envelope{}, maxAttached, true},
		{"too big", carrier("multipart/mixed", rfc822(big)), scan.Envelope{}, 0, false},
		{"internal sender", carrier("multipart/mixed", rfc822(phish)), scan.Envelope{Authenticated: true}, 0, false},
		{"a report's returned message", carrier("multipart/report; report-type=delivery-status", rfc822(phish)), scan.Envelope{MailFrom: scan.NullSender}, 0, false},
		{"a report, whoever sends it", carrier("multipart/report; report-type=feedback-report", rfc822(phish)), scan.Envelope{}, 0, false},
		{"a digest's posts", carrier("multipart/digest", "\r\n"+string(phish)), scan.Envelope{}, 0, false},
		{"no attached message", carrier("multipart/mixed", "Content-Type: application/pdf; name=a.pdf\r\n\r\n%PDF-1.4\r\n"), scan.Envelope{}, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			check, calls := countingCheck(t)
			got := emitted(check, c.raw, c.env)
			if *calls != c.calls {
				t.Errorf("%d attached messages scanned, want %d", *calls, c.calls)
			}
			if raised := strings.Contains(strings.Join(got, " "), "ATTACHED_MESSAGE_PHISH"); raised != c.raise {
				t.Errorf("signals %v, want ATTACHED_MESSAGE_PHISH %v", got, c.raise)
			}
		})
	}
}

// A delivery report returning the organisation's own notice (testdata/16)
// is silent; the very same message carried in a multipart/mixed is not.
func TestReportReturnsAreNotJudged(t *testing.T) {
	raw, err := os.ReadFile("testdata/16-delivery-report-returning-our-own-notice.eml")
	if err != nil {
		t.Fatal(err)
	}
	mixed := bytes.Replace(raw, []byte("multipart/report; report-type=delivery-status;"), []byte("multipart/mixed;"), 1)
	for _, c := range []struct {
		raw  []byte
		want bool
	}{{raw, false}, {mixed, true}} {
		check, _ := countingCheck(t)
		got := fmt.Sprint(emitted(check, c.raw, scan.Envelope{MailFrom: scan.NullSender}))
		if strings.Contains(got, "ATTACHED_MESSAGE_PHISH") != c.want {
			t.Errorf("multipart/report %v: %s", !c.want, got)
		}
	}
}

// The text and links of a message/rfc822 part are the carrier's too: what
// the carrier's checks raised from them is not counted again through the
// attached message. testdata/17's forward of a DocuSign lure is still
// judged on its sender's display name.
func TestAttachedMessageCountsWhatTheCarrierDidNot(t *testing.T) {
	raw, err := os.ReadFile("testdata/17-outlook-forward-as-attachment-of-a-phish.eml")
	if err != nil {
		t.Fatal(err)
	}
	got := checktest.Emitted(raw, &Check{Inner: innerScanner(t).Scan}, contentFamilies(t)...)
	want := "ATTACHED_MESSAGE_PHISH\tDocuSign Electronic Signature <dse@docu-sign-envelope-exemple.com>: BRAND_DISPLAY_NAME\n"
	if s := string(checktest.Format(got)); s != want {
		t.Errorf("emitted\n%s\nwant\n%s", s, want)
	}
}

// Most mail carries no message: the check costs it nothing, attachments
// or not.
func TestAttachedCheckCostsNothingWithoutAMessage(t *testing.T) {
	check, calls := countingCheck(t)
	raw := carrier("multipart/mixed", "Content-Type: application/pdf; name=a.pdf\r\n\r\n%PDF-1.4\r\n", "Content-Type: text/plain; name=notes.txt\r\n\r\nFrom the meeting: Subject to approval.\r\n")
	in := scan.NewInput(raw, message.Parse(raw, message.Limits{}), scan.Envelope{})
	out := &scan.Emitter{}
	a := attached{check}
	if n := testing.AllocsPerRun(100, func() { a.Check(t.Context(), in, out) }); n != 0 || *calls != 0 {
		t.Errorf("%v allocations, %d scans", n, *calls)
	}
}

// Whatever a carried message holds, as a message/rfc822 part, an .eml or
// a .msg file, the check ends quickly and never fails the scan.
func FuzzAttached(f *testing.F) {
	if b, err := os.ReadFile("../../olemsg/testdata/03-colleague-forwarding-the-phish-as-attachment.msg"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("From: a@b.example\r\nSubject: x\r\n\r\nbody"))
	f.Add([]byte("From: \"Microsoft\" <a@b.example>\r\nContent-Type: message/rfc822\r\n\r\nFrom: c@d\r\nDate: x\r\n\r\n"))
	f.Add([]byte("From x\nFrom: a\nReceived: b\nContent-Type: multipart/report; boundary=q\n\n--q\nContent-Type: message/rfc822\n\nFrom: e\n--q--"))
	s := innerScanner(f)
	c := &Check{Inner: s.Scan, InnerCarried: carriedScanner(f).Scan}
	// Warm up: what the scanners load on their first phish is not timed.
	emitted(c, carrier("multipart/mixed", rfc822(innerPhish(f))), scan.Envelope{})
	f.Fuzz(func(t *testing.T, inner []byte) {
		for _, raw := range [][]byte{carrier("multipart/mixed", rfc822(inner)), carrier("multipart/mixed", emlFile("m.eml", inner)),
			carrier("multipart/mixed", attachedAs("m.msg", "application/vnd.ms-outlook", inner))} {
			start := time.Now()
			for _, name := range emitted(c, raw, scan.Envelope{}) {
				if name == "SCAN_CHECK_ERROR" {
					t.Fatalf("check failed on %q", inner)
				}
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("%v for %d bytes", d, len(inner))
			}
		}
	})
}

// msgFile is one of internal/olemsg's generated .msg fixtures.
func msgFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../../olemsg/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func attachedAs(name, ct string, data []byte) string {
	return "Content-Type: " + ct + "; name=\"" + name + "\"\r\nContent-Disposition: attachment; filename=\"" + name + "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64.StdEncoding.EncodeToString(data)
}

// An Outlook .msg is judged as an attached .eml is: the credential phish
// in one, attached to a clean carrier, is held, whatever tells it is a
// .msg (its name, its declared type, its first bytes); a supplier's
// genuine notice in one is not; a compound file that holds no message
// (a Word 97 document) is not scanned.
func TestAttachedOutlookMessage(t *testing.T) {
	phish := msgFile(t, "01-sharepoint-credential-phish.msg")
	notice := msgFile(t, "02-supplier-invoice-notice.msg")
	forward := msgFile(t, "03-colleague-forwarding-the-phish-as-attachment.msg")
	doc := append(append([]byte(nil), phish[:8]...), bytes.Repeat([]byte{0}, 1024)...)
	relay := []byte("From: Relais <relais@exemple.net>\r\nSubject: Fwd\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"yy\"\r\n\r\n--yy\r\nContent-Type: text/plain\r\n\r\nvoir\r\n--yy\r\n" +
		attachedAs("Bon de commande.msg", "application/vnd.ms-outlook", phish) + "\r\n--yy--\r\n")
	for _, c := range []struct {
		name  string
		raw   []byte
		env   scan.Envelope
		calls int
		held  bool
	}{
		{"a phish in a .msg", carrier("multipart/mixed", attachedAs("Bon de commande.msg", "application/octet-stream", phish)), scan.Envelope{}, 1, true},
		{"declared as Outlook's", carrier("multipart/mixed", attachedAs("Bon de commande", "application/vnd.ms-outlook", phish)), scan.Envelope{}, 1, true},
		{"named .eml", carrier("multipart/mixed", attachedAs("Bon de commande.eml", "application/octet-stream", phish)), scan.Envelope{}, 1, true},
		{"known by its first bytes", carrier("multipart/mixed", attachedAs("document.bin", "application/octet-stream", phish)), scan.Envelope{}, 1, true},
		{"the phish embedded in a colleague's .msg", carrier("multipart/mixed", attachedAs("TR document.msg", "application/vnd.ms-outlook", forward)), scan.Envelope{}, 1, true},
		{"HTML only in the compressed RTF", carrier("multipart/mixed", attachedAs("Mot de passe.msg", "application/vnd.ms-outlook", msgFile(t, "05-password-phish-html-only-in-rtf.msg"))), scan.Envelope{}, 1, true},
		// The relay's message and, one level down, the .msg it carries.
		{"a .msg in a forwarded message", carrier("multipart/mixed", rfc822(relay)), scan.Envelope{}, 2, true},
		{"a laboratory's signed notice in a .msg", carrier("multipart/mixed", attachedAs("Résultats.msg", "application/vnd.ms-outlook", msgFile(t, "06-signed-laboratory-notice.msg"))), scan.Envelope{}, 1, false},
		{"a message Outlook wrote", carrier("multipart/mixed", attachedAs("test.msg", "application/vnd.ms-outlook", msgFile(t, "mscfb-test.msg"))), scan.Envelope{}, 1, false},
		{"an Excel 97 workbook", carrier("multipart/mixed", attachedAs("budget.xls", "application/vnd.ms-excel", msgFile(t, "mscfb-test.xls"))), scan.Envelope{}, 0, false},
		{"a supplier's notice in a .msg", carrier("multipart/mixed", attachedAs("Facture.msg", "application/vnd.ms-outlook", notice)), scan.Envelope{}, 1, false},
		{"a compound file that is no message", carrier("multipart/mixed", attachedAs("rapport.doc", "application/msword", doc)), scan.Envelope{}, 0, false},
		{"internal sender", carrier("multipart/mixed", attachedAs("Bon de commande.msg", "application/vnd.ms-outlook", phish)), scan.Envelope{Authenticated: true}, 0, false},
		{"at most four", carrier("multipart/mixed", attachedAs("1.msg", "", phish), attachedAs("2.msg", "", phish), attachedAs("3.msg", "", phish),
			attachedAs("4.msg", "", phish), attachedAs("5.msg", "", phish)), scan.Envelope{}, maxAttached, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			check, calls := countingCheck(t)
			got := strings.Join(emitted(check, c.raw, c.env), " ")
			if *calls != c.calls {
				t.Errorf("%d attached messages scanned, want %d", *calls, c.calls)
			}
			if held := strings.Contains(got, "ATTACHED_MESSAGE_PHISH_HELD"); held != c.held || strings.Contains(got, "ATTACHED_MESSAGE_PHISH") != c.held {
				t.Errorf("signals %s, want held %v", got, c.held)
			}
		})
	}
}

// The phish in a .msg is named and explained as the same phish in an
// .eml would be.
func TestAttachedOutlookMessageDetail(t *testing.T) {
	raw := carrier("multipart/mixed", attachedAs("Bon de commande.msg", "application/vnd.ms-outlook", msgFile(t, "01-sharepoint-credential-phish.msg")))
	got := string(checktest.Format(checktest.Emitted(raw, &Check{Inner: innerScanner(t).Scan}, contentFamilies(t)...)))
	want := "ATTACHED_MESSAGE_PHISH\tMicrosoft SharePoint <no-reply@sharepoint-fichiers-exemple.com>: BRAND_DISPLAY_NAME, FROM_BRAND_IN_DOMAIN, URL_FREE_HOSTING, LURE_CREDENTIALS\n" +
		"ATTACHED_MESSAGE_PHISH_HELD\t13.5\n"
	if got != want {
		t.Errorf("emitted\n%s\nwant\n%s", got, want)
	}
}

// carriedScanner is the engine's scanner of messages carried as files:
// the inner scanner's families and the attachment family.
func carriedScanner(t testing.TB) *scan.Scanner {
	t.Helper()
	families := append(contentFamilies(t), attach.Check{})
	s := &scan.Scanner{Policy: InnerPolicy(), Catalogue: scan.MustCatalogue(families...), Timeout: checktest.ScanTimeout}
	for _, f := range families {
		s.Checks = append(s.Checks, f.Checks()...)
	}
	return s
}

// The malicious element mx_sec_conf says is sent inside an attached
// message — here a program disguised as a PDF — is judged in an attached
// .msg or .eml file, which the carrier's attachment family sees only as
// one file. In a message/rfc822 part the carrier's attachment family sees
// it itself, and it is not counted a second time.
func TestCarriedMessageAttachments(t *testing.T) {
	msg := msgFile(t, "07-invoice-with-a-disguised-program.msg")
	eml := []byte("From: Service facturation <facturation@fournisseur-exemple.fr>\r\nTo: compta@chu-exemple.fr\r\nSubject: Facture 2026-1187\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"q\"\r\n\r\n--q\r\nContent-Type: text/plain\r\n\r\nBonjour, ci-joint la facture 2026-1187.\r\n--q\r\n" +
		attachedAs("facture_2026-1187.pdf.exe", "application/octet-stream", []byte("MZ selftest: not a real program")) + "\r\n--q--\r\n")
	raise := map[string]bool{}
	for _, d := range (attach.Check{}).Signals() {
		raise[d.Name] = true
	}
	c := &Check{Inner: innerScanner(t).Scan, InnerCarried: carriedScanner(t).Scan, CarriedRaise: raise}
	// The program counts on the carrier whichever way it is wrapped, as
	// it would attached directly: a message file around it must not
	// weaken the verdict. It counts once: the carried message's own
	// score leaves it out.
	for _, tc := range []struct {
		name string
		raw  []byte
		want string
	}{
		{"in a .msg", carrier("multipart/mixed", attachedAs("Facture.msg", "application/vnd.ms-outlook", msg)), "ATTACH_EXECUTABLE\tFacture.msg: facture_2026-1187.pdf.exe"},
		{"in an .eml file", carrier("multipart/mixed", emlFile("Facture.eml", eml)), "ATTACH_EXECUTABLE\tFacture.eml: facture_2026-1187.pdf.exe"},
		{"in a message/rfc822 part", carrier("multipart/mixed", rfc822(eml)), "ATTACH_EXECUTABLE\tfacture_2026-1187.pdf.exe"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(checktest.Format(checktest.Scan(tc.raw, append(contentFamilies(t), attach.Check{}, c)...)))
			if !strings.Contains(got, tc.want) || !strings.Contains(got, "ATTACH_DOUBLE_EXT") ||
				strings.Contains(got, "ATTACHED_MESSAGE_PHISH_HELD") {
				t.Errorf("emitted\n%s\nwant %q", got, tc.want)
			}
		})
	}
	// Without a scanner for carried files, Inner judges them: the program
	// is not seen.
	got := emitted(&Check{Inner: innerScanner(t).Scan}, carrier("multipart/mixed", attachedAs("Facture.msg", "", msg)), scan.Envelope{})
	if strings.Contains(strings.Join(got, " "), "ATTACHED_MESSAGE") {
		t.Errorf("Inner alone: %v", got)
	}
}

// A message file the check could not read within its limits is said, as
// an archive the attachment family cannot open is (ATTACH_ARCHIVE_OPAQUE),
// not passed as clean; a big Word or Excel 97-2003 file, which shares the
// compound signature, is not a message and is not said.
func TestUninspectedCarriedMessages(t *testing.T) {
	phish := innerPhish(t)
	big := append(bytes.Clone(phish), strings.Repeat("<p>remplissage</p>\r\n", maxAttachedBytes/20+1)...)
	compound := append(bytes.Clone(msgFile(t, "01-sharepoint-credential-phish.msg")), make([]byte, maxAttachedBytes)...)
	for _, c := range []struct {
		name string
		raw  []byte
		want bool
	}{
		{"an .eml over the size limit", carrier("multipart/mixed", emlFile("Transfert.eml", big)), true},
		{"a .msg over the size limit", carrier("multipart/mixed", attachedAs("Transfert.msg", "application/vnd.ms-outlook", compound)), true},
		{"a big compound document", carrier("multipart/mixed", attachedAs("Inventaire.xls", "application/vnd.ms-excel", compound)), false},
		{"an .eml within the limits", carrier("multipart/mixed", emlFile("Transfert.eml", phish)), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			check, _ := countingCheck(t)
			got := emitted(check, c.raw, scan.Envelope{})
			if has := strings.Contains(strings.Join(got, " "), "ATTACH_ARCHIVE_OPAQUE"); has != c.want {
				t.Errorf("signals %v, want ATTACH_ARCHIVE_OPAQUE %v", got, c.want)
			}
		})
	}
}
