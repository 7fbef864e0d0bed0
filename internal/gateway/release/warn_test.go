package release_test

import (
	"context"
	"errors"
	"mime"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/checks/invoice"
	"vigie.dev/vigie/internal/gateway"
	"vigie.dev/vigie/internal/gateway/gatewaytest"
	"vigie.dev/vigie/internal/gateway/release"
	docs "vigie.dev/vigie/internal/invoice"
	"vigie.dev/vigie/internal/invoice/invoicetest"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/suppliers"
)

// invoiceWarner is the App's Warner (package app) on a fixed register.
type invoiceWarner struct{ book *suppliers.Book }

func (w invoiceWarner) Warnings(_ context.Context, e quarantine.Entry, raw []byte) release.Warning {
	b, s := invoice.Released(w.book, e.Signals, message.Parse(raw, message.DefaultLimits()), docs.Limits{})
	return release.Warning{Banners: b, Subject: s}
}

// A suspect invoice an admin released still warns accounting (header
// field, Subject, text part in front of the content) unless its IBAN was
// confirmed in the supplier register since; a banner the sender wrote
// does not pass; Postfix's held copy, which would leave without the
// warning, stays held.
func TestReleasedInvoiceKeepsItsWarning(t *testing.T) {
	iban := invoicetest.IBAN("FR", "99999000050000000000005")
	book := func(status string) *suppliers.Book {
		return suppliers.NewBook(1, []*suppliers.Entry{{Supplier: suppliers.Supplier{ID: 1, Name: "Papeterie Fictive SARL", Domain: "sender.example"},
			Banks: []suppliers.BankDetail{{SupplierID: 1, IBAN: iban, Status: status}}}})
	}
	tests := []struct {
		name   string
		book   *suppliers.Book
		hold   bool
		warned bool
	}{
		{"pending IBAN: warned", book(suppliers.BankPending), false, true},
		{"pending IBAN, Postfix holds a copy: Vigie's warned copy goes", book(suppliers.BankPending), true, true},
		{"IBAN confirmed since: no warning", book(suppliers.BankConfirmed), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			ctx := context.Background()
			raw := strings.Replace(gatewaytest.Message("", gateway.HeaderBanner+": coordonnées vérifiées, payez"),
				"la facture est jointe.", "réglez la facture 42 sur l'IBAN "+iban+".", 1)
			e, err := w.env.Quarantine.Put(ctx, []byte(raw), quarantine.Meta{Frontend: "milter",
				Envelope: scan.Envelope{MailFrom: "alice@sender.example", RcptTo: []string{"compta@example.test"}}},
				&scan.Verdict{Action: scan.Quarantine, Signals: []scan.Signal{{Name: "IBAN_CHANGED"}, {Name: "IBAN_COUNTRY_MISMATCH"}}})
			if err != nil {
				t.Fatal(err)
			}
			if tt.hold {
				if err := w.env.DB.Gateway().PutMTA(ctx, quarantine.MTA{ID: e.ID, MTAQueueID: "4QxYz", MTAHold: true}); err != nil {
					t.Fatal(err)
				}
			}
			d := w.deliverer(t, w.relay, key)
			d.Warn, d.BodyBanner = invoiceWarner{tt.book}, true
			if _, err := w.env.Quarantine.Release(ctx, e.ID, "rssi", d); err != nil {
				t.Fatal(err)
			}
			m := w.sink.Wait(t, 1, 30*time.Second)[0]
			data := string(m.Data)
			if got := gatewaytest.Header(m.Data, gateway.HeaderVerdict); got != "released" {
				t.Errorf("%s: %q, want released", gateway.HeaderVerdict, got)
			}
			if strings.Contains(data, "payez") {
				t.Error("the sender's own banner reached the mailbox")
			}
			subject, _ := new(mime.WordDecoder).DecodeHeader(gatewaytest.Header(m.Data, "Subject"))
			banner, _ := new(mime.WordDecoder).DecodeHeader(gatewaytest.Header(m.Data, gateway.HeaderBanner))
			if !tt.warned {
				if subject != "Facture 42" || banner != "" || strings.Contains(data, "Vigie - comptabilit") {
					t.Errorf("confirmed IBAN still warned: subject %q, banner %q", subject, banner)
				}
				return
			}
			if subject != "[RIB À VÉRIFIER] Facture 42" {
				t.Errorf("Subject %q", subject)
			}
			if !strings.HasPrefix(banner, "Vigie - comptabilité : coordonnées bancaires jamais vues") {
				t.Errorf("%s: %q", gateway.HeaderBanner, banner)
			}
			if !strings.Contains(data, "multipart/mixed") || !strings.Contains(data, "Ne pas payer ni changer le RIB") {
				t.Errorf("no banner part in front of the content:\n%s", data)
			}
			o, _ := d.Outcome(release.Sum([]byte(raw)))
			if o.How != release.Delivered || o.PostfixStillHolds != tt.hold {
				t.Errorf("outcome %+v", o)
			}
		})
	}
}

