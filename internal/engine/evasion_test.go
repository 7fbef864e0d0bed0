package engine

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"gopkg.in/yaml.v3"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
)

// A phisher's text evasions, the second table of the metamorphic harness
// (metamorph_test.go): each changes how the words of a lure are written
// and not what the reader sees, so that a filter reading the bytes no
// longer finds the phrases it knows. Each is applied to the lures of the
// must-flag sets and of every twins/ directory (flagged as written, they
// must stay flagged), and those a genuine sender's tools also produce
// (a hidden preheader, soft hyphens, character references, an editor's
// spans) to the must-accept sets (accepted as written, they must stay
// accepted). What moves and is not fixed is in lureEvasionsKnown and genuineEvasionsKnown, with
// its reason, and in testdata/gaps/README.md ("Text evasions").
//
// The evasions change the words a phisher would: those of the lure
// catalogue (internal/checks/lure/lures.yaml), four letters or more,
// never inside a link, an address or a domain name shown as text. A
// lure that goes out HTML-only does so in HTML-only evasions: the phisher
// drops the text/plain alternative, which would give the words away.

// textEvasion is one way of writing a word so that the reader sees it and
// a filter does not; each function is nil where it does not apply.
type textEvasion struct {
	name string
	// word rewrites one word of a subject or a text/plain body; html one
	// word of an HTML text run (what it returns is HTML).
	word, html func(w string, n int) string
	// subject rewrites the whole subject, where word is not used there.
	subject func(s string) string
	// htmlDoc changes the HTML document as a whole.
	htmlDoc func(doc []byte) []byte
	// genuine says a genuine sender's tools write the same; the
	// must-accept sets are then transformed too.
	genuine bool
}

// zeroWidth are the characters that render as nothing: zero width space,
// non-joiner, joiner, word joiner, the byte order mark, and in
// left-to-right text the left-to-right isolate and embedding (U+2066,
// U+202A), which cut words as the others do (Unicode's "Trojan Source"
// write-up, Boucher and Anderson, 2021, on bidi controls in text).
var zeroWidth = []string{"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u2066", "\u202a"}

// confusables are Latin letters and the Cyrillic or Greek letters drawn
// the same, from Unicode Technical Standard #39's confusables.txt
// (unicode.org/Public/security/latest/confusables.txt: "а → a", "о → o",
// "ο → o"…); the homoglyph lures of Cofense's "Homograph attacks" and
// Avanan's write-ups use these.
var confusables = map[rune][]rune{
	'a': {'а', 'α'}, 'e': {'е', 'ε'}, 'o': {'о', 'ο'}, 'p': {'р', 'ρ'}, 'c': {'с'}, 'x': {'х', 'χ'}, 'i': {'і', 'ι'},
	'y': {'у'}, 'k': {'κ'}, 'A': {'А', 'Α'}, 'E': {'Е', 'Ε'}, 'O': {'О', 'Ο'}, 'P': {'Р', 'Ρ'}, 'C': {'С'},
}

// insertAt puts ins after the k-th letter of w (k clipped to the word).
func insertAt(w string, k int, ins string) string {
	i := 0
	for at := range w {
		if i == k {
			return w[:at] + ins + w[at:]
		}
		i++
	}
	return w
}

// splitAt cuts w after its k-th letter.
func splitAt(w string, k int) (string, string) {
	s := insertAt(w, k, "\x00")
	a, b, _ := strings.Cut(s, "\x00")
	return a, b
}

