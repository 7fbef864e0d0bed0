// Package lure reads what the message says and how it is laid out: the
// themes of credential theft and fraud (unpaid invoice, account suspension,
// password expiry, bank-detail change, shared document, prize, crypto,
// advance fee, sextortion…) in several languages, credential forms in the
// body, hidden text and zero-width characters, image-only bodies, and the
// decorations of bulk fraud (look-alike Unicode letters, the recipient's
// address in the subject).
package lure

import (
	"context"
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/textmatch"
)

//go:embed signals.yaml
var signals []byte

//go:embed lures.yaml
var defaultLures []byte

// definitions are the family's signals (signals.yaml).
var definitions = scan.MustDefinitions("lure", signals)

// Signals implements scan.Family.
func (*Check) Signals() []scan.Definition { return definitions }

// Checks implements scan.Family: the family is one check.
func (c *Check) Checks() []scan.Check { return []scan.Check{c} }

// Check is the lure-and-layout check family.
type Check struct {
	themes  []string // index -> signal name
	entries []Entry  // phrase number -> catalogue entry
	dict    *textmatch.Dict[phrase]
	// Theme indexes judged apart, -1 when the catalogue has none.
	footer, billing, callback int
}

// Entry is one phrase of the catalogue with its theme's signal and its source.
type Entry struct {
	Signal string
	Theme  string
	Source string
	Text   string
}

// phrase is a catalogue entry: its theme and its number.
type phrase struct{ theme, id int }

// catalogue is the lure file: sources described once, then per theme the
// phrases grouped by source.
type catalogue struct {
	sources map[string]string
	themes  map[string]map[string][]string
}

func parseCatalogue(data []byte) (catalogue, error) {
	var raw map[string]yaml.Node
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return catalogue{}, fmt.Errorf("lure catalogue: %w", err)
	}
	c := catalogue{sources: map[string]string{}, themes: map[string]map[string][]string{}}
	for name, node := range raw {
		if name == "sources" {
			if err := node.Decode(&c.sources); err != nil {
				return c, fmt.Errorf("lure catalogue: sources: %w", err)
			}
			continue
		}
		var grouped map[string][]string
		if err := node.Decode(&grouped); err != nil {
			// A plain list (a site's own file): phrases of its own.
			var plain []string
			if err2 := node.Decode(&plain); err2 != nil {
				return c, fmt.Errorf("lure catalogue: theme %s: %w", name, err)
			}
			grouped = map[string][]string{"local": plain}
			c.sources["local"] = "the site's own catalogue"
		}
		c.themes[name] = grouped
	}
	for theme, groups := range c.themes {
		for src := range groups {
			if c.sources[src] == "" {
				return c, fmt.Errorf("lure catalogue: theme %s: source %q is not described under sources", theme, src)
			}
		}
	}
	return c, nil
}

