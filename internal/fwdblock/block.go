package fwdblock

import (
	"strings"

	"vigie.dev/vigie/internal/textmatch"
)

// Block is the header block a mail client writes above a forwarded
// original: the original's sender, recipients and subject as text, each
// value as written (at most 200 bytes).
type Block struct {
	From, To, Cc, ReplyTo, Subject string
	// Start is the offset of the block's first field in the text it was
	// found in. End is where the original's body begins: just after the
	// block's last field line; -1 when the block is not on lines of its
	// own (the text of HTML flattened into one line, a window cut inside
	// it) and the original cannot be cut from the forward.
	Start, End int
}

// Labels of the fields a forward's header block shows, as Outlook, Gmail,
// Thunderbird and Apple Mail write them in English, French, German,
// Spanish, Portuguese, Italian and Dutch (Thunderbird's French block says
// "Sujet :" and "Pour :", its Italian one "Mittente:"). Outlook for
// Windows writes its Spanish and Brazilian date in two words, "Enviado
// el:" and "Enviada em:", where Outlook on the web writes "Enviado:".
var (
	fromLabels    = []string{"from", "de", "von", "da", "van", "mittente"}
	dateLabels    = []string{"sent", "date", "envoyé", "enviado", "enviada", "enviado el", "enviada em", "gesendet", "datum", "data", "inviato", "verzonden", "fecha"}
	toLabels      = []string{"to", "à", "À", "a", "para", "an", "aan", "pour"}
	ccLabels      = []string{"cc"}
	subjectLabels = []string{"subject", "objet", "sujet", "assunto", "betreff", "asunto", "oggetto", "onderwerp"}
	// Reply-To as Apple Mail and Thunderbird write it.
	replyToLabels = []string{"reply-to", "répondre à", "antwort an", "responder a", "rispondi a", "antwoord aan"}
	// Lines Outlook adds to the block that say nothing of the sender.
	otherLabels = []string{"importance", "attachments", "pièces jointes", "anlagen", "datos adjuntos", "anexos", "allegati", "bijlagen"}
)

// The kinds of a block's lines, in the order of fieldLabels.
const (
	fieldFrom = iota
	fieldDate
	fieldTo
	fieldCc
	fieldSubject
	fieldReplyTo
	fieldOther
)

var fieldLabels = [][]string{fromLabels, dateLabels, toLabels, ccLabels, subjectLabels, replyToLabels, otherLabels}

// Window is how much of a body is searched: a block further down is a
// quotation at the end of a thread, not the message being forwarded.
const Window = 3000

// maxBlockLines bounds the lines of one block (Outlook's seven fields and
// Apple Mail's five, with room for a Cc and a Reply-To).
const maxBlockLines = 12

// maxCandidates bounds the sender labels tried as the start of a block: a
// block opens the original, near the top, and a text of nothing but
// labels must not cost a quadratic search.
const maxCandidates = 32

// findBlock finds the header block of a forwarded original near the top of
// a body: a sender label, a date and a subject label within a few lines.
// Only the first 3,000 bytes are read.
func findBlock(text string) (Block, bool) {
	text = text[:min(len(text), Window)]
	lower := lowerASCII(text)
	for off, n := 0, 0; off < len(text) && n < maxCandidates; n++ {
		i, ln := nextLabel(lower, off, fromLabels)
		if i < 0 {
			return Block{}, false
		}
		if b, ok := lineBlock(text, lower, i); ok {
			return b, true
		}
		if b, ok := flatBlock(text, lower, i, ln); ok {
			return b, true
		}
		off = i + ln
	}
	return Block{}, false
}

