package e2e

import (
	"context"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	gomessage "github.com/emersion/go-message"

	"vigie.dev/vigie/internal/app/daemon"
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
	importSupplier(t, v, old)
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
	// Unfolded whatever the line ends: the banner is folded between its
	// encoded words (gateway.Fold), and the sink writes bare LFs.
	for _, line := range strings.Split(strings.NewReplacer("\r\n\t", " ", "\n\t", " ").Replace(delivered), "\n") {
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
	if warning, orig := bodyBannerOf(t, delivered); !strings.Contains(warning, "coordonnées bancaires jamais vues") {
		t.Errorf("warning part:\n%s", warning)
	} else if b, _ := io.ReadAll(orig.Body); !strings.Contains(string(b), invoice.FormatIBAN(changed)) {
		t.Errorf("the invoice's text did not come through: %q", b)
	}
	for _, want := range []string{invoice.FormatIBAN(changed), "Papeterie Fictive SARL", "confirm", "pending"} {
		if !strings.Contains(strings.ReplaceAll(alert, "À CONFIRMER", "pending"), want) {
			t.Errorf("alert lacks %q:\n%s", want, alert)
		}
	}
}

// importSupplier registers the synthetic supplier with its usual IBAN.
func importSupplier(t *testing.T, v *daemon.Daemon, iban string) {
	t.Helper()
	siret := invoicetest.SIRET(invoicetest.SIREN("90000001"), "0001")
	rows, err := suppliers.ParseCSV(strings.NewReader("Fournisseur;SIRET;IBAN;Domaine\nPapeterie Fictive SARL;" + siret + ";" + iban + ";papeterie-fictive.test\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&suppliers.Register{Store: v.DB.Suppliers()}).Import(context.Background(), rows, "export.csv", "compta"); err != nil {
		t.Fatal(err)
	}
}

// bodyBannerOf parses a delivered message and returns its first part's
// text (the warning) and the wrapped original part; it fails the test
// when the message is not the banner's multipart/mixed.
func bodyBannerOf(t *testing.T, delivered string) (warning string, original *gomessage.Entity) {
	t.Helper()
	e, err := gomessage.Read(strings.NewReader(delivered))
	if err != nil {
		t.Fatalf("delivered message does not parse: %v\n%s", err, delivered)
	}
	if ct, _, _ := e.Header.ContentType(); ct != "multipart/mixed" || len(e.Header.Values("Content-Type")) != 1 {
		t.Fatalf("delivered message is %q (%d Content-Type fields), want the banner's multipart/mixed:\n%s",
			ct, len(e.Header.Values("Content-Type")), delivered)
	}
	mr := e.MultipartReader()
	first, err := mr.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(first.Body)
	if ct, _, _ := first.Header.ContentType(); ct != "text/plain" {
		t.Errorf("first part is %s, want text/plain", ct)
	}
	original, err = mr.NextPart()
	if err != nil {
		t.Fatalf("no second part: %v", err)
	}
	return string(b), original
}

// A known supplier's authenticated HTML invoice with a new IBAN, through
// real Postfix and the milter: the delivered message starts with the
// warning as a text part of its own, then the invoice unchanged (its
// multipart/alternative with the IBAN), besides the header banner and the
// Subject prefix.
func TestChangedIBANBodyBannerThroughPostfixMilter(t *testing.T) {
	requireTools(t)
	sk := startSink(t, freePort(t))
	v := startVigie(t, nil, dmarcAuth{})
	pf := startPostfix(t, v.MilterAddr, sk.port)
	importSupplier(t, v, invoicetest.IBAN("FR", "99999000010000000000001"))
	changed := invoice.FormatIBAN(invoicetest.IBAN("FR", "99999000020000000000002"))
	eml := filepath.Join(t.TempDir(), "facture.eml")
	os.WriteFile(eml, []byte(strings.ReplaceAll(`From: Papeterie Fictive <factures@papeterie-fictive.test>
To: bob@example.test
Subject: Facture FA-2026-0045
Date: Tue, 01 Dec 2026 10:02:10 +0100
Message-ID: <fa-45@papeterie-fictive.test>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="alt-45"

--alt-45
Content-Type: text/plain; charset=utf-8

Bonjour, veuillez trouver notre facture FA-2026-0045.
Nouvel IBAN : `+changed+`
`+detailLines(4000)+`--alt-45
Content-Type: text/html; charset=utf-8

<p>Bonjour, veuillez trouver notre facture FA-2026-0045.</p><p>Nouvel IBAN : `+changed+`</p>
--alt-45--
`, "\n", "\r\n")), 0o600)
	if r := swaks(t, pf.port, "factures@papeterie-fictive.test", "bob@example.test", eml); !strings.HasPrefix(r, "250") {
		t.Fatalf("reply %q", r)
	}
	delivered := sk.waitMessages(t, 1, 60*time.Second)[0]
	for _, want := range []string{"X-Vigie-Banner: ", "Subject: =?utf-8?"} {
		if !strings.Contains(delivered, want) {
			t.Errorf("delivered message lacks %q:\n%s", want, delivered)
		}
	}
	warning, orig := bodyBannerOf(t, delivered)
	if !strings.Contains(warning, "Avertissement de Vigie") || !strings.Contains(warning, "coordonnées bancaires jamais vues pour ce fournisseur") {
		t.Errorf("warning part:\n%s", warning)
	}
	if ct, params, _ := orig.Header.ContentType(); ct != "multipart/alternative" || params["boundary"] != "alt-45" {
		t.Errorf("original part is %s %v, want the invoice's multipart/alternative", ct, params)
	}
	var texts []string
	mr := orig.MultipartReader()
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		b, _ := io.ReadAll(p.Body)
		texts = append(texts, string(b))
	}
	// Over 64 KB: the milter replaced the body in several replies.
	if len(texts) != 2 || !strings.Contains(texts[0], changed) || !strings.Contains(texts[0], strings.TrimSuffix(detailLines(4000), "\n")) ||
		!strings.Contains(texts[1], "<p>Nouvel IBAN : "+changed) {
		t.Errorf("the invoice's parts did not come through unchanged: %d part(s), %d bytes", len(texts), len(strings.Join(texts, "")))
	}
}

// detailLines is an invoice's long list of lines, n of them.
func detailLines(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "Ligne %04d : ramette papier A4 80 g, 5 x 4,20 EUR HT\n", i)
	}
	return b.String()
}