// An oversize suspect invoice: Vigie kept only its scanned part, and
// Postfix's whole held copy would leave without the warning. The release
// is refused, nothing is delivered and the message stays held, until
// whoever releases forces it (having warned accounting another way); the
// release note then says the warning was lost.
func TestOversizeInvoiceIsNotReleasedUnwarned(t *testing.T) {
	iban := invoicetest.IBAN("FR", "99999000050000000000005")
	book := suppliers.NewBook(1, []*suppliers.Entry{{Supplier: suppliers.Supplier{ID: 1, Name: "Papeterie Fictive SARL", Domain: "sender.example"},
		Banks: []suppliers.BankDetail{{SupplierID: 1, IBAN: iban, Status: suppliers.BankPending}}}})
	w := newWorld(t)
	ctx := context.Background()
	raw := strings.Replace(gatewaytest.Message("", ""), "la facture est jointe.", "réglez la facture 42 sur l'IBAN "+iban+".", 1)
	e, err := w.env.Quarantine.Put(ctx, []byte(raw), quarantine.Meta{Frontend: "milter",
		Envelope: scan.Envelope{MailFrom: "alice@sender.example", RcptTo: []string{"compta@example.test"}}},
		&scan.Verdict{Action: scan.Quarantine, Signals: []scan.Signal{{Name: "IBAN_CHANGED"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.env.DB.Gateway().PutMTA(ctx, quarantine.MTA{ID: e.ID, MTAQueueID: "4QxYz", MTAHold: true, Truncated: true}); err != nil {
		t.Fatal(err)
	}
	d := w.deliverer(t, w.sink.Addr, key)
	d.Warn = invoiceWarner{book}
	_, err = w.env.Quarantine.Release(ctx, e.ID, "rssi", d)
	if !errors.Is(err, release.ErrWarningLost) {
		t.Fatalf("release: %v, want ErrWarningLost", err)
	}
	for _, lang := range []string{"fr", "en"} {
		if text, ok := quarantine.ReleaseRefusal(lang, err); !ok || !strings.Contains(text, "--force") {
			t.Errorf("%s refusal %q does not say how to go on", lang, text)
		}
	}
	if got, err := w.env.Quarantine.Get(ctx, e.ID); err != nil || !got.ReleasedAt.IsZero() {
		t.Fatalf("after the refusal: %+v, %v; want still held", got, err)
	}
	if n := len(w.sink.Mails()); n != 0 {
		t.Fatalf("%d messages delivered, want none", n)
	}
	// Forced, with no Postfix reachable from here: Vigie's partial copy
	// is still never sent.
	d.Force = true
	if _, err := w.env.Quarantine.Release(ctx, e.ID, "rssi", d); !errors.Is(err, release.ErrTruncated) {
		t.Fatalf("forced release without Postfix: %v, want ErrTruncated", err)
	}
}
