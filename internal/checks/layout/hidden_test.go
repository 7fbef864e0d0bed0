package layout

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// The shapes below are those email builders and mail clients write (MJML's
// column wrappers, a preview-text span, hybrid-layout cells, media-query
// blocks) against the zero-font trick of phishing kits.
func TestZeroFontText(t *testing.T) {
	for _, tc := range []struct {
		name, html string
		hidden     bool
	}{
		{"MJML column wrapper, text sized again inside",
			`<div class="mj-column-per-100" style="font-size:0px;text-align:left;display:inline-block;width:100%;"><table><tr><td style="font-size:0px;padding:10px 25px;word-break:break-word;"><div style="font-family:Arial;font-size:14px;line-height:1.5;color:#333;">Chers adhérents, voici les dates de nos prochaines journées régionales.</div></td></tr></table></div>`,
			false},
		{"image and button cells of a template",
			`<td style="font-size:0px;padding:10px 25px;"><img src="logo.png" alt="Fédération"></td><td style="font-size:0px"><a href="https://x.example" style="font-size:15px;color:#fff">S'inscrire</a></td>`,
			false},
		{"spacer cell and Outlook ghost table",
			`<td style="font-size:0;line-height:0">&nbsp;</td><td style="font-size:0px"><!--[if mso | IE]><table><tr><td>Outlook only text</td></tr></table><![endif]--></td><p>Bonjour à toutes et à tous.</p>`,
			false},
		{"preview text hidden with display:none and a zero font",
			`<span class="mcnPreviewText" style="display:none; font-size:0px; line-height:0px; max-height:0px; max-width:0px; opacity:0; overflow:hidden; visibility:hidden; mso-hide:all;">Le programme du congrès et les inscriptions</span><p>Madame, Monsieur, le congrès aura lieu en juin.</p>`,
			false},
		{"preheader written with a zero font only, before anything visible",
			`<div style="font-size:0;line-height:0;color:#ffffff">Votre relevé de mars est disponible</div><h1>Relevé de compte</h1>`,
			false},
		{"mobile-only block revealed by a media query",
			`<p>Découvrez nos formations.</p><div class="mobile-only" style="display:none;font-size:0;max-height:0;overflow:hidden;mso-hide:all">Menu Formations Agenda Contact</div><p>Bonne journée.</p>`,
			false},
		{"words for filters between the reader's words",
			`<p>Votre bon d'achat vous attend.</p><span style="font-size:0px">facture devis rendez-vous planning</span><p>Cliquez ici.</p>`,
			true},
		{"a brand name split by zero-size letters",
			`<p>Votre compte Micr<span style="font-size:0">xqz</span>osoft expire. Mot de pa<span style="font-size:0">wtyk</span>sse à confirmer.</p>`,
			true},
		{"a hidden paragraph of filler text after the visible lure",
			`<p>Your package is waiting.</p><div style="font-size: 0pt; color:#fff">The old mill stood by the river for many years and the miller's children grew up there.</div>`,
			true},
		{"an unclosed zero-font tag swallowing the rest",
			`<p>Bonjour,</p><font style="font-size:0">lorem ipsum dolor sit amet consectetur`,
			true},
		{"half a pixel is small, not zero",
			`<p>Texte.</p><span style="font-size:0.5px">facture devis rendez-vous planning</span>`,
			false},
		{"a second style attribute is not read, as browsers read the first",
			`<p>Texte.</p><span style="font-size:14px" STYLE="font-size:0">facture devis rendez-vous planning</span>`,
			false},
		{"the first style attribute hides, a second one does not show",
			`<p>Texte.</p><span style="font-size:0" style="font-size:14px">facture devis rendez-vous planning</span>`,
			true},
	} {
		got := zeroFontText(tc.html)
		if (got != "") != tc.hidden {
			t.Errorf("%s: zeroFontText = %q, want hidden=%v", tc.name, got, tc.hidden)
		}
		// The gate in scanHTML agrees with the walk.
		if f := scanHTML(tc.html); (f.hidden != "") != tc.hidden {
			t.Errorf("%s: scanHTML hidden = %q, want hidden=%v", tc.name, f.hidden, tc.hidden)
		}
	}
}

