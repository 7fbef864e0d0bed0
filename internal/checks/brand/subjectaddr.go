package brand

import (
	"strings"

	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
)

// subjectWithoutFreeAddresses returns the subject with the domains of
// addresses at free mailbox providers blanked out: a transfer service
// writes its sender's address in the subject ("lea.graphiste@gmail.com
// vous a envoyé des fichiers via WeTransfer", WeTransfer's own template),
// and "gmail" there is where a person has her mailbox, not Google put
// forward by another sender (BRAND_SUBJECT_OTHER_SENDER). Only the
// provider's domain goes: what sits beside it in the same word stays
// read, the brand glued before the address ("PayPal:jean@gmail.com",
// "Paiement PayPal<jean@gmail.com>") and the local part that names a
// brand ("paypal.service@gmail.com", the phisher's mailbox named after
// the brand he claims). An address at a brand's own domain that is no
// free mailbox ("security@paypal.com : compte limité") stays a claim.
// Subjects without '@' are returned as they are.
func (c *Check) subjectWithoutFreeAddresses(subject string) string {
	if c.freemail == nil || !strings.Contains(subject, "@") {
		return subject
	}
	fields := strings.Fields(subject)
	changed := false
	for i, f := range fields {
		at := strings.LastIndexByte(f, '@')
		if at < 0 {
			continue
		}
		domain := strings.TrimRight(f[at+1:], ".,;:!?»)>\"'")
		if c.freemail(strings.ToLower(domain)) {
			fields[i] = f[:at+1] + "-" + f[at+1+len(domain):]
			changed = true
		}
	}
	if !changed {
		return subject
	}
	return strings.Join(fields, " ")
}

// subjectWithoutOtherSenses returns subject with the phrases in which a
// brand's name has another sense (Brand.OtherSenses) blanked out: a
// PowerChute or Eaton event "UPS On Battery" names the power supply, and
// the carrier's "UPS : votre colis" is read as before. Only for a message
// that asks nothing (Options.Asks): the device's event reports and asks
// nothing, while a parcel lure written "UPS battery shipment on hold"
// asks to sign in and pay (engine testdata/appareils twins).
func (c *Check) subjectWithoutOtherSenses(in *scan.Input, subject string) string {
	var found []int
	c.senses.Find(subject, 100, func(k int) bool {
		found = append(found, k)
		return true
	})
	if len(found) == 0 || c.asksOf(in) {
		return subject
	}
	for _, k := range found {
		subject = textmatch.Mask(subject, c.senseText[k])
	}
	return subject
}
