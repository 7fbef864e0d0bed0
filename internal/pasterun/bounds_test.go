package pasterun

import (
	"strings"
	"testing"
	"time"
)

// Mentions reads a page a chunk at a time: a box and a paste on either
// side of a chunk's edge, or a phrase across it, are still read.
func TestMentionsAcrossChunks(t *testing.T) {
	for _, pad := range []int{pageChunk - 40, pageChunk - 3, pageChunk, pageChunk + 1, 3*pageChunk + 7} {
		page := strings.Repeat("x ", pad/2) + "Appuyez sur la touche Windows et R puis " + strings.Repeat("y ", pageChunk) + "Ctrl + V"
		if Mentions(page) == "" {
			t.Errorf("pad %d: not found", pad)
		}
	}
	for _, ps := range []phrases{opens, pastes} {
		for _, w := range ps.words {
			if len(w) > longestPhrase {
				t.Errorf("%q is longer than longestPhrase", w)
			}
		}
	}
}

// A page or a body of nothing but the trigger words costs time in
// proportion to its size, and a page is read to maxPageText at most.
func TestHugeInputsAreBounded(t *testing.T) {
	for _, unit := range []string{
		"Ctrl+V ",
		"Windows + R Ctrl+V Entrée faux captcha ne le faites jamais ",
		"powershell iex faux captcha ne le faites jamais ",
		"copiez la commande ci-dessous collez ",
		"\\\\a\\b %ab% ",
	} {
		s := strings.Repeat(unit, 5<<20/len(unit))
		start := time.Now()
		Instruction(s)
		TypedCommand(s)
		Mentions(s)
		PageText([]byte(s))
		// Generous: the machine is shared; a quadratic reading takes
		// minutes.
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("%q ×5 MB: %v", unit, d)
		}
	}
}

// A body or a page without the trigger words is not normalised, nor
// copied.
func TestNoAllocationsWithoutTriggers(t *testing.T) {
	text := strings.Repeat("Bonjour, veuillez trouver ci-joint le compte rendu de la réunion de service du 12 janvier. ", 200)
	page := []byte("<html><body><p>" + text + "</p></body></html>")
	for name, f := range map[string]func(){
		"Instruction":  func() { Instruction(text) },
		"TypedCommand": func() { TypedCommand(text) },
		"Mentions":     func() { Mentions(text) },
		"WritesClipboard": func() {
			WritesClipboard(page)
		},
		"MayInstruct":     func() { MayInstruct(text, text) },
		"PageMayInstruct": func() { PageMayInstruct(page) },
	} {
		if n := testing.AllocsPerRun(10, f); n != 0 {
			t.Errorf("%s: %v allocations", name, n)
		}
	}
}

func TestMayInstruct(t *testing.T) {
	if !MayInstruct("1. Appuyez sur Windows + R", "2. Collez", "3. Entrée") || MayInstruct("Joyeux Noël", "Collez vos photos") {
		t.Error("MayInstruct")
	}
	if !PageMayInstruct([]byte("<text>Windows + R</text><text>Ctrl + V</text>")) || PageMayInstruct([]byte("<p>Bonjour</p>")) {
		t.Error("PageMayInstruct")
	}
}