var textEvasions = []textEvasion{
	// Zero-width characters inside the words of the subject and of the
	// text: Cisco Talos, "Seeing the unseen: How cyber criminals use
	// hidden text salting" (2025, zero-width space and non-joiner between
	// the letters of brand and lure words); Avanan, "Z-WASP: Zero-Width
	// Space Phishing Attack" (2019).
	{name: "zero-width",
		word: func(w string, n int) string { return insertAt(w, 2, zeroWidth[n%len(zeroWidth)]) },
		html: func(w string, n int) string {
			if n%2 == 0 {
				return insertAt(w, 2, zeroWidth[n%len(zeroWidth)])
			}
			return insertAt(w, 2, fmt.Sprintf("&#x%X;", []rune(zeroWidth[n%len(zeroWidth)])[0]))
		}},
	// ZeroFont: junk letters in a zero font size inside the words of the
	// HTML; Avanan, "ZeroFont Phishing: Manipulating Font Size to Get Past
	// Office 365 Security" (2018).
	{name: "zerofont", html: func(w string, n int) string {
		junk := []string{"xq", "kz", "wy", "jv"}[n%4]
		return insertAt(w, 3, `<span style="font-size:0">`+junk+`</span>`)
	}},
	// Hidden padding: benign newsletter text the reader does not see,
	// added to dilute content scoring; Talos 2025 ("hidden text salting"
	// in the preheader and the body, display:none and colour tricks).
	// Newsletters write a hidden preheader too (genuine).
	{name: "hidden-padding", htmlDoc: hiddenPadding, genuine: true},
	// HTML numeric character references for letters of the words
	// ("&#99;onnectez", "&#x63;"), an obfuscation Talos's 2025 write-up
	// and Microsoft's "Phishing obfuscation" notes describe; editors
	// write references for letters too (genuine).
	{name: "charrefs", genuine: true, html: func(w string, n int) string {
		var b strings.Builder
		for i, r := range w {
			switch {
			case i == 0 && n%2 == 0:
				fmt.Fprintf(&b, "&#%d;", r)
			case i == 1 && n%2 == 1, i == 3:
				fmt.Fprintf(&b, "&#x%x;", r)
			default:
				b.WriteRune(r)
			}
		}
		return b.String()
	}},
	// Words split across inline tags and comments, as the HTML of the
	// ZeroFont and hidden-text write-ups shows them; an editor's spans
	// (spell check, tracked formatting) do the same (genuine).
	{name: "split-tags", genuine: true, html: func(w string, n int) string {
		a, b := splitAt(w, 3)
		switch n % 3 {
		case 0:
			return "<span>" + a + "</span><span>" + b + "</span>"
		case 1:
			return a + "<!-- " + fmt.Sprint(n) + " -->" + b
		default:
			return `<font color="#000000">` + a + `</font>` + b
		}
	}},
	// Soft hyphens inside words (U+00AD, "&shy;"): invisible unless the
	// line breaks there; Talos 2025 lists them with the zero-width
	// characters. Typesetting tools write them (genuine).
	{name: "soft-hyphen", genuine: true,
		word: func(w string, n int) string { return insertAt(w, 2, "\u00ad") },
		html: func(w string, n int) string { return insertAt(insertAt(w, 4, "&shy;"), 2, "&shy;") }},
	// Cyrillic and Greek letters for Latin ones in the lure words
	// (Unicode TR39 confusables, above).
	{name: "homoglyph",
		word: homoglyph,
		html: homoglyph},
	// Full-width letters (U+FF21…) in the subject's words, and in the
	// lure words of the text.
	{name: "fullwidth-subject", subject: func(s string) string { return alterWords(s, false, fullwidth) }},
	{name: "fullwidth-words", word: fullwidth, html: fullwidth},
}

// fullwidth writes w's ASCII letters in their full-width forms.
func fullwidth(w string, _ int) string {
	return strings.Map(func(r rune) rune {
		switch {
		case 'a' <= r && r <= 'z':
			return r - 'a' + 'ａ'
		case 'A' <= r && r <= 'Z':
			return r - 'A' + 'Ａ'
		}
		return r
	}, w)
}

// homoglyph replaces the first letter of w that has a confusable.
func homoglyph(w string, n int) string {
	rs := []rune(w)
	for i, r := range rs {
		if c, ok := confusables[r]; ok {
			rs[i] = c[n%len(c)]
			return string(rs)
		}
	}
	return w
}