func TestZeroWidthInWords(t *testing.T) {
	pad := strings.Repeat("\u034f \u200c ", 60)
	for _, tc := range []struct {
		name, s string
		want    int
	}{
		{"preheader padding between spaces", "<div>Votre newsletter de mars" + pad + "</div>", 0},
		{"entity padding between spaces", "Programme " + strings.Repeat("&zwnj;&nbsp;", 80), 0},
		{"emoji joined by ZWJ", "Nos soignants 👩\u200d⚕️👨\u200d⚕️ à l'honneur", 0},
		{"Persian spelling", "می\u200cخواهم", 0},
		{"soft hyphens of a long word", "Kranken\u00adhaus\u00adver\u00adwaltung", 0},
		{"letters split", "Mi\u200bcro\u200bsoft Of\u200bfi\u200bce", 4},
		{"two words glued by a run", "votre\u200b\u200b\u200b\u200b\u200brèglement", 5},
		{"split across tags and references", "Pay<span>&#8203;</span>Pal acc<b>&zwnj;</b>ount", 2},
		{"direction marks between letters", "A\u200fm\u200ea\u200fz\u200eo\u200fn", 5},
		{"BOM at the start", "\ufeffBonjour", 0},
	} {
		if got := zeroWidthInWords(tc.s); got != tc.want {
			t.Errorf("%s: zeroWidthInWords = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func FuzzZeroFontText(f *testing.F) {
	f.Add(`<p>a</p><span style="font-size:0">hidden text here</span>`)
	f.Add(`<div style="font-size:0px"><div style="font-size:14px">ok</div></div>`)
	f.Add(`<td style="font-size:0;display:none">x</td></td></tr>`)
	f.Add(`<span style="font-size:0" STYLE="font-size:14px" style=x>seen</span>`)
	f.Add("<DiV\x00x ID=1></DIV\t><a/><" + strings.Repeat("x", 40) + "></>< /b><script></scrIpt ></script>")
	f.Fuzz(func(t *testing.T, s string) {
		_ = zeroFontText(s)
		// rawTagName reads every tag's name as TagName does.
		mine, theirs := html.NewTokenizer(strings.NewReader(s)), html.NewTokenizer(strings.NewReader(s))
		var buf [maxTagName]byte
		for {
			tt := mine.Next()
			if theirs.Next() != tt || tt == html.ErrorToken {
				break
			}
			if tt == html.StartTagToken || tt == html.EndTagToken {
				got := string(rawTagName(mine, &buf))
				want, _ := theirs.TagName()
				if got != string(want) {
					t.Fatalf("rawTagName = %q, TagName = %q in %q", got, want, s)
				}
				// zeroFontText stops at a tag's first style attribute: the
				// tokenizer must return no second one (it keeps the first of
				// each name, as browsers do).
				styles := 0
				for more := true; more; {
					var k []byte
					k, _, more = theirs.TagAttr()
					if string(k) == "style" {
						styles++
					}
				}
				if styles > 1 {
					t.Fatalf("%d style attributes in one tag of %q", styles, s)
				}
			}
		}
		if n := zeroWidthInWords(s); n < 0 || n > len(s) {
			t.Fatalf("zeroWidthInWords = %d for %d bytes", n, len(s))
		}
	})
}

// Deep nesting and endless bodies stop at the walk's limits.
func TestZeroFontTextLimits(t *testing.T) {
	deep := strings.Repeat(`<div style="font-size:0">`, 100_000) + "text hidden in depth"
	_ = zeroFontText(deep)
	long := `<p>a</p>` + strings.Repeat(`<span style="font-size:0">x</span>`, 300_000)
	if got := zeroFontText(long); got == "" {
		t.Error("a long hidden body is still reported")
	}
}

// Only references to splitters make a body worth stripping and decoding.
func TestSplitterReferences(t *testing.T) {
	for s, want := range map[string]bool{
		"l&#8217;hôpital &nbsp; &amp;": false,
		"&#x2019; &#X201C;":            false,
		"Pay&#8203;Pal":                true,
		"Pay&#8203Pal":                 true,
		"Pay&#x200B;Pal":               true,
		"A&zwnj;B":                     true,
		"&#65279;Bonjour":              true,
		"&#99999999999999999999;":      false,
	} {
		if got := hasSplitter(s); got != want {
			t.Errorf("hasSplitter(%q) = %v, want %v", s, got, want)
		}
	}
}
