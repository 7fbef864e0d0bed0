package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/invoice"
	"vigie.dev/vigie/internal/invoice/invoicetest"
)

// Issue 21: a suspect invoice held in the milter's hold mode and released
// by an admin (`vigie quarantine release`) reaches the mailbox through
// real Postfix and the milter still warning accounting (header banner,
// Subject prefix, text part in front), Postfix's own unwarned copy left
// held with the command that deletes it; once the new IBAN is confirmed
// in the register, a release goes out without the warning.
func TestReleasedInvoiceWarnsThroughPostfixMilter(t *testing.T) {
	requireTools(t)
	dataDir := t.TempDir()
	sk := startSink(t, freePort(t))
	v := startVigie(t, func(c *config.Config) { c.DataDir = dataDir; holdEverything(c) }, dmarcAuth{})
	pf := startPostfix(t, v.MilterAddr, sk.port)
	postfixPort := fmt.Sprintf("127.0.0.1:%d", pf.port)
	importSupplier(t, v, invoicetest.IBAN("FR", "99999000010000000000001"))
	newIBAN := invoicetest.IBAN("FR", "99999000020000000000002")
	eml := filepath.Join(t.TempDir(), "facture.eml")
	os.WriteFile(eml, []byte(strings.ReplaceAll(`From: Papeterie Fictive <factures@papeterie-fictive.test>
To: bob@example.test
Subject: Facture FA-2026-0046
Date: Tue, 01 Dec 2026 10:02:10 +0100
Message-ID: <fa-46@papeterie-fictive.test>
Content-Type: text/plain; charset=utf-8

Bonjour, veuillez trouver notre facture FA-2026-0046.
Nouvel IBAN : `+invoice.FormatIBAN(newIBAN)+`
`, "\n", "\r\n")), 0o600)
	for i := 0; i < 2; i++ {
		if r := swaks(t, pf.port, "factures@papeterie-fictive.test", "bob@example.test", eml); !strings.HasPrefix(r, "250") {
			t.Fatalf("reply %q", r)
		}
	}
	waitFor(t, "two messages in Postfix's hold queue", 60*time.Second, func() bool { return pf.held() == 2 })
	ids := heldIDs(t, v)
	if len(ids) != 2 {
		t.Fatalf("%d held by Vigie, want 2", len(ids))
	}

	out, code := releaseCLI(t, dataDir, postfixPort, pf.dir, ids[0])
	if code != 0 || !strings.Contains(out, ids[0]+" : remis à "+postfixPort) || !strings.Contains(out, "postsuper -d") {
		t.Fatalf("release: exit %d\n%s", code, out)
	}
	delivered := sk.waitMessages(t, 1, 60*time.Second)[0]
	for _, want := range []string{"X-Vigie-Verdict: released", "X-Vigie-Banner: ", "Subject: =?utf-8?"} {
		if !strings.Contains(delivered, want) {
			t.Errorf("released invoice lacks %q:\n%s", want, delivered)
		}
	}
	warning, _ := bodyBannerOf(t, delivered)
	if !strings.Contains(warning, "coordonnées bancaires jamais vues pour ce fournisseur") {
		t.Errorf("warning part:\n%s", warning)
	}
	if pf.held() != 2 {
		t.Errorf("Postfix's unwarned copy left its hold queue: %d held", pf.held())
	}

	// Accounting called the supplier: its export now lists the new IBAN,
	// which the import records as confirmed.
	importSupplier(t, v, newIBAN)
	out, code = releaseCLI(t, dataDir, postfixPort, pf.dir, ids[1])
	if code != 0 {
		t.Fatalf("release after confirmation: exit %d\n%s", code, out)
	}
	// The sink does not keep the order of arrival: one warned, one not.
	warned, plain := 0, 0
	for _, m := range sk.waitMessages(t, 2, 60*time.Second) {
		switch {
		case strings.Contains(m, "X-Vigie-Banner"):
			warned++
		case !strings.Contains(m, "multipart/mixed") && strings.Contains(m, "Subject: Facture FA-2026-0046"):
			plain++
		}
	}
	if warned != 1 || plain != 1 {
		t.Errorf("delivered: %d warned, %d without the warning; want 1 and 1 (the release after confirmation goes out plain)", warned, plain)
	}
}