// paddingText is the benign text of hiddenPadding: a newsletter's words,
// none of the lure catalogue's themes.
const paddingText = "Retrouvez cette semaine nos recettes de saison, la sélection de livres de la rédaction et " +
	"le programme des concerts du jardin botanique. Les jeunes pousses de tomates profitent du soleil, " +
	"pensez à les arroser le soir. This week in the garden: spring recipes, book reviews and the summer " +
	"concert programme at the botanical garden. Bonne lecture et à bientôt."

// hiddenPadding adds a hidden preheader after <body> (display:none, and
// the "&zwnj;&nbsp;" filler newsletters write after one) and a block of
// text in white on white, one pixel high, before </body>.
func hiddenPadding(doc []byte) []byte {
	pre := `<div style="display:none;font-size:1px;color:#ffffff;line-height:1px;max-height:0px;max-width:0px;opacity:0;overflow:hidden;">` +
		paddingText + strings.Repeat("&zwnj;&nbsp;", 30) + `</div>`
	post := `<div style="color:#ffffff;background-color:#ffffff;font-size:1px;line-height:1px"><span style="color:#ffffff">` +
		paddingText + `</span></div>`
	return insertBeforeBodyEnd(insertAfterBody(doc, pre), post)
}

// lureWords are the words of the lure catalogue's phrases, as the matcher
// folds them, of four letters or more.
var lureWords = func() map[string]bool {
	data, err := os.ReadFile("../checks/lure/lures.yaml")
	if err != nil {
		panic(err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		panic(err)
	}
	out := map[string]bool{}
	var walk func(n *yaml.Node, skip bool)
	walk = func(n *yaml.Node, skip bool) {
		switch n.Kind {
		case yaml.ScalarNode:
			if skip {
				return
			}
			for _, w := range strings.Fields(textmatch.Normalize(n.Value)) {
				if len(w) >= 4 {
					out[w] = true
				}
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(n.Content[i+1], skip || n.Content[i].Value == "sources")
			}
		default:
			for _, c := range n.Content {
				walk(c, skip)
			}
		}
	}
	walk(&root, false)
	return out
}()

// linkLike is a token that is, or holds, a link, an address or a domain
// name: its letters are left alone (evasion_links_test.go's business).
var linkLike = regexp.MustCompile(`://|@|www\.|/|[A-Za-z0-9]\.[A-Za-z]{2}`)

// alterWords passes each lure word of s to f, with its number; in HTML
// text, character references are read as separators and kept.
func alterWords(s string, isHTML bool, f func(w string, n int) string) string {
	var b strings.Builder
	n := 0
	for len(s) > 0 {
		// A token: up to the next white space.
		end := strings.IndexFunc(s, unicode.IsSpace)
		if end < 0 {
			end = len(s)
		} else if end == 0 {
			_, size := utf8.DecodeRuneInString(s)
			b.WriteString(s[:size])
			s = s[size:]
			continue
		}
		tok := s[:end]
		s = s[end:]
		if linkLike.MatchString(tok) {
			b.WriteString(tok)
			continue
		}
		for len(tok) > 0 {
			if isHTML && tok[0] == '&' {
				if m := charRef.FindString(tok); m != "" {
					b.WriteString(m)
					tok = tok[len(m):]
					continue
				}
			}
			r, size := utf8.DecodeRuneInString(tok)
			if !unicode.IsLetter(r) {
				b.WriteString(tok[:size])
				tok = tok[size:]
				continue
			}
			w := 0
			for w < len(tok) {
				r, size := utf8.DecodeRuneInString(tok[w:])
				if !unicode.IsLetter(r) {
					break
				}
				w += size
			}
			word := tok[:w]
			tok = tok[w:]
			if utf8.RuneCountInString(word) >= 4 && lureWords[textmatch.Normalize(word)] {
				word = f(word, n)
				n++
			}
			b.WriteString(word)
		}
	}
	return b.String()
}

var charRef = regexp.MustCompile(`^&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?`)

// htmlTextRuns passes each run of text of doc, outside tags, comments,
// and the head, style and script elements, to f.
func htmlTextRuns(doc []byte, f func(string) string) []byte {
	s := string(doc)
	var b strings.Builder
	for len(s) > 0 {
		lt := strings.IndexByte(s, '<')
		if lt < 0 {
			b.WriteString(f(s))
			break
		}
		b.WriteString(f(s[:lt]))
		s = s[lt:]
		if strings.HasPrefix(s, "<!--") {
			end := strings.Index(s, "-->")
			if end < 0 {
				b.WriteString(s)
				break
			}
			b.WriteString(s[:end+3])
			s = s[end+3:]
			continue
		}
		end := tagEnd(s)
		tag := s[:end]
		b.WriteString(tag)
		s = s[end:]
		if strings.HasPrefix(tag, "</") {
			continue
		}
		name := strings.ToLower(tag[1:])
		if i := strings.IndexFunc(name, func(r rune) bool { return unicode.IsSpace(r) || r == '>' || r == '/' }); i >= 0 {
			name = name[:i]
		}
		switch name {
		case "style", "script", "head", "title":
			close := indexFoldEnd(s, "</"+name)
			if close < 0 {
				close = len(s)
			}
			b.WriteString(s[:close])
			s = s[close:]
		}
	}
	return []byte(b.String())
}

// tagEnd is the length of the tag s opens, quoted attribute values
// skipped.
func tagEnd(s string) int {
	var quote byte
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i + 1
		}
	}
	return len(s)
}