// New builds the check from a lure catalogue (nil for the embedded one).
func New(data []byte) (*Check, error) {
	if data == nil {
		data = defaultLures
	}
	cat, err := parseCatalogue(data)
	if err != nil {
		return nil, err
	}
	c := &Check{dict: textmatch.New[phrase](), footer: -1, billing: -1, callback: -1}
	names := make([]string, 0, len(cat.themes))
	for k := range cat.themes {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, theme := range names {
		idx := len(c.themes)
		sig := "LURE_" + strings.ToUpper(theme)
		switch theme {
		case "unsubscribe":
			// Not a lure but the footer of bulk mail, judged against the
			// List-Unsubscribe header.
			sig, c.footer = "BULK_NO_LIST_UNSUBSCRIBE", idx
		case "billing":
			c.billing = idx
		case "callback":
			c.callback = idx
		}
		if !defined(sig) {
			return nil, fmt.Errorf("lure catalogue: theme %q has no signal %s", theme, sig)
		}
		c.themes = append(c.themes, sig)
		srcs := make([]string, 0, len(cat.themes[theme]))
		for src := range cat.themes[theme] {
			srcs = append(srcs, src)
		}
		sort.Strings(srcs)
		for _, src := range srcs {
			for _, p := range cat.themes[theme][src] {
				c.dict.Add(p, phrase{idx, len(c.entries)})
				c.entries = append(c.entries, Entry{Signal: sig, Theme: theme, Source: src, Text: p})
			}
		}
	}
	return c, nil
}

// defined reports whether the family defines the signal.
func defined(name string) bool {
	for _, d := range definitions {
		if d.Name == name {
			return true
		}
	}
	return false
}

// Entries returns every phrase of the catalogue.
func (c *Check) Entries() []Entry { return c.entries }

// Sources describes the catalogue's sources.
func Sources(data []byte) (map[string]string, error) {
	if data == nil {
		data = defaultLures
	}
	cat, err := parseCatalogue(data)
	return cat.sources, err
}

// Matches returns the numbers of the distinct catalogue entries a message
// matches, as the check reads it (subject, sender name, body, its end,
// image alt texts).
func (c *Check) Matches(in *scan.Input) []int {
	var out []int
	for p := range c.distinct(in, bodyOf(in)) {
		out = append(out, p.id)
	}
	sort.Ints(out)
	return out
}

func bodyOf(in *scan.Input) string {
	body := in.Msg.HTMLText
	if len(in.Msg.Text) > len(body) {
		body = in.Msg.Text
	}
	return body
}

func (c *Check) distinct(in *scan.Input, body string) map[phrase]bool {
	m := in.Msg
	distinct := map[phrase]bool{}
	collect := func(text string, limit int) {
		c.dict.Find(text, limit, func(p phrase) bool {
			distinct[p] = true
			return true
		})
	}
	collect(m.Subject, 60)
	collect(m.FromAddr().Name, 20)
	collect(body, 1500)
	if len(body) > 6000 {
		collect(body[len(body)-3000:], 0) // footers are at the end
	}
	collect(strings.Join(m.ImageAlts, " . "), 200)
	return distinct
}

// Name implements scan.Check.
func (*Check) Name() string { return "lure" }

// Check implements scan.Check.
func (c *Check) Check(_ context.Context, in *scan.Input, out *scan.Emitter) {
	m := in.Msg
	body := bodyOf(in)
	distinct := c.distinct(in, body)
	// Different phrases found per theme: a theme is found when it has one.
	perTheme := make([]int, len(c.themes))
	for p := range distinct {
		perTheme[p.theme]++
	}
	themes, dominant := 0, -1
	// Themes in catalogue order, so that signals come out in one order.
	for t, n := range perTheme {
		if n == 0 {
			continue
		}
		switch t {
		case c.footer:
			if !m.Header.Has("List-Unsubscribe") {
				out.Emit(c.themes[t], "")
			}
			continue
		case c.callback:
			if n := phoneNumber(body); n != "" {
				out.Emit(c.themes[t], n)
			}
			continue
		}
		out.Emit(c.themes[t], "")
		themes++
		// Three different phrases of one theme: the message is about it,
		// it does not merely mention it.
		if n >= 3 && (dominant < 0 || n > perTheme[dominant] || n == perTheme[dominant] && t < dominant) {
			dominant = t
		}
	}
	// A renewal or failed payment with a number to call is the other
	// shape of the callback scam.
	if c.billing >= 0 && perTheme[c.billing] > 0 && (c.callback < 0 || perTheme[c.callback] == 0) {
		if n := phoneNumber(body); n != "" {
			out.Emit("LURE_CALLBACK", n)
		}
	}
	if themes >= 3 {
		out.Emit("LURE_MANY_THEMES", fmt.Sprint(themes))
	}
	// A fortune offered by a free mailbox, or with replies sent to one:
	// the advance-fee letter (SpamAssassin's MONEY_FREEMAIL_REPTO). The
	// sender family runs first in the pipeline and said whether the
	// sender or Reply-To is a free mailbox.
	if out.Emitted("FROM_FREEMAIL") || out.Emitted("REPLYTO_FREEMAIL") {
		if sum := bigSum(body); sum != "" {
			out.Emit("MONEY_FROM_FREEMAIL", sum)
		}
	}
	if dominant >= 0 {
		out.Emit("LURE_DOMINANT", c.themes[dominant])
	}
	layout(in, body, out)
}

func layout(in *scan.Input, body string, out *scan.Emitter) {
	m := in.Msg
	f := scanHTML(m.HTML)
	if f.password {
		out.Emit("HTML_PASSWORD_FORM", "")
	} else if f.form {
		out.Emit("HTML_FORM", "")
	}
	// The parser drops invisible characters from the text it extracts; count
	// them in the source.
	src := body
	if m.HTML != "" {
		src = m.HTML
	}
	if zw := countZeroWidth(m.Subject) + countZeroWidth(src); zw >= 5 {
		out.Emit("ZERO_WIDTH_CHARS", fmt.Sprint(zw))
	}
	if w := invisibleInWord(m.FromAddr().Name); w != "" {
		out.Emit("INVISIBLE_IN_NAME", w)
	} else if w := invisibleInWord(m.Subject); w != "" {
		out.Emit("INVISIBLE_IN_NAME", w)
	}
	if fancy(m.Subject) || fancy(m.FromAddr().Name) {
		out.Emit("FANCY_UNICODE_TEXT", "")
	}
	if hasEmoji(m.FromAddr().Name) {
		out.Emit("FROM_NAME_EMOJI", m.FromAddr().Name)
	}
	if m.HTML != "" && f.img && len(strings.TrimSpace(m.HTMLText)) < 80 && len(strings.TrimSpace(m.Text)) < 80 {
		n := 0
		for _, l := range in.Links {
			if l.Source == "href" {
				n++
			}
		}
		if n >= 1 && n <= 3 {
			out.Emit("IMAGE_ONLY_BODY", "")
		}
	}
	subject := strings.ToLower(in.Subject())
	list := in.List != ""
	// The recipients: those of the envelope when the gateway knows them
	// (a bulk sender addressing To: itself or "undisclosed recipients"
	// still writes the real recipient into the subject), else To.
	recipients := make([]message.Address, 0, len(m.To)+len(in.Env.RcptTo))
	for _, r := range in.Env.RcptTo {
		recipients = append(recipients, message.Address{Addr: strings.Trim(r, "<> ")})
	}
	envelopeKnown := len(recipients) > 0
	recipients = append(recipients, m.To...)
	for _, to := range recipients {
		a := strings.ToLower(to.Addr)
		local := strings.ToLower(to.Local())
		if a != "" && strings.Contains(subject, a) || !list && len(local) >= 5 && strings.Contains(subject, local) {
			out.Emit("RECIPIENT_IN_SUBJECT", "")
			break
		}
	}
	// The visible sender is the recipient: when the envelope is known,
	// the recipient is who the message is delivered to, not a To: that a
	// newsletter sets to its own address before sending in blind copy.
	self := len(m.To) == 1 && strings.EqualFold(m.To[0].Addr, m.FromAddr().Addr)
	if envelopeKnown {
		self = false
		for _, r := range in.Env.RcptTo {
			if strings.EqualFold(strings.Trim(r, "<> "), m.FromAddr().Addr) {
				self = true
			}
		}
	}
	if m.FromAddr().Addr != "" && !list && self && !in.SenderAuthenticated() {
		out.Emit("FROM_EQUALS_TO", "")
	}
	if w := leet(m.Subject + " " + m.FromAddr().Name); w != "" {
		out.Emit("LEET_OBFUSCATION", w)
	}
	if hasEmoji(m.Subject) {
		out.Emit("SUBJECT_EMOJI", "")
	}
	if w := gibberish(in.Subject()); w != "" {
		out.Emit("SUBJECT_GIBBERISH", w)
	}
	for _, part := range m.Parts {
		if part.ContentType == "text/html" && part.Encoding == "base64" && part.Disposition != "attachment" && part.Filename == "" {
			out.Emit("BASE64_HTML_BODY", "")
			break
		}
	}
	if f.offset != "" {
		out.Emit("HIDDEN_FAR_OFFSET", f.offset)
	}
	if trick := f.hidden; trick != "" {
		out.Emit("HIDDEN_CONTENT", trick)
	}
	if len(body) > 300 && upperShareMin(body[:min(len(body), 4000)], 200, 7) {
		out.Emit("BODY_SHOUTING", "")
	}
	if upperShare(m.Subject) {
		out.Emit("SUBJECT_SHOUTING", "")
	}
}

// invisibleInWord returns the word of s (invisible characters removed)
// that has an invisible character between two of its letters: a sender
// name or subject broken up so that filters miss the brand it spells.
// Emoji variation selectors follow symbols, not letters, and do not count.
func invisibleInWord(s string) string {
	rs := []rune(s)
	for i := 1; i < len(rs)-1; i++ {
		if !textmatch.Invisible(rs[i]) || !unicode.IsLetter(rs[i-1]) {
			continue
		}
		j := i
		for j < len(rs) && textmatch.Invisible(rs[j]) {
			j++
		}
		if j < len(rs) && unicode.IsLetter(rs[j]) && !combining(rs[i]) {
			start, end := i-1, j
			for start > 0 && (unicode.IsLetter(rs[start-1]) || textmatch.Invisible(rs[start-1])) {
				start--
			}
			for end < len(rs) && (unicode.IsLetter(rs[end]) || textmatch.Invisible(rs[end])) {
				end++
			}
			return strings.Map(func(r rune) rune {
				if textmatch.Invisible(r) {
					return -1
				}
				return r
			}, string(rs[start:end]))
		}
	}
	return ""
}

func countZeroWidth(s string) int {
	n := 0
	for _, zw := range []string{"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u034f", "\u180e"} {
		n += strings.Count(s, zw)
	}
	return n
}

// fancy reports letters from the Mathematical Alphanumeric Symbols and
// enclosed or full-width forms, used to dodge word filters (𝕀𝕙𝕣, Ｆｒｅｅ).
func fancy(s string) bool {
	n := 0
	for _, r := range s {
		if r >= 0x1D400 && r <= 0x1D7FF || r >= 0x1D00 && r <= 0x1D2B || r == 0x0274 || r == 0x0280 || r == 0x029F || r == 0x026A || r >= 0x2460 && r <= 0x24FF || r >= 0xFF01 && r <= 0xFF5E || r >= 0x1F130 && r <= 0x1F189 {
			n++
		}
	}
	return n >= 3
}

func hasEmoji(s string) bool {
	for _, r := range s {
		if r >= 0x1F300 && r <= 0x1FAFF || r >= 0x2600 && r <= 0x27BF {
			return true
		}
	}
	return false
}

func upperShare(s string) bool { return upperShareMin(s, 20, 8) }

// upperShareMin reports at least minLetters letters of which tenths/10 or
// more are capitals.
func upperShareMin(s string, minLetters, tenths int) bool {
	up, letters := 0, 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			// ASCII, most of a body: no rune decoding, no tables.
			if lc := c | 0x20; 'a' <= lc && lc <= 'z' {
				letters++
				if c < 'a' {
					up++
				}
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				up++
			}
		}
		i += size
	}
	return letters >= minLetters && up*10 >= letters*tenths
}

