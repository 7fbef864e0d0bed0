package invoice

import (
	"context"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// notices are fake factors' notices written for the family of each
// phrase of factoring.yaml (Trustpair's "fraude au factor", the DGCL and
// DGFiP FOVI notes): every phrase must be exercised by one.
var notices = []string{
	"La société Elis nous a cédé ses créances dans le cadre d'un contrat d'affacturage.",
	"Votre fournisseur nous a cédé sa créance au titre du marché 2025-044.",
	"Lyreco France nous a cédé les créances détenues sur votre établissement.",
	"La société Elis nous a cédé l'ensemble de ses créances sur votre établissement.",
	"La société Atelier nous a transféré ses créances à compter du 1er décembre.",
	"Votre fournisseur a cédé ses créances à notre société d'affacturage.",
	"Votre fournisseur nous a subrogés dans ses droits : réglez sur le compte ci-dessous.",
	"Please be advised that Acme Ltd has assigned its receivables to us.",
	"Your supplier has assigned to us all invoices issued since 1 December.",
	"Acme Ltd has sold its receivables to us under a factoring agreement.",
	"Please be advised that Acme Ltd has transferred its receivables to us.",
	"Par bordereau du 1er décembre, la société Elis nous a cédé la créance qu'elle détient sur vous.",
	"Conformément à la loi Dailly, réglez exclusivement entre nos mains sur le compte suivant.",
	"Créance mobilisée par bordereau Dailly auprès de notre établissement.",
	"Notification de cession Dailly : vous ne pourrez vous libérer qu'entre nos mains.",
}

func TestFactoringPhrasesHaveSourcesAndFixtures(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	used := make([]int, len(c.FactoringEntries()))
	for _, n := range notices {
		i := c.FactoringNotice(input("a@factor.example", "", n, true), true)
		if i < 0 {
			t.Errorf("no phrase in fixture %q", n)
			continue
		}
		used[i]++
	}
	for i, p := range c.FactoringEntries() {
		if used[i] == 0 {
			t.Errorf("phrase %q (%s, %s) is exercised by no fixture", p.Text, p.Lang, p.Source)
		}
	}
	// The supplier announcing its own factor, the subrogation clause of
	// an invoice: not the factor's side.
	for _, s := range []string{
		"Nous avons cédé nos créances à Eurofactor dans le cadre d'un contrat d'affacturage.",
		"Pour être libératoire, le règlement doit être effectué à l'ordre de BNP Paribas Factor qui le reçoit par subrogation.",
		"We have assigned our receivables to our factor; please pay the account on the invoice.",
	} {
		if i := c.FactoringNotice(input("a@fournisseur.example", "", s, true), true); i >= 0 {
			t.Errorf("%q matched %q", s, c.FactoringEntries()[i].Text)
		}
	}
	if _, err := FactoringData([]byte("sources: {a: described}\nfactors:\n  b: [factor.example]\n")); err == nil || !strings.Contains(err.Error(), "not described") {
		t.Errorf("undescribed source accepted: %v", err)
	}
}

// The notice is the signal only with an account to pay, and only from a
// domain that is not a known factor's (a factor's domain whose DMARC
// fails is judged: engine testdata/affacturage/gaps).
func TestFactoringNoticeUnknownFactor(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	text := "La société Elis nous a cédé ses créances. Réglez exclusivement sur le compte ci-joint."
	for _, tc := range []struct {
		name, from string
		attach     bool
		want       string
	}{
		{"no account", "debiteurs@factor-europe.example", false, ""},
		{"unknown factor", "debiteurs@factor-europe.example", true, "« nous a cede ses creances », factor-europe.example, pièce jointe RIB.pdf"},
		{"free mailbox", "eurofactor.debiteurs@gmail.com", true, "« nous a cede ses creances », gmail.com, pièce jointe RIB.pdf"},
		{"known factor", "notification@factor.bnpparibas", true, ""},
		{"known factor's subdomain", "debiteurs@mail.ca-lf.com", true, ""},
		{"colleague's forward", "tresorerie@hopital.example", true, ""},
	} {
		if got := factoringDetail(c, tc.from, text, tc.attach); got != tc.want {
			t.Errorf("%s: detail %q, want %q", tc.name, got, tc.want)
		}
	}
}

// A bank's Dailly notification ("nous a cédé la créance", "bordereau
// Dailly") is the fake's wording too: read only from a free mailbox (or a
// sender failing DMARC), never from the bank's own domain.
func TestDaillyWordingOnlyFromUnverifiedSenders(t *testing.T) {
	c, err := New(Options{Freemail: func(d string) bool { return d == "gmail.com" }})
	if err != nil {
		t.Fatal(err)
	}
	text := "Par bordereau Dailly, la société Elis nous a cédé la créance qu'elle détient sur vous. Réglez entre nos mains sur le compte ci-joint."
	for _, tc := range []struct {
		name, from string
		want       string
	}{
		{"bank's own domain", "dailly@banque-regionale.example", ""},
		{"free mailbox", "cessions.dailly@gmail.com", "« bordereau dailly », gmail.com, pièce jointe RIB.pdf"},
	} {
		if got := factoringDetail(c, tc.from, text, true); got != tc.want {
			t.Errorf("%s: detail %q, want %q", tc.name, got, tc.want)
		}
	}
}

// factoringDetail scans a notice from from to the hospital's accounts
// payable and returns FACTORING_NOTICE_UNKNOWN_FACTOR's detail, "" when
// it is not raised.
func factoringDetail(c *Check, from, text string, attach bool) string {
	in := input(from, "", text, attach)
	in.Msg.To = []message.Address{{Addr: "compta@hopital.example"}}
	v := (&scan.Scanner{Checks: c.Checks(), Policy: scan.DefaultPolicy(), Catalogue: scan.MustCatalogue(c)}).ScanMessage(context.Background(), nil, in.Msg, scan.Envelope{})
	for _, s := range v.Signals {
		if s.Name == "FACTORING_NOTICE_UNKNOWN_FACTOR" {
			return s.Detail
		}
	}
	return ""
}
