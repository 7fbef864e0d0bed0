package invoice

import (
	"fmt"
	"os"
	"strings"
	"testing"

	docs "vigie.dev/vigie/internal/invoice"
	"vigie.dev/vigie/internal/invoice/invoicetest"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/suppliers"
)

// A released invoice keeps its warning until every IBAN it gives was
// confirmed by a person; learned or pending bank details do not lift it.
func TestReleased(t *testing.T) {
	confirmed := invoicetest.IBAN("FR", "99999000010000000000001") // Papeterie's, confirmed
	learned := invoicetest.IBAN("FR", "99999000030000000000003")   // Blanchisserie's, learned
	unknown := invoicetest.IBAN("LT", "1000011101000004")
	msg := func(subject string, ibans ...string) *message.Message {
		raw := "From: a@papeterie-fictive.example\r\nSubject: " + subject + "\r\n\r\nVeuillez régler sur l'IBAN " + strings.Join(ibans, " et ") + ".\r\n"
		return message.Parse([]byte(raw), message.DefaultLimits())
	}
	changed := definitions[0].Banner // IBAN_CHANGED
	tests := []struct {
		name        string
		signals     []string
		m           *message.Message
		wantBanners int
		wantSubject string
	}{
		{"unknown IBAN: warned", []string{"IBAN_CHANGED", "IBAN_COUNTRY_MISMATCH"}, msg("Facture 42", unknown), 1, "[RIB À VÉRIFIER] Facture 42"},
		{"two banners, one prefix", []string{"IBAN_CHANGED", "BANK_DETAILS_CHANGE_REQUEST"}, msg("Facture 42", unknown), 2, "[RIB À VÉRIFIER] Facture 42"},
		{"prefix already there", []string{"IBAN_CHANGED"}, msg("[RIB À VÉRIFIER] Facture 42", unknown), 1, ""},
		{"confirmed since: no warning", []string{"IBAN_CHANGED"}, msg("Facture 42", confirmed), 0, ""},
		{"one confirmed, one not: warned", []string{"IBAN_CHANGED"}, msg("Facture 42", confirmed, unknown), 1, "[RIB À VÉRIFIER] Facture 42"},
		{"learned is not confirmed: warned", []string{"BANK_DETAILS_CHANGE_REQUEST"}, msg("Facture 42", learned), 1, "[RIB À VÉRIFIER] Facture 42"},
		{"no IBAN read: warned", []string{"BANK_DETAILS_CHANGE_REQUEST"}, msg("Changement de RIB"), 1, "[RIB À VÉRIFIER] Changement de RIB"},
		{"no banner signal", []string{"IBAN_COUNTRY_MISMATCH", "TEST_QUARANTINE"}, msg("Facture 42", unknown), 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			banners, subject := Released(goldenBook(), tt.signals, tt.m, Options{}.Limits)
			if len(banners) != tt.wantBanners || subject != tt.wantSubject {
				t.Fatalf("Released: %d banners %q, subject %q; want %d, %q", len(banners), banners, subject, tt.wantBanners, tt.wantSubject)
			}
			for _, b := range banners {
				if strings.Contains(b, "{d}") {
					t.Errorf("banner with its placeholder: %q", b)
				}
			}
			if tt.wantBanners > 0 && tt.signals[0] == "IBAN_CHANGED" && banners[0] != strings.ReplaceAll(changed, " ({d})", "") {
				t.Errorf("banner %q", banners[0])
			}
		})
	}
	// The confirmed IBAN in the text, the new one in a document past
	// those read (MaxDocuments): not every IBAN was read, the warning
	// stays.
	padded := msg("Facture 42", confirmed)
	for i := range docs.DefaultLimits().MaxDocuments {
		padded.Attachments = append(padded.Attachments, message.Attachment{Filename: fmt.Sprintf("annexe%d.txt", i), Data: []byte("Annexe.")})
	}
	padded.Attachments = append(padded.Attachments, message.Attachment{Filename: "nouveau RIB.txt", Data: []byte("IBAN " + unknown)})
	if b, _ := Released(goldenBook(), []string{"IBAN_CHANGED"}, padded, Options{}.Limits); len(b) != 1 {
		t.Error("a document left unread lifted the warning")
	}
	// The confirmed IBAN in the text, a RIB padded past its own decoding
	// bound (golden 10's): its IBAN was not read, the warning stays.
	raw, err := os.ReadFile("testdata/10-rib-change-request-padded-past-the-document-bound.eml")
	if err != nil {
		t.Fatal(err)
	}
	cut := message.Parse(raw, message.DefaultLimits())
	cut.Text += "\nIBAN " + confirmed
	if b, _ := Released(goldenBook(), []string{"IBAN_CHANGED"}, cut, Options{}.Limits); len(b) != 1 {
		t.Error("a RIB cut at its own decoding bound lifted the warning")
	}
	if b, _ := Released(suppliers.NewBook(0, nil), []string{"IBAN_CHANGED"}, msg("Facture", confirmed), Options{}.Limits); len(b) != 1 {
		t.Error("an empty register (unreadable) lifted the warning")
	}
}