// htmlFeatures are what the layout checks need from a body's HTML.
type htmlFeatures struct {
	img, form, password bool
	hidden              string // a font too small to read, if any
	offset              string // content pushed out of sight, if any
}

// scanHTML reads the HTML once: tags by name (<img>, <form>, <input
// type=password>) and style values that hide text from the reader — text
// pushed off-screen by huge offsets (in pixels or screen heights), or a
// zero or one-pixel font. Hidden
// preheaders (display:none) are too common in newsletters to count.
func scanHTML(html string) htmlFeatures {
	var f htmlFeatures
	// Each pass jumps between occurrences with the vectorised Index functions
	// instead of looking at every byte.
	for rest := html; ; {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			break
		}
		rest = rest[i+1:]
		switch tagName(rest) {
		case "img":
			f.img = true
		case "form":
			f.form = true
		case "input":
			end := strings.IndexByte(rest, '>')
			if end < 0 {
				end = len(rest)
			}
			if strings.Contains(strings.ToLower(rest[:min(end, 400)]), "password") {
				f.password = true
			}
		}
	}
	// An offset of five digits or more in pixels, or a height of ten
	// screens or more.
	if f.offset = bigLength(html, "px", 5, 8); f.offset == "" {
		f.offset = bigLength(html, "vh", 4, 6)
	}
	for off := 0; f.hidden == ""; {
		i := strings.Index(html[off:], "font-size:")
		if i < 0 {
			break
		}
		i += off
		v := strings.TrimLeft(html[i+10:min(len(html), i+20)], " ")
		if strings.HasPrefix(v, "0px") || strings.HasPrefix(v, "0;") || strings.HasPrefix(v, "0\"") || strings.HasPrefix(v, "0 ") || strings.HasPrefix(v, "0pt") {
			f.hidden = "font-size " + v[:min(len(v), 3)]
		}
		off = i + 10
	}
	return f
}