func indexFoldEnd(s, needle string) int {
	return strings.Index(strings.ToLower(s), needle)
}

// apply is the evasion as a transformation: the subject, the text/plain
// bodies and the HTML bodies rewritten; lure says the sender drops the
// text/plain alternative of an HTML message when the evasion is in the
// HTML only.
func (e textEvasion) apply(raw []byte, lure bool) (out []byte, err error) {
	defer func() {
		// go-message's writer panics on some malformed messages of the
		// shared corpus (a multipart without its boundary parameter).
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("go-message: %v", r)
		}
	}()
	dropPlain := lure && e.word == nil && hasHTMLBody(raw) // htmlOnly, when e is the zero textEvasion
	subject := e.subject
	// A genuine sender's tools write soft hyphens in the text, not in
	// the subject.
	if subject == nil && e.word != nil && lure {
		subject = func(s string) string { return alterWords(s, false, e.word) }
	}
	return rewriteMIME(raw, func(h *message.Header) {
		if subject == nil {
			return
		}
		mh := mail.Header{Header: *h}
		s, err := mh.Subject()
		if err != nil {
			s = h.Get("Subject")
		}
		mh.SetSubject(subject(s))
		*h = mh.Header
	}, func(h *message.Header, body []byte) []byte {
		isHTML, ok := bodyPart(h)
		switch {
		case !ok:
			return body
		case !isHTML && dropPlain:
			return nil
		case !isHTML && e.word != nil:
			return []byte(alterWords(string(body), false, e.word))
		case isHTML:
			if e.html != nil {
				body = htmlTextRuns(body, func(s string) string { return alterWords(s, true, e.html) })
			}
			if e.htmlDoc != nil {
				body = e.htmlDoc(body)
			}
		}
		return body
	})
}

// hasHTMLBody reports whether raw has a text/html body part.
func hasHTMLBody(raw []byte) bool {
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		return false
	}
	found := false
	e.Walk(func(_ []int, p *message.Entity, _ error) error {
		if isHTML, ok := bodyPart(&p.Header); ok && isHTML {
			found = true
		}
		return nil
	})
	return found
}

// evasionTransforms is textEvasions as transformations, for lures or for
// genuine mail (only the evasions a genuine sender's tools also write).
// For lures, two controls come first, report-only: the round trip
// through the MIME writer, and the text/plain alternative dropped alone
// (htmlOnly); what an evasion moves that its control moves too is the
// control's doing, not the evasion's (beyondControls).
func evasionTransforms(lure bool) []transformation {
	var out []transformation
	if lure {
		out = append(out,
			transformation{name: "roundtrip", apply: func(raw []byte, _ site) ([]byte, error) { return textEvasion{}.apply(raw, false) },
				reportOnly: "control: the MIME writer's round trip, without an evasion"},
			transformation{name: htmlOnly, apply: func(raw []byte, _ site) ([]byte, error) { return textEvasion{}.apply(raw, true) },
				reportOnly: plainOnlyLure})
	}
	for _, e := range textEvasions {
		if !lure && !e.genuine {
			continue
		}
		out = append(out, transformation{name: e.name, apply: func(raw []byte, _ site) ([]byte, error) { return e.apply(raw, lure) }})
	}
	return out
}

