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

// greetsPrize returns the congratulation and what follows it within
// prizeWindow words when that names a prize (prizeWords) or a sum of
// money with its currency ("Congratulations, you receive 1 000 €"), "" when
// the text has none.
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
		if prizeWords.Contains(textmatch.Normalize(window), 0) || sumBetween(window, 1, 1e9) != "" {
			return window
		}
	}
	return ""
}
