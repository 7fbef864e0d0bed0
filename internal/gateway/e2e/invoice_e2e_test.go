package e2e

import (
	"context"
	"mime"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/invoice"
	"vigie.dev/vigie/internal/invoice/invoicetest"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/suppliers"
)

// dmarcAuth stands in for live DNS: the From's domain passes DMARC (the
// supplier's own mailbox writes, authenticated).
type dmarcAuth struct{}

func (dmarcAuth) Authenticate(_ context.Context, _ []byte, m *message.Message, env *scan.Envelope) auth.Results {
	d := m.FromAddr().Domain()
	return auth.Results{Source: "dns", SPF: auth.Pass, SPFDomain: d, DMARC: auth.Pass, DMARCDomain: d}
}

// A known supplier's authenticated mail with a new IBAN, through the SMTP
// relay: the delivered message carries the accounting banner and the
// Subject prefix, and the accounting mailbox gets the alert with the
// supplier's history — both through the next hop (Postfix's smtp-sink).
func TestChangedIBANThroughTheRelay(t *testing.T) {
	requireTools(t)
	sinkPort := freePort(t)
	sk := startSink(t, sinkPort)
	v := startVigie(t, func(c *config.Config) {
		c.Serve.Relay.NextHop = "127.0.0.1:" + strconv.Itoa(sinkPort)
		c.Invoice.AccountingMailbox = "compta@example.test"
		c.Invoice.AlertFrom = "vigie@example.test"
	}, dmarcAuth{})
	old := invoicetest.IBAN("FR", "99999000010000000000001")
	changed := invoicetest.IBAN("FR", "99999000020000000000002")
	siret := invoicetest.SIRET(invoicetest.SIREN("90000001"), "0001")
	rows, err := suppliers.ParseCSV(strings.NewReader("Fournisseur;SIRET;IBAN;Domaine\nPapeterie Fictive SARL;" + siret + ";" + old + ";papeterie-fictive.test\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&suppliers.Register{Store: v.DB.Suppliers()}).Import(context.Background(), rows, "export.csv", "compta"); err != nil {
		t.Fatal(err)
	}
	eml := filepath.Join(t.TempDir(), "facture.eml")
	os.WriteFile(eml, []byte(strings.ReplaceAll(`From: Papeterie Fictive <factures@papeterie-fictive.test>
To: bob@example.test
Subject: Facture FA-2026-0044
Date: Tue, 01 Dec 2026 10:02:10 +0100
Message-ID: <fa-44@papeterie-fictive.test>
Content-Type: text/plain; charset=utf-8

Bonjour, veuillez trouver notre facture FA-2026-0044.
IBAN : `+invoice.FormatIBAN(changed)+`
`, "\n", "\r\n")), 0o600)
	if r := swaks(t, portOf(t, v.RelayAddr), "factures@papeterie-fictive.test", "bob@example.test", eml); !strings.HasPrefix(r, "250") {
		t.Fatalf("reply %q", r)
	}
	msgs := sk.waitMessages(t, 2, 60*time.Second)
	var delivered, alert string
	for _, m := range msgs {
		if strings.Contains(m, "X-Rcpt-Args: <compta@example.test>") {
			alert = m
		} else {
			delivered = m
		}
	}
	dec := new(mime.WordDecoder)
	var banner, subject string
	for _, line := range strings.Split(strings.ReplaceAll(delivered, "\r\n\t", " "), "\n") {
		line = strings.TrimRight(line, "\r")
		if v, ok := strings.CutPrefix(line, "X-Vigie-Banner: "); ok {
			banner, _ = dec.DecodeHeader(v)
		}
		if v, ok := strings.CutPrefix(line, "Subject: "); ok {
			subject, _ = dec.DecodeHeader(v)
		}
	}
	if !strings.Contains(banner, "coordonnées bancaires jamais vues pour ce fournisseur") || !strings.HasPrefix(subject, "[RIB À VÉRIFIER] ") {
		t.Errorf("delivered without the banner: banner %q subject %q\n%s", banner, subject, delivered)
	}
	for _, want := range []string{invoice.FormatIBAN(changed), "Papeterie Fictive SARL", "confirm", "pending"} {
		if !strings.Contains(strings.ReplaceAll(alert, "À CONFIRMER", "pending"), want) {
			t.Errorf("alert lacks %q:\n%s", want, alert)
		}
	}
}