// htmlOnly is the control of the HTML-only evasions: the text/plain
// alternative dropped, nothing else changed.
const htmlOnly = "html-only"

// beyondControls leaves out of got the variants whose fixture its
// control moved too: the round trip for every evasion, htmlOnly for
// those that drop the text/plain alternative.
func beyondControls(got []moved) []moved {
	byControl := map[string]bool{}
	for _, m := range got {
		if m.transform == "roundtrip" || m.transform == htmlOnly {
			byControl[m.transform+" "+m.file+" "+m.trust] = true
		}
	}
	dropsPlain := map[string]bool{}
	for _, e := range textEvasions {
		dropsPlain[e.name] = e.word == nil
	}
	var out []moved
	for _, m := range got {
		if m.transform != "roundtrip" && m.transform != htmlOnly &&
			(byControl["roundtrip "+m.file+" "+m.trust] || dropsPlain[m.transform] && byControl[htmlOnly+" "+m.file+" "+m.trust]) {
			continue
		}
		out = append(out, m)
	}
	return out
}

// lureEvasionsKnown are the lures known to be accepted once evaded, and
// genuineEvasionsKnown the genuine fixtures known to be flagged once
// transformed, with why each is left (testdata/gaps/README.md, "Text
// evasions").
var (
	lureEvasionsKnown    = map[string]string{}
	genuineEvasionsKnown = map[string]string{
		"soft-hyphen hospital/ght-transfert-avis-banque-edocument-routeur.eml":   quotedSubjectHyphened,
		"soft-hyphen hospital/gmail-transfert-avis-banque-edocument-routeur.eml": quotedSubjectHyphened,
	}
)

// plainOnlyLure: some lures say their words, or give their link, in the
// text/plain alternative only ("Connectez-vous au portail" in
// phish2026/aitm-google-sites-bulletin-de-paie.eml); dropping that
// alternative, as the HTML-only evasions do, takes them away rather than
// hiding them. The HTML left is judged on its own.
const plainOnlyLure = "control: the text/plain alternative dropped alone; a lure whose words or link are in it only loses them, nothing is hidden"

// quotedSubjectHyphened: the transformation writes soft hyphens into the
// original's subject that the forward's header block quotes ("Objet :"),
// which no mail client does (it copies the subject as it was); the
// original, rebuilt from the block, then has invisible characters inside
// the words of its subject (INVISIBLE_IN_NAME), as a lure's would.
const quotedSubjectHyphened = "soft hyphens written into the subject a forward's header block quotes, which no client does; the rebuilt original's subject reads as a lure's"

// mustFlagSets are the lures TestMustFlagSurvivesMailTransformations
// reads, and every twins/ directory of testdata, each behind the
// configuration of the must-accept set it twins (the hospital's when it
// twins none).
func mustFlagSets(t *testing.T) []metamorphSet {
	hospital := func(t *testing.T) *config.Config { return chuConfig(t, "microsoft.com", "google.com") }
	var sets []metamorphSet
	for _, d := range []string{"rhfraude", "devicecode", "phishfam", "phish2026"} {
		sets = append(sets, metamorphSet{glob: "testdata/" + d + "/*.eml", home: hospital})
	}
	twins, err := filepath.Glob("testdata/*/twins")
	if err != nil {
		t.Fatal(err)
	}
	deeper, _ := filepath.Glob("testdata/*/*/twins")
	homes := metamorphSets()
	for _, dir := range append(twins, deeper...) {
		home := hospital
		for _, s := range homes {
			if filepath.Dir(s.glob) == filepath.Dir(dir) && s.skip == nil {
				home = s.home
			}
		}
		sets = append(sets, metamorphSet{glob: dir + "/*.eml", home: home})
	}
	return sets
}