// tagName returns the lower-cased name of a tag starting at s (after "<").
func tagName(s string) string {
	n := 0
	for n < len(s) && n < 8 && isASCIILetter(s[n]) {
		n++
	}
	if n == 0 || n == 8 {
		return ""
	}
	return strings.ToLower(s[:n])
}

// gibberish returns a word of the subject that reads as random letters: at
// least eight letters with no vowel run a language would have, or case
// flipping inside the word (pIsdlCthlCTX).
func gibberish(subject string) string {
	for _, w := range strings.FieldsFunc(subject, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len(w) < 8 || len(w) > 40 {
			continue
		}
		vowels, flips, maxCons, cons := 0, 0, 0, 0
		prevUpper := false
		ascii := true
		for i, r := range w {
			if r > unicode.MaxASCII {
				ascii = false
				break
			}
			lr := unicode.ToLower(r)
			if strings.ContainsRune("aeiouy", lr) {
				vowels++
				cons = 0
			} else {
				cons++
				maxCons = max(maxCons, cons)
			}
			up := unicode.IsUpper(r)
			if i > 1 && up != prevUpper {
				flips++
			}
			prevUpper = up
		}
		if !ascii {
			continue
		}
		if maxCons >= 5 && textmatch.StrangeCluster(w) || vowels*5 < len(w) || flips >= 4 {
			return w
		}
	}
	return ""
}

