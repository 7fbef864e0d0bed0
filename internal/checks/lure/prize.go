package lure

import (
	"strings"
	"unicode"

	"vigie.dev/vigie/internal/textmatch"
)

// prizeWindow is how many words after a congratulation are read for the
// prize it announces: a sentence's worth ("Félicitations, vous avez été
// sélectionné pour recevoir un iPhone 15 Pro").
const prizeWindow = 12

// congratulations are the greetings of good news in the catalogue's
// languages. Alone they are no prize (5c6326c: an exam passed, an account
// opened, a card pre-approved); followed by a prize they are the opening
// of the prize and gift-card lure. German writes the greeting as a verb
// too: "Wir gratulieren Ihnen recht herzlich".
var congratulations = map[string]bool{
	"felicitations": true, "congratulations": true, "congrats": true, "gluckwunsch": true,
	"parabens": true, "felicidades": true, "enhorabuena": true, "complimenti": true, "gefeliciteerd": true,
	"gratulieren": true,
}

// congratulationWords are the congratulations as a dictionary, so that a
// text without any is passed over in one pass of the matcher.
var congratulationWords = func() *textmatch.Dict[struct{}] {
	d := textmatch.New[struct{}]()
	for w := range congratulations {
		d.Add(w, struct{}{})
	}
	return d
}()

// prizeWords say that the good news is a prize: winning it, the winner,
// or the goods the prize lure dangles — a phone, a tablet, a games
// console, a gift card or voucher — as the FTC's consumer advice on prize
// scams ("You've won!", "Congratulations! You've been selected to receive
// a gift card") and Cybermalveillance.gouv.fr's alerts on fake contests
// and surveys ("Félicitations, vous avez été sélectionné pour recevoir un
// iPhone", "gagnez une carte cadeau") describe them. Being selected alone
// is not among them: a job offer or a training place says it too; being
// selected for a prize names the prize. A draw ("Gewinnspiel") is the
// prize of the German lure the Verbraucherzentrale warns of ("Wir
// gratulieren Ihnen … Sie gehören zu den Auserwählten für das …
// Gewinnspiel"), once the reader is congratulated on it; a shop's own
// draw, announced with its Teilnahmebedingungen, congratulates no one
// before the draw (engine testdata/europe). So is a mystery box, the gift
// of the survey-for-a-gift lure the FTC's consumer advice and
// Cybermalveillance.gouv.fr's alerts on fake brand surveys describe ("dass
// Sie unser glücklicher Gewinner der … Mystery Box sind", four training
// phishing messages), once the reader is congratulated on it: shops sell theirs in their newsletters ("la boîte
// mystère de mars est arrivée", engine testdata/shopwords) without
// congratulating the reader on winning it.
var prizeWords = func() *textmatch.Dict[struct{}] {
	d := textmatch.New[struct{}]()
	for _, w := range []string{
		// winning and the winner
		"won", "winner", "gagne", "gagnant", "gagnante", "gewonnen", "gewinner", "gewinnspiel",
		"ganhou", "ganador", "ganadora", "hai vinto", "vincitore",
		// the goods of the prize lure
		"iphone", "ipad", "macbook", "airpods", "samsung galaxy", "playstation", "ps5",
		"gift card", "carte cadeau", "bon d achat", "cheque cadeau", "cartao presente", "tarjeta regalo",
		"mystery box", "boite mystere", "caixa misteriosa",
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
	for w := range strings.FieldsSeq(textmatch.Normalize(text)) {
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
//
// A text without a congratulation is passed over in one pass of the
// matcher (congratulationWords); one with a congratulation is read word by
// word in place (nextField, isCongratulation), without an allocation per
// word.
func greetsPrize(text string) string {
	if len(text) > prizeHead {
		text = text[:prizeHead]
	}
	// Where the catalogue's phrases are looked for (collectBody): the
	// first 1,500 words, and the last 3,000 bytes of a long text.
	if !congratulationWords.Contains(text, 1500) && (len(text) <= 6000 || !congratulationWords.Contains(text[len(text)-3000:], 0)) {
		return ""
	}
	for rest := text; ; {
		var f string
		if f, rest = nextField(rest); f == "" {
			return ""
		}
		if !isCongratulation(f) {
			continue
		}
		window := fieldsFrom(text[len(text)-len(rest)-len(f):], 1+prizeWindow)
		if !addressesReader(window) {
			continue
		}
		if prizeWords.Contains(textmatch.Normalize(window), 0) || sumBetween(window, 1, 1e9) != "" {
			return window
		}
	}
}

// prizeHead is how much of a text greetsPrize reads.
const prizeHead = 64 << 10

// greetsPrizeRead is greetsPrize on a body the lure catalogue's reading
// already passed over (collectBody), congratulated saying whether it met
// a congratulation in the windows greetsPrize looks in: a body of no
// more than prizeHead bytes without one is passed over without a second
// pass of the matcher.
func greetsPrizeRead(body string, congratulated bool) string {
	if !congratulated && len(body) <= prizeHead {
		return ""
	}
	return greetsPrize(body)
}

// fieldsFrom returns the first n words of s (nextField), joined by single
// spaces.
func fieldsFrom(s string, n int) string {
	var b strings.Builder
	for ; n > 0; n-- {
		var f string
		if f, s = nextField(s); f == "" {
			break
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f)
	}
	return b.String()
}

// isCongratulation reports whether a word is one of the congratulations
// once folded (textmatch.Fold) and stripped of what is not a letter or a
// digit ("Félicitations,", "CONGRATULATIONS!"). It folds into a buffer on
// the stack, so the words of a long body cost no allocation.
func isCongratulation(w string) bool {
	const longest = 64
	if len(w) < len("congrats") || len(w) > longest {
		return false
	}
	var buf [2 * longest]byte
	n := 0
	for _, r := range w {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			continue
		}
		f := textmatch.Fold(r)
		if n+len(f) > len(buf) {
			return false
		}
		n += copy(buf[n:], f)
	}
	return congratulations[string(buf[:n])]
}
