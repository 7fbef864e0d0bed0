package lure

import (
	"strings"

	"vigie.dev/vigie/internal/textmatch"
)

// The gift that costs a fee paid by card: a gift card, a voucher or a
// present "offered" — by the works council (CSE), a brand, a survey —
// whose "activation fees" of a euro or two are to be paid by bank card on
// the sender's page. The page takes the card, and the fee is the first
// charge of a hidden subscription: the fake-gift family of
// Cybermalveillance.gouv.fr's alerts (fake contests and gift cards: "des
// frais de quelques euros à régler par carte bancaire"), the DGCCRF's
// warnings on hidden subscriptions behind small fees, and the FTC's
// consumer advice on prize scams ("you have to pay to get your prize").
// A gift offered is never activated for a fee the reader pays by card:
// the CSE's genuine vouchers are handed out or loaded on the employee's
// account (engine testdata/rhfraude genuine), and a gift card bought in a
// shop is paid when it is bought.
//
// giftFeeWords are the fees, giftCardWords the payment by card in the same
// sentence, giftWords the gift the message must name somewhere (its
// subject or text).
var (
	giftFeeWords  = []string{"frais d activation", "activation fee", "activation fees"}
	giftCardWords = []string{"carte bancaire", "carte de credit", "carte bleue", "par carte", "credit card", "debit card", "bank card", "by card"}
	giftWords     = []string{"carte cadeau", "cartes cadeaux", "cheque cadeau", "cheques cadeaux", "gift card", "gift cards", "gift voucher", "cadeau", "gift"}
)

// giftFees returns the fee and the card a sentence of body or subject asks
// for a gift (see giftFeeWords), "" when none.
func giftFees(body, subject string) string {
	// Every fee word says "activation": most texts are passed over here,
	// before any is normalised.
	if !activation(body) && !activation(subject) {
		return ""
	}
	whole := " " + textmatch.Normalize(subject+" . "+body) + " "
	if !containsAny(whole, giftFeeWords) || !containsAny(whole, giftWords) {
		return ""
	}
	for _, text := range []string{subject, body} {
		for _, s := range sentences(text) {
			n := " " + textmatch.Normalize(s) + " "
			fee, card := firstIn(n, giftFeeWords), firstIn(n, giftCardWords)
			if fee != "" && card != "" && !waived(n, fee) {
				return `"` + fee + `", "` + card + `"`
			}
		}
	}
	return ""
}

// waivedBefore and waivedAfter, beside a fee word, say there is no fee:
// a club's "aucun frais d'activation pour toute inscription payée par
// carte bancaire", "activation fee waived when you pay by card".
var (
	waivedBefore = []string{"aucun", "aucuns", "sans", "pas de", "zero", "no", "without"}
	waivedAfter  = []string{"offerts", "offert", "gratuits", "gratuit", "waived", "is waived", "are waived"}
)

// waived reports whether padded, a normalised sentence, says the fee
// there is not charged.
func waived(padded, fee string) bool {
	for _, w := range waivedBefore {
		if strings.Contains(padded, " "+w+" "+fee+" ") {
			return true
		}
	}
	for _, w := range waivedAfter {
		if strings.Contains(padded, " "+fee+" "+w+" ") {
			return true
		}
	}
	return false
}

// containsAny reports whether padded, a normalised text with a space at
// each end, holds one of the phrases as whole words.
func containsAny(padded string, phrases []string) bool {
	return firstIn(padded, phrases) != ""
}

// firstIn returns the first of phrases that padded holds as whole words.
func firstIn(padded string, phrases []string) string {
	for _, p := range phrases {
		if strings.Contains(padded, " "+p+" ") {
			return p
		}
	}
	return ""
}

// activation reports a text that may hold the word, in any case.
func activation(text string) bool {
	return strings.Contains(text, "ctivation") || strings.Contains(text, "CTIVATION")
}