// TestLuresSurviveTextEvasions: each lure flagged as written stays flagged
// after each of a phisher's text evasions.
func TestLuresSurviveTextEvasions(t *testing.T) {
	trs := evasionTransforms(true)
	tried, accepted := transformSets(t, mustFlagSets(t), false, trs)
	report(t, "lures moved to accepted", trs, tried, beyondControls(accepted), lureEvasionsKnown)
}

// TestGenuineSurvivesTextEvasions: each genuine fixture accepted as
// written stays accepted after the evasions a genuine sender's tools also
// write.
func TestGenuineSurvivesTextEvasions(t *testing.T) {
	trs := evasionTransforms(false)
	tried, flagged := transformSets(t, metamorphSets(), true, trs)
	report(t, "genuine moved to flagged", trs, tried, flagged, genuineEvasionsKnown)
}

// TestTrainPhishSurvivesTextEvasions applies the evasions to the training
// phishing of the shared corpus, scored under the evaluation's trust, when
// VIGIE_TRAIN_LIST names a `vigie eval --list` file: only its rows marked
// train are read (docs/eval.md: the validation rows are not looked at).
// Each message flagged as written must stay flagged.
func TestTrainPhishSurvivesTextEvasions(t *testing.T) {
	trs := evasionTransforms(true)
	tried, got := transformTrainPhish(t, trs, site{})
	report(t, "training phish moved to accepted", trs, tried, beyondControls(got), trainEvasionsKnown)
}

// transformTrainPhish applies trs to the training phishing of the shared
// corpus when VIGIE_TRAIN_LIST names a `vigie eval --list` file (only its
// rows marked train are read: the validation rows are not looked at),
// scored under the evaluation's trust; it returns how many messages each
// transformation was tried on and the variants of a message flagged as
// written that are accepted. A message go-message cannot write again
// (recovered) is left out of the transformation.
func transformTrainPhish(t *testing.T, trs []transformation, s site) (map[string]int, []moved) {
	t.Helper()
	list := os.Getenv("VIGIE_TRAIN_LIST")
	if list == "" {
		t.Skip("VIGIE_TRAIN_LIST names no eval list")
	}
	data, err := os.ReadFile(list)
	if err != nil {
		t.Fatal(err)
	}
	ev := newScanner(t, evalTrustConfig(t))
	tried := map[string]int{}
	var got []moved
	for line := range strings.Lines(string(data)) {
		f := strings.Split(strings.TrimRight(line, "\n"), "\t")
		if len(f) < 5 || f[0] != "train" || f[1] != "phish" {
			continue
		}
		raw, err := os.ReadFile(filepath.Join("../..", f[4]))
		if err != nil {
			t.Fatal(err)
		}
		if ev.Scan(t.Context(), raw, scan.Envelope{}).Action == scan.Accept {
			continue
		}
		for _, tr := range trs {
			variant, err := recovered(func() ([]byte, error) { return tr.apply(raw, s) })
			if err != nil {
				continue // not MIME go-message writes again
			}
			tried[tr.name]++
			if v := ev.Scan(t.Context(), variant, scan.Envelope{}); v.Action == scan.Accept {
				got = append(got, moved{tr.name, filepath.Base(f[4]), "eval", v})
			}
		}
	}
	return tried, got
}

// trainEvasionsKnown are the training phish known to be accepted once
// evaded, with why each is left.
var trainEvasionsKnown = map[string]string{
	"hidden-padding pp-sample-616.eml": paddedImage,
	"hidden-padding pp-sample-766.eml": paddedImage,
	"hidden-padding pp-sample-772.eml": paddedImage,
}

// paddedImage: a picture-only lure padded with a hidden preheader block
// (display:none on a <div>) has more than 80 characters of visible text
// for IMAGE_ONLY_BODY: a block hidden by display:none is kept, as it may be
// the mobile-only edition a media query reveals (message/hidden.go).
const paddedImage = "the hidden preheader block is read as visible text, so the picture-only body is no longer picture-only"
