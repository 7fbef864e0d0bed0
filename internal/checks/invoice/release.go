package invoice

import (
	"slices"
	"strings"

	docs "vigie.dev/vigie/internal/invoice"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/suppliers"
)

// Released returns the banners a quarantined message released by an
// admin must still carry, and its Subject with their prefix ("" when it
// is unchanged), given the signals it was quarantined with. A release
// lets the message go; it does not say the bank details were checked, so
// the warning stays unless every IBAN the message gives was confirmed in
// the register since (vigie suppliers confirm: by a person, after a call
// to a number already known). A message whose IBANs could not be read, or
// not all of its documents (a limit cut one: Findings.Truncated), keeps
// its warning.
func Released(book *suppliers.Book, signals []string, m *message.Message, lim docs.Limits) (banners []string, subject string) {
	var prefix string
	for _, d := range definitions {
		if d.Banner == "" || !slices.Contains(signals, d.Name) {
			continue
		}
		if b := scan.Explain(d.Banner, ""); !slices.Contains(banners, b) {
			banners = append(banners, b)
		}
		if prefix == "" {
			prefix = d.BannerSubject
		}
	}
	if len(banners) == 0 {
		return nil, ""
	}
	// A document a limit cut may hold an IBAN that was not read.
	if f := docs.Extract(m, lim); len(f.IBANs) > 0 && !f.Truncated && book != nil && allConfirmed(book, f.IBANs) {
		return nil, ""
	}
	if prefix != "" && !strings.Contains(m.Subject, prefix) {
		subject = strings.TrimSpace(prefix + " " + m.Subject)
	}
	return banners, subject
}

// allConfirmed reports whether a person confirmed each IBAN for a
// supplier of the register.
func allConfirmed(book *suppliers.Book, ibans []docs.IBAN) bool {
	for _, i := range ibans {
		ok := false
		for _, e := range book.IBANOwners(i.Value) {
			if b, found := e.Bank(i.Value); found && b.Status == suppliers.BankConfirmed {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}