// lineBlock reads a block whose fields are lines of their own around the
// sender's line at i: the usual shape, which lets the original's body be
// cut after the last one. Thunderbird writes the subject and date above
// the sender, the others below it.
func lineBlock(text, lower string, i int) (Block, bool) {
	ls := lineStart(text, i)
	if strings.TrimLeft(text[ls:i], " \t*>") != "" {
		return Block{}, false
	}
	start := ls
	for n := 0; n < maxBlockLines && start > 0; n++ {
		ps := lineStart(text, start-1)
		k, _, ok := fieldLine(text[ps:start-1], lower[ps:start-1])
		if !ok || k == fieldFrom {
			break
		}
		start = ps
	}
	b := Block{Start: start, End: -1}
	var seen [fieldOther + 1]bool
	froms := 0
	for pos, n := start, 0; pos < len(text) && n < maxBlockLines; n++ {
		le := strings.IndexByte(text[pos:], '\n')
		if le < 0 {
			le = len(text)
		} else {
			le += pos
		}
		k, v, ok := fieldLine(text[pos:le], lower[pos:le])
		if !ok || k == fieldFrom && froms > 0 {
			break
		}
		if k == fieldFrom {
			froms++
		}
		if !seen[k] {
			seen[k] = true
			switch k {
			case fieldFrom:
				b.From = v
			case fieldTo:
				b.To = v
			case fieldCc:
				b.Cc = v
			case fieldSubject:
				b.Subject = v
			case fieldReplyTo:
				b.ReplyTo = v
			}
		}
		if le == len(text) {
			// The window ends inside the block's last line.
			b.End = -1
			break
		}
		pos = le + 1
		b.End = pos
	}
	if b.From == "" || !seen[fieldSubject] || !seen[fieldDate] {
		return Block{}, false
	}
	return b, true
}

// fieldLine reads a line of a block: "Label: value", the label possibly
// in bold (*From:*) or quoted (> From:). lower is the line lower-cased.
func fieldLine(line, lower string) (kind int, v string, ok bool) {
	skip := len(line) - len(strings.TrimLeft(line, " \t*>"))
	rest, lower := line[skip:], lower[skip:]
	for k, labels := range fieldLabels {
		if j, n := nextLabel(lower, 0, labels); j == 0 {
			return k, cleanValue(rest[n:]), true
		}
	}
	return 0, "", false
}

// flatBlock reads a block flattened into one line, as the visible text of
// an HTML part may be: the sender's value runs to the next label.
func flatBlock(text, lower string, i, n int) (Block, bool) {
	end := i + n + 900
	if nl := strings.IndexByte(text[i:min(len(text), end)], '\n'); nl >= 0 {
		end = i + nl
	}
	end = min(end, len(text))
	rest, lrest := text[i+n:end], lower[i+n:end]
	s, sn := nextLabel(lrest, 0, subjectLabels)
	d, _ := nextLabel(lrest, 0, dateLabels)
	if s < 0 || d < 0 {
		return Block{}, false
	}
	b := Block{Start: i, End: -1, From: value(rest, lrest), Subject: value(rest[s+sn:], lrest[s+sn:])}
	if t, tn := nextLabel(lrest, 0, toLabels); t >= 0 {
		b.To = value(rest[t+tn:], lrest[t+tn:])
	}
	if b.From == "" {
		return Block{}, false
	}
	return b, true
}

func lineStart(text string, i int) int {
	return strings.LastIndexByte(text[:i], '\n') + 1
}

// nextLabel returns the position of the first "label:" (or "label :") of
// labels at or after off in lower, a text lower-cased by lowerASCII, that
// opens a line or follows a space, and the length up to the value; -1
// when there is none. Outlook's French labels hold a no-break space
// before the colon ("De\u00a0:"), and French typography a narrow one
// (U+202F) as well.
func nextLabel(lower string, off int, labels []string) (int, int) {
	best, bestLen := -1, 0
	lower = lower[off:]
	for _, l := range labels {
		for from := 0; ; {
			j := strings.Index(lower[from:], l)
			if j < 0 || best >= 0 && off+j+from >= best {
				break
			}
			j += from
			from = j + len(l)
			if j > 0 && !startOfField(lower[j-1]) {
				continue
			}
			k := j + len(l)
			for k < len(lower) {
				if lower[k] == ' ' || lower[k] == '*' || lower[k] == '\t' {
					k++
				} else if w := typographicSpace(lower[k:]); w > 0 {
					k += w
				} else {
					break
				}
			}
			if k >= len(lower) || lower[k] != ':' {
				continue
			}
			best, bestLen = off+j, k+1-j
			break
		}
	}
	return best, bestLen
}

// lowerASCII lower-cases ASCII letters only, so that byte offsets stay
// those of the text whatever it holds (strings.ToLower changes lengths on
// invalid UTF-8 and on some letters).
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func startOfField(c byte) bool {
	return c == '\n' || c == '\r' || c == ' ' || c == '\t' || c == '*' || c == '>'
}

