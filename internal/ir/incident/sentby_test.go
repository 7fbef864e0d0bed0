package incident_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/store/storetest"
	"vigie.dev/vigie/internal/trace"
)

// TestSentBy drives the InterCERT fiche's action 4.b: who did the
// compromised account write to? The gateway relayed one message it sent;
// the Postfix log shows two submissions after it authenticated; an inbound
// phishing copy addressed to it must not count.
func TestSentBy(t *testing.T) {
	b := storetest.Backends(t)[0]
	w := newWorld(t, b.DSN)
	ctx := context.Background()
	const acct = "compta@example-hopital.fr"
	phish, err := os.ReadFile(phishFixture)
	if err != nil {
		t.Fatal(err)
	}
	// Outbound, relayed by the gateway with the account as sender.
	out := []byte("From: Compta <compta@example-hopital.fr>\r\nTo: fournisseur@example.com\r\nSubject: Nouveau RIB\r\n" +
		"Message-ID: <rib-1@example-hopital.fr>\r\nDate: " + time.Now().Format(time.RFC1123Z) + "\r\n\r\nVeuillez noter notre nouveau RIB.\r\n")
	v := w.scanner.Scan(ctx, out, scan.Envelope{MailFrom: acct, RcptTo: []string{"fournisseur@example.com"}})
	w.trace.Add(trace.FromVerdict("relay", "", v, string(v.Action)))
	// Inbound: the campaign reaching the account.
	w.deliver(t, phish, acct)
	w.trace.Flush()

	stamp := func(d time.Duration) string { return time.Now().UTC().Add(d).Format(time.Stamp) }
	maillog := filepath.Join(t.TempDir(), "mail.log")
	log := stamp(-2*time.Hour) + ` mx postfix/submission/smtpd[2101]: 4B0000001: client=unknown[198.51.100.9], sasl_method=PLAIN, sasl_username=compta@example-hopital.fr
` + stamp(-2*time.Hour) + ` mx postfix/qmgr[998]: 4B0000001: from=<compta@example-hopital.fr>, size=4001, nrcpt=2 (queue active)
` + stamp(-2*time.Hour) + ` mx postfix/smtp[3001]: 4B0000001: to=<bob@fournisseur.example>, relay=mx.fournisseur.example[198.51.100.7]:25, delay=1, status=sent (250 ok)
` + stamp(-2*time.Hour) + ` mx postfix/lmtp[3002]: 4B0000001: to=<rh@example-hopital.fr>, relay=imap[private/dovecot-lmtp], delay=1, status=sent (250 ok)
` + stamp(-2*time.Hour) + ` mx postfix/qmgr[998]: 4B0000001: removed
` + stamp(-time.Hour) + ` mx postfix/smtpd[2102]: 5C0000002: client=unknown[203.0.113.8], sasl_method=LOGIN, sasl_username=autre@example-hopital.fr
` + stamp(-time.Hour) + ` mx postfix/qmgr[998]: 5C0000002: from=<autre@example-hopital.fr>, size=400, nrcpt=1 (queue active)
` + stamp(-time.Hour) + ` mx postfix/smtp[3001]: 5C0000002: to=<eve@example.net>, relay=none, status=sent (250 ok)
`
	if err := os.WriteFile(maillog, []byte(log), 0o600); err != nil {
		t.Fatal(err)
	}
	inc, err := w.svc.Open(ctx, incident.OpenRequest{Type: incident.MailboxCompromise, Title: "Dossier interne : soupçon sur M. X",
		Accounts: []string{acct}, By: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := w.svc.SentBy(ctx, inc.ID, incident.SentByRequest{Account: acct, Logs: []string{maillog}, By: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"bob@fournisseur.example", "fournisseur@example.com", "rh@example-hopital.fr"}
	if !slices.Equal(res.Correspondents, want) || len(res.Messages) != 2 {
		t.Fatalf("correspondents %v from %d messages, want %v from 2", res.Correspondents, len(res.Messages), want)
	}
	doc, err := w.svc.Report(ctx, inc.ID, incident.ReportRequest{Format: "warning-correspondents", Account: acct, By: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc.Data)
	if !strings.Contains(s, "Destinataires (3) : bob@fournisseur.example, fournisseur@example.com, rh@example-hopital.fr") ||
		strings.Contains(s, "soupçon") || strings.Contains(s, "Vous avez reçu un courriel frauduleux intitulé") {
		t.Errorf("warning:\n%s", s)
	}
	c, _ := w.svc.Load(ctx, inc.ID)
	var found bool
	for _, e := range c.Journal {
		found = found || strings.Contains(e.Text, "Correspondants du compte compromis compta@example-hopital.fr (fiche InterCERT, action 4.b)")
	}
	if !found {
		t.Error("the search is not journaled")
	}
}
