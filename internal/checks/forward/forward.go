// Package forward judges the message a forward carries. A forwarded
// phishing message arrives with its forwarder's sender and authentication,
// which are genuine, and the original's sender is only text in the body
// ("From: Microsoft account team <no-reply@…> Sent: …"): the sender,
// brand, link and lure checks would judge the forwarder, not the fraud.
// The check reads the original's header block, rebuilds the original as a
// message of its own (its sender and subject, the same body) and scans it
// without authentication; a forward whose original would itself be tagged
// or held raises FORWARDED_PHISH.
//
// Users forwarding suspect mail to the security team write from inside
// (an authenticated or internal sender) and are left alone: their report
// must reach the team.
package forward

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"strings"

	"vigie.dev/vigie/internal/scan"
)

//go:embed signals.yaml
var signals []byte

// definitions are the family's signals (signals.yaml).
var definitions = scan.MustDefinitions("forward", signals)

// Signals implements scan.Family.
func (*Check) Signals() []scan.Definition { return definitions }

// Checks implements scan.Family: the family is one check.
func (c *Check) Checks() []scan.Check { return []scan.Check{c} }

// Check is the forwarded-message check family.
type Check struct {
	// Inner scans the rebuilt original: the other content and sender
	// families, without authentication and without this check.
	Inner func(ctx context.Context, raw []byte, env scan.Envelope) *scan.Verdict
}

// Name implements scan.Check.
func (*Check) Name() string { return "forward" }

// Check implements scan.Check.
func (c *Check) Check(ctx context.Context, in *scan.Input, out *scan.Emitter) {
	if c.Inner == nil || in.Env.Authenticated || !forwardSubject(in.Subject()) {
		return
	}
	text := in.Msg.Text
	b, ok := findBlock(text)
	if !ok {
		text = in.Msg.HTMLText
		if b, ok = findBlock(text); !ok {
			return
		}
	}
	raw := original(in, b)
	v := c.Inner(ctx, raw, scan.Envelope{})
	// The original has no authentication results to add suspicion: being
	// tagged on its own is enough.
	if v == nil || v.Action.Rank() < scan.Tag.Rank() {
		return
	}
	var why []string
	for _, s := range v.Signals {
		if s.Weight >= 1 && len(why) < 4 {
			why = append(why, s.Name)
		}
	}
	out.Emit("FORWARDED_PHISH", fmt.Sprintf("%s: %s", clip(b.from, 80), strings.Join(why, ", ")))
}

// forwardSubject reports a forward's subject prefix in the languages of
// the mail clients people use (Fw:, Fwd:, TR:, ENC:, WG:, RV:, I:, Doorst:).
func forwardSubject(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, p := range []string{"fw:", "fwd:", "fw :", "fwd :", "tr:", "tr :", "enc:", "wg:", "rv:", "i:", "doorst:", "vs:", "fs:"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// block is the header block of a forwarded original, as a mail client
// writes it above the original's body.
type block struct {
	from, to, subject string
}

// Labels of the fields a forward's header block shows, as Outlook, Gmail,
// Thunderbird and Apple Mail write them in English, French, German,
// Spanish, Portuguese, Italian and Dutch.
var (
	fromLabels    = []string{"from", "de", "von", "da", "van"}
	dateLabels    = []string{"sent", "date", "envoyé", "enviado", "enviada", "gesendet", "datum", "data", "inviato", "verzonden", "fecha"}
	toLabels      = []string{"to", "à", "À", "a", "para", "an", "aan", "cc"}
	subjectLabels = []string{"subject", "objet", "assunto", "betreff", "asunto", "oggetto", "onderwerp"}
)

// findBlock finds the header block of a forwarded original near the top of
// a body: a sender label, then a date and a subject label within a few
// lines. Only the first 3,000 bytes are read: a block further down is a
// quotation at the end of a thread, not the message being forwarded.
func findBlock(text string) (block, bool) {
	text = text[:min(len(text), 3000)]
	for off := 0; off < len(text); {
		i, n := nextLabel(text, off, fromLabels)
		if i < 0 {
			return block{}, false
		}
		rest := text[i+n : min(len(text), i+n+900)]
		s, sn := nextLabel(rest, 0, subjectLabels)
		d, _ := nextLabel(rest, 0, dateLabels)
		if s < 0 || d < 0 {
			off = i + n
			continue
		}
		var b block
		b.from = value(rest)
		if t, tn := nextLabel(rest, 0, toLabels); t >= 0 && t < len(rest) {
			b.to = value(rest[t+tn:])
		}
		b.subject = value(rest[s+sn:])
		if b.from == "" {
			off = i + n
			continue
		}
		return b, true
	}
	return block{}, false
}

// nextLabel returns the position of the first "label:" (or "label :") of
// labels at or after off that opens a line or follows a space, and the
// length up to the value; -1 when there is none.
func nextLabel(text string, off int, labels []string) (int, int) {
	best, bestLen := -1, 0
	lower := lowerASCII(text[off:])
	for _, l := range labels {
		for from := 0; ; {
			j := strings.Index(lower[from:], l)
			if j < 0 {
				break
			}
			j += from
			from = j + len(l)
			if j > 0 && !startOfField(lower[j-1]) {
				continue
			}
			k := j + len(l)
			for k < len(lower) && (lower[k] == ' ' || lower[k] == '*') {
				k++
			}
			if k >= len(lower) || lower[k] != ':' {
				continue
			}
			if best < 0 || off+j < best {
				best, bestLen = off+j, k+1-j
			}
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

// value returns a field's value: up to the end of its line, or to the next
// label when the block was flattened into one line (the text of HTML).
func value(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	end := len(s)
	for _, labels := range [][]string{dateLabels, toLabels, subjectLabels, fromLabels} {
		if j, _ := nextLabel(s, 0, labels); j > 0 && j < end {
			end = j
		}
	}
	// Gmail writes the sender's name in bold: *Name* <address>.
	s = strings.ReplaceAll(s[:end], "*", "")
	return clip(strings.TrimSpace(s), 200)
}

// original rebuilds the forwarded message: the block's sender, recipient
// and subject, the forward's date and MIME headers, and its body.
func original(in *scan.Input, b block) []byte {
	var h bytes.Buffer
	field := func(name, v string) {
		v = strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' {
				return ' '
			}
			return r
		}, v)
		if v != "" {
			h.WriteString(name + ": " + v + "\r\n")
		}
	}
	from := b.from
	if i := strings.Index(from, " em nome de "); i > 0 { // Outlook: "x@y em nome de Name"
		from = strings.TrimSpace(from[i+len(" em nome de "):]) + " <" + strings.Trim(from[:i], "<> ") + ">"
	}
	field("From", from)
	field("To", b.to)
	field("Subject", b.subject)
	m := in.Msg
	field("Date", m.Header.Get("Date"))
	if m.MessageID != "" {
		field("Message-ID", "<"+m.MessageID+">")
	}
	for _, name := range []string{"MIME-Version", "Content-Type", "Content-Transfer-Encoding"} {
		if vs := m.Header.RawValues(name); len(vs) > 0 {
			field(name, vs[0])
		}
	}
	body := in.Raw
	if i := bytes.Index(body, []byte("\r\n\r\n")); i >= 0 {
		body = body[i+4:]
	} else if i := bytes.Index(body, []byte("\n\n")); i >= 0 {
		body = body[i+2:]
	}
	h.WriteString("\r\n")
	h.Write(body)
	return h.Bytes()
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