// leet returns a word of s written with digits in place of letters to
// dodge word filters (C0NTA, P4YPAL): letters on both sides of a 0, 1, 3 or
// 4, in a word that is not all lower case.
func leet(s string) string {
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len(w) < 4 || len(w) > 30 {
			continue
		}
		letters, digits := 0, 0
		for _, r := range w {
			if unicode.IsLetter(r) {
				letters++
			} else {
				digits++
			}
		}
		if digits == 0 || digits > 2 || letters < 3 {
			continue
		}
		// Lower-case tokens with a digit are names of things (log4j,
		// ps3vram, gpt4o, h264), not words disguised to dodge filters,
		// which are written in capitals (C0NTA, P4YPAL).
		if strings.ToLower(w) == w {
			continue
		}
		for i := 1; i < len(w)-1; i++ {
			if strings.IndexByte("0134", w[i]) >= 0 && isASCIILetter(w[i-1]) && isASCIILetter(w[i+1]) {
				return w
			}
		}
	}
	return ""
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// combining reports the accents of decomposed letters (e + U+0301), which
// are invisible on their own but belong to the word.
func combining(r rune) bool {
	return unicode.Is(unicode.Mn, r) && !unicode.Is(unicode.Variation_Selector, r)
}

// phoneNumber returns the first telephone number written in s: nine to
// fifteen digits in three groups or more of at most four, separated by
// spaces, dots, dashes or parentheses, with an optional leading +. Long
// digit runs (order and reference numbers) and dates are not numbers to call.
func phoneNumber(s string) string {
	s = s[:min(len(s), 20000)]
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '+' || c == '(' || c >= '0' && c <= '9') || i > 0 && isDigitOrLetter(s[i-1]) {
			continue
		}
		digits, groups, group, longest, j := 0, 0, 0, 0, i
		if c == '+' || c == '(' {
			j++
		}
	scan:
		for ; j < len(s); j++ {
			d := s[j]
			switch {
			case d >= '0' && d <= '9':
				digits++
				group++
				longest = max(longest, group)
			case phoneSep(d):
				// One or two separators ("-", ") "), then a digit.
				k := j + 1
				if k < len(s) && phoneSep(s[k]) {
					k++
				}
				if k == len(s) || s[k] < '0' || s[k] > '9' {
					break scan
				}
				if group > 0 {
					groups++
				}
				group = 0
				j = k - 1
			default:
				break scan
			}
		}
		if group > 0 {
			groups++
		}
		// Numbers to call are written in groups of two to four digits
		// (+1 818 492 9813, 01 23 45 67 89); order numbers are not, nor
		// are references that open with a year (2024-03-4471).
		if digits >= 9 && digits <= 15 && groups >= 3 && longest <= 4 && (j == len(s) || !isDigitOrLetter(s[j])) && !yearFirst(s[i:j]) {
			return strings.TrimSpace(s[i:j])
		}
		i = j
	}
	return ""
}

// bigLength returns the first length in unit written with minDigits to
// maxDigits digits ("470500px"). Digits after a decimal point are a
// fraction, not a length (font-size: 15.008000373840332px).
func bigLength(html, unit string, minDigits, maxDigits int) string {
	for off := 0; ; {
		i := strings.Index(html[off:], unit)
		if i < 0 {
			return ""
		}
		i += off
		n := 0
		for n < i && html[i-1-n] >= '0' && html[i-1-n] <= '9' {
			n++
		}
		if n >= minDigits && n <= maxDigits && (i-n == 0 || html[i-n-1] != '.') {
			return html[i-n:i] + unit
		}
		off = i + len(unit)
	}
}

// yearFirst reports a number whose first group is a year (19xx or 20xx).
func yearFirst(n string) bool {
	return len(n) > 4 && (strings.HasPrefix(n, "19") || strings.HasPrefix(n, "20")) && !isDigitOrLetter(n[4]) && n[3] >= '0' && n[3] <= '9'
}

func phoneSep(c byte) bool { return c == ' ' || c == '.' || c == '-' || c == '(' || c == ')' }

func isDigitOrLetter(c byte) bool { return c >= '0' && c <= '9' || isASCIILetter(c) }