// value returns a field's value in a flattened block: up to the end of
// its line or to the next label. lower is s lower-cased.
func value(s, lower string) string {
	end := len(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		end = i
	}
	for _, labels := range [][]string{dateLabels, toLabels, subjectLabels, fromLabels} {
		if j, _ := nextLabel(lower[:end], 0, labels); j > 0 && j < end {
			end = j
		}
	}
	return cleanValue(s[:end])
}

// cleanValue trims a value, the asterisks of a bold label ("*From:* x")
// included, and bounds its length.
func cleanValue(s string) string {
	return textmatch.Clip(strings.Trim(s, " \t\r*\u00a0\u202f"), 200)
}

// Lines some mail clients write above the block of a forwarded original,
// lower-cased, without their dashes and colon: Gmail's, Thunderbird's,
// Apple Mail's and Outlook's, in the languages of the labels.
var markers = map[string]bool{
	// Gmail ("---------- Forwarded message ---------") and Thunderbird
	// ("-------- Forwarded Message --------").
	"forwarded message": true, "message transféré": true, "weitergeleitete nachricht": true,
	"mensaje reenviado": true, "mensagem encaminhada": true, "messaggio inoltrato": true,
	"doorgestuurd bericht": true,
	// Thunderbird and Outlook ("-----Original Message-----").
	"original message": true, "message d'origine": true, "message original": true,
	"ursprüngliche nachricht": true, "mensaje original": true, "mensagem original": true,
	"messaggio originale": true, "oorspronkelijk bericht": true,
	// Apple Mail ("Begin forwarded message:").
	"begin forwarded message": true, "début du message réexpédié": true,
	"anfang der weitergeleiteten nachricht": true, "inicio del mensaje reenviado": true,
	"início da mensagem reencaminhada": true, "início da mensagem encaminhada": true,
	"inizio messaggio inoltrato": true, "begin doorgestuurd bericht": true,
}

// hasMarker reports a line among the first 3,000 bytes of text that is
// one of the markers: a cheap test, before looking for a block, that a
// message whose subject says nothing of a forward may be one. Marker lines
// are short and open with dashes (Gmail, Thunderbird, Outlook) or end with
// a colon (Apple Mail), so only the lines holding "---" or a colon are
// read, found with the vectorised Index functions: most mail is no
// forward, and this runs on every message.
func hasMarker(text string) bool {
	text = text[:min(len(text), Window)]
	// The next "---" and ":" at or after off (len(text) when there is
	// none), each searched again only once passed: bounded work.
	dash, colon := -1, -1
	for off := 0; off < len(text); {
		if dash < off {
			if dash = strings.Index(text[off:], "---"); dash >= 0 {
				dash += off
			} else {
				dash = len(text)
			}
		}
		if colon < off {
			if colon = strings.IndexByte(text[off:], ':'); colon >= 0 {
				colon += off
			} else {
				colon = len(text)
			}
		}
		i := min(dash, colon)
		if i == len(text) {
			return false
		}
		start := strings.LastIndexByte(text[:i], '\n') + 1
		end := strings.IndexByte(text[i:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += i
		}
		if markerLine(text[start:end]) {
			return true
		}
		off = end + 1
	}
	return false
}

// markerLine reports a line that is one of the markers.
func markerLine(line string) bool {
	line = strings.Trim(line, " \t\r>*\u00a0\u202f")
	if len(line) < 10 || len(line) > 60 || !strings.HasPrefix(line, "---") && !strings.HasSuffix(line, ":") {
		return false
	}
	return markers[strings.ToLower(strings.Trim(line, " \t\r>*_-:\u00a0\u202f"))]
}

// markerBefore reports one of the markers on the last line that is not
// blank before start: the block follows the marker directly.
func markerBefore(text string, start int) bool {
	before := text[max(0, start-300):start]
	for {
		before = strings.TrimRight(before, " \t\r\n>\u00a0\u202f")
		if before == "" {
			return false
		}
		line := before[strings.LastIndexByte(before, '\n')+1:]
		t := strings.ToLower(strings.Trim(line, " \t\r>*_-:\u00a0\u202f"))
		if t == "" {
			// A rule of dashes or underscores: look above it.
			before = before[:len(before)-len(line)]
			continue
		}
		return markers[t]
	}
}
