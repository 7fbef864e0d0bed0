package lure

import (
	"strings"

	"vigie.dev/vigie/internal/textmatch"
)

// prizeWindow is how many words after a congratulation are read for the
// prize it announces: a sentence's worth ("Félicitations, vous avez été
// sélectionné pour recevoir un iPhone 15 Pro").
const prizeWindow = 12

// congratulations are the greetings of good news in the catalogue's
// languages. Alone they are no prize (5c6326c: an exam passed, an account
// opened, a card pre-approved); followed by a prize they are the opening
// of the prize and gift-card lure.
var congratulations = map[string]bool{
	"felicitations": true, "congratulations": true, "congrats": true, "gluckwunsch": true,
	"parabens": true, "felicidades": true, "enhorabuena": true, "complimenti": true, "gefeliciteerd": true,
}

// prizeWords say that the good news is a prize: winning it, the winner,
// or the goods the prize lure dangles — a phone, a tablet, a games
// console, a gift card or voucher — as the FTC's consumer advice on prize
// scams ("You've won!", "Congratulations! You've been selected to receive
// a gift card") and Cybermalveillance.gouv.fr's alerts on fake contests
// and surveys ("Félicitations, vous avez été sélectionné pour recevoir un
// iPhone", "gagnez une carte cadeau") describe them. Being selected alone
// is not among them: a job offer or a training place says it too; being
// selected for a prize names the prize.
var prizeWords = func() *textmatch.Dict[struct{}] {
	d := textmatch.New[struct{}]()
	for _, w := range []string{
		// winning and the winner
		"won", "winner", "gagne", "gagnant", "gagnante", "gewonnen", "gewinner",
		"ganhou", "ganador", "ganadora", "hai vinto", "vincitore",
		// the goods of the prize lure
		"iphone", "ipad", "macbook", "airpods", "samsung galaxy", "playstation", "ps5",
		"gift card", "carte cadeau", "bon d achat", "cheque cadeau", "cartao presente", "tarjeta regalo",
	} {
		d.Add(w, struct{}{})
	}
	return d
}()

// readerPronouns are the second-person subject pronouns of the
// catalogue's languages, less those that are other words in another of
// them (German "du", a French article; Dutch "je", the French "I"): the
// German "hast" stands for its "du". The prize lure hands its prize to the reader
// ("Félicitations, vous recevez un iPhone", "Congratulations! You
// receive $500"); a newsletter's or a list's congratulation goes to
// someone else ("Congratulations to the winner of this year's best paper
// award", "Félicitations aux gagnants du concours photo"), a friend's to
// the reader's news ("félicitations pour ton nouvel iPhone").
var readerPronouns = map[string]bool{
	"vous": true, "tu": true, "you": true, "voce": true, "usted": true, "ustedes": true,
	"sie": true, "hast": true, "jij": true, "u": true, "lei": true,
}

// addressesReader reports a text with a second-person subject pronoun
// (readerPronouns).
func addressesReader(text string) bool {
	for _, w := range strings.Fields(textmatch.Normalize(text)) {
		if readerPronouns[w] {
			return true
		}
	}
	return false
}

// greetsPrize returns the congratulation and what follows it within
// prizeWindow words when that addresses the reader (addressesReader) and
// names a prize (prizeWords) or a sum of money with its currency
// ("Congratulations, you receive 1 000 €"), "" when the text has none.
func greetsPrize(text string) string {
	const head = 64 << 10
	if len(text) > head {
		text = text[:head]
	}
	fields := strings.Fields(text)
	for i, f := range fields {
		if !congratulations[textmatch.Normalize(f)] {
			continue
		}
		window := strings.Join(fields[i:min(len(fields), i+1+prizeWindow)], " ")
		if !addressesReader(window) {
			continue
		}
		if prizeWords.Contains(textmatch.Normalize(window), 0) || sumBetween(window, 1, 1e9) != "" {
			return window
		}
	}
	return ""
}
