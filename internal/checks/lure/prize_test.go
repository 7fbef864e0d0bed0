package lure

import (
	"strings"
	"testing"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// greetsPrize reads where the catalogue's phrases are read: a
// congratulation at the head or in the footer of a long text counts, one
// buried in its middle does not, and the forms of the word that case,
// accents and punctuation give are the same word.
func TestGreetsPrize(t *testing.T) {
	filler := strings.Repeat("Le rapport annuel présente les activités du service. ", 400)
	cases := []struct {
		name, text string
		want       bool
	}{
		{"french greeting with a phone", "Félicitations, vous recevez un iPhone 15 offert.", true},
		{"upper case and punctuation", "FÉLICITATIONS !!! Vous avez gagné une carte cadeau.", true},
		{"english sum", "Congratulations! You receive $500 today.", true},
		{"greeting to someone else", "Congratulations to the winner of the best paper award.", false},
		{"greeting without a prize", "Félicitations, vous avez réussi votre examen.", false},
		{"no greeting", "Vous avez gagné du temps grâce au nouvel outil.", false},
		// The German draw lure: the draw is its prize once the reader is
		// congratulated on it; a shop's own draw, announced without a
		// congratulation, and a congratulation on something else are not.
		{"german draw after wir gratulieren", "Wir gratulieren Ihnen recht herzlich. Sie gehören zu den Auserwählten für das Fressnapf Gewinnspiel.", true},
		{"german draw after herzlichen glückwunsch", "Herzlichen Glückwunsch, Sie sind einer der Finalisten für unser Rossmann Gewinnspiel.", true},
		{"a shop's draw without a congratulation", "Gewinnspiel: Unter allen Bestellungen bis zum 30. November verlosen wir drei Werkbänke.", false},
		{"the draw's winners congratulated", "Wir gratulieren den Gewinnern unseres Gewinnspiels zu ihren Werkbänken.", false},
		{"congratulated on an anniversary", "Wir gratulieren Ihnen herzlich zum 25-jährigen Firmenjubiläum.", false},
		// The survey lure's mystery box is its prize once the reader is
		// congratulated on it; a shop's own box of the month is not.
		{"mystery box after a congratulation", "Félicitations, vous recevez votre boîte mystère pour 1,95 € de frais d'envoi.", true},
		{"mystery box of a lucky winner", "Congratulations! You are our lucky winner of the Mystery Box.", true},
		{"a shop's box of the month", "La boîte mystère de mars est arrivée : 5 mangas et 2 goodies pour 29,90 €.", false},
		{"the box's winners congratulated", "Félicitations aux gagnants de notre boîte mystère de Noël !", false},
		{"at the head of a long text", "Félicitations, vous recevez un iPhone. " + filler, true},
		{"in the footer of a long text", filler + "Félicitations, vous recevez un iPhone.", true},
		{"buried in the middle of a long text", filler + "Félicitations, vous recevez un iPhone. " + filler, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := greetsPrize(c.text) != ""; got != c.want {
				t.Errorf("greetsPrize = %v, want %v", got, c.want)
			}
		})
	}
}

// The body's reading by the catalogue (collectBody) tells whether
// greetsPrize would find a congratulation: greetsPrizeRead then answers
// as greetsPrize does, on texts with and without one, short, long, and
// longer than greetsPrize reads.
func TestGreetsPrizeRead(t *testing.T) {
	c, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	filler := strings.Repeat("Le rapport annuel présente les activités du service. ", 400)
	huge := strings.Repeat(filler, 4) // past prizeHead
	prize := "Félicitations, vous recevez un iPhone 15 offert. "
	for _, text := range []string{
		"", prize, "Congratulations! You receive $500 today.", "Félicitations, vous avez réussi votre examen.",
		prize + filler, filler + prize, filler + prize + filler,
		huge, prize + huge, huge + prize, huge[:prizeHead-len(prize)] + prize + huge,
		"Bravo, vous avez gagné une carte cadeau.", "CONGRATS!!! you won an ipad",
	} {
		var marks bodyMarks
		c.collectBody(scan.NewInput(nil, &message.Message{Text: text}, scan.Envelope{}), text, map[phrase]int{}, &marks)
		if got, want := greetsPrizeRead(text, marks.greets), greetsPrize(text); got != want {
			t.Errorf("%.60q… (%d bytes): greetsPrizeRead = %q, greetsPrize = %q", text, len(text), got, want)
		}
	}
}

func BenchmarkGreetsPrize(b *testing.B) {
	text := strings.Repeat("Le rapport annuel présente les activités du service. ", 800)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		greetsPrize(text)
	}
}
