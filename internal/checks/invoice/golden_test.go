package invoice

import (
	"context"
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/invoice/invoicetest"
	"vigie.dev/vigie/internal/suppliers"
)

// goldenBook is the supplier register of the golden messages: two
// fictitious suppliers (every name, number and IBAN made up, with valid
// check digits), the first with a confirmed IBAN, the second with one
// learned from its authenticated mail.
func goldenBook() *suppliers.Book {
	papeterie, blanch := invoicetest.SIREN("90000001"), invoicetest.SIREN("90000002")
	return suppliers.NewBook(1, []*suppliers.Entry{
		{Supplier: suppliers.Supplier{ID: 1, Name: "Papeterie Fictive SARL", Domain: "papeterie-fictive.example", SIREN: papeterie,
			SIRET: invoicetest.SIRET(papeterie, "0001"), Country: "FR"},
			Banks: []suppliers.BankDetail{{SupplierID: 1, IBAN: invoicetest.IBAN("FR", "99999000010000000000001"), Status: suppliers.BankConfirmed}}},
		{Supplier: suppliers.Supplier{ID: 2, Name: "Blanchisserie Imaginaire SAS", Domain: "blanchisserie-imaginaire.example", SIREN: blanch, Country: "FR"},
			Banks: []suppliers.BankDetail{{SupplierID: 2, IBAN: invoicetest.IBAN("FR", "99999000030000000000003"), Status: suppliers.BankLearned}}},
	})
}

type books struct{ b *suppliers.Book }

func (b books) Book(context.Context) *suppliers.Book { return b.b }

// youngDomains are the golden messages' domains registered days ago.
var youngDomains = map[string]bool{"fournitures-fictives-reglement.example": true}

func young(_ context.Context, domain string) bool { return youngDomains[domain] }

// freeMailbox reports the golden messages' free mailbox providers (the
// sender family's list holds them; the family is not loaded here).
func freeMailbox(domain string) bool { return domain == "gmail.com" }

// TestGolden compares what the family emits for each testdata/NN-name.eml
// with NN-name.signals (go test -update rewrites them), with the register
// of goldenBook, youngDomains and freeMailbox.
func TestGolden(t *testing.T) {
	c, err := New(Options{Books: books{goldenBook()}, Young: young, Freemail: freeMailbox})
	if err != nil {
		t.Fatal(err)
	}
	checktest.Golden(t, c)
}
