package attach

import (
	"strings"
	"testing"
	"time"
)

// TestSVGLinkAsk: the words a link-only SVG lure puts on its button ask
// to open, view, play or sign a document, a message or an invoice; a
// logo's, a diagram's or a badge's words do not.
func TestSVGLinkAsk(t *testing.T) {
	for text, want := range map[string]string{
		"Ouvrir le document":                   "ouvrir le document",
		"▶ Écouter le message":                 "écouter le message",
		"REVIEW DOCUMENT":                      "review document",
		"Play audio":                           "play audio",
		"Consulter et signer le document":      "consulter et signer le document",
		"Voir la facture F-2026-1187":          "voir la facture",
		"Listen to the voicemail (0:42)":       "listen to the voicemail",
		"Télécharger l'avis de paiement":       "télécharger l'avis de paiement",
		"View the secure PDF":                  "view the secure pdf",
		"Studio Lumière Voir le portfolio":     "",
		"Pare-feu pfSense (documentation)":     "",
		"Voir la documentation":                "",
		"pipeline passed":                      "",
		"Direction générale":                   "",
		"Source : SDES, Sit@del2":              "",
		"Obtenir les données":                  "",
		"Text is not SVG - cannot display":     "",
		"Ouvrir le plan de la salle des fêtes": "",
		"open source document management tool": "",
	} {
		if got := svgLinkAsk(text); got != want {
			t.Errorf("svgLinkAsk(%q) = %q, want %q", text, got, want)
		}
	}
}

// TestActiveForeignObject: a foreignObject that only lays out text, as
// draw.io writes its labels, is no active content; one that holds a
// form, a field, a frame, a link or an event handler is.
func TestActiveForeignObject(t *testing.T) {
	drawio := `<svg><g><switch><foreignobject pointer-events="none" width="100%" height="100%" requiredfeatures="http://www.w3.org/tr/svg11/feature#extensibility"><div xmlns="http://www.w3.org/1999/xhtml" style="display: flex;"><div style="font-size: 12px;">pare-feu<br />vlan 10</div></div></foreignobject><text x="80" y="154">pare-feu...</text></switch></g></svg>`
	if activeForeignObject([]byte(drawio)) {
		t.Error("draw.io label read as active")
	}
	for _, inner := range []string{
		`<form action="https://kit.example/p"><input type="password"></form>`,
		`<iframe src="https://kit.example/"></iframe>`,
		`<a href="https://kit.example/">ouvrir</a>`,
		`<div onclick="go()">ouvrir</div>`,
		`<object data="https://kit.example/x"></object>`,
		`<meta http-equiv="refresh" content="0;url=https://kit.example/">`,
	} {
		svg := `<svg><foreignobject width="100" height="100"><div>texte</div></foreignobject><foreignobject>` + inner + `</foreignobject></svg>`
		if !activeForeignObject([]byte(svg)) {
			t.Errorf("%s: not read as active", inner)
		}
		// Unclosed, as a browser still renders it.
		if !activeForeignObject([]byte(`<svg><foreignobject>` + inner)) {
			t.Errorf("%s unclosed: not read as active", inner)
		}
	}
}

// FuzzSVGReading: any text, any SVG bytes: no panic, bounded time, and
// the words returned are a part of the text read.
func FuzzSVGReading(f *testing.F) {
	f.Add("Ouvrir le document", []byte(`<svg><foreignobject><form></form></foreignobject></svg>`))
	f.Add(strings.Repeat("voir ", 300)+"facture", []byte(strings.Repeat("<foreignobject>", 100)))
	f.Fuzz(func(t *testing.T, text string, svg []byte) {
		start := time.Now()
		if w := svgLinkAsk(text); w != "" && len(w) > maxSVGLinkText*2 {
			t.Errorf("%d bytes of words from %d bytes", len(w), len(text))
		}
		activeForeignObject(svg)
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%v", d)
		}
	})
}
