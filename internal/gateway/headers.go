package gateway

import (
	"fmt"
	"strings"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/scan"
)

// Field is a header field the gateway adds to a message it passes on.
type Field struct {
	Name, Value string
}

// Header names written by the gateway.
const (
	HeaderVerdict = "X-Vigie-Verdict"
	HeaderScore   = "X-Vigie-Score"
	HeaderSignals = "X-Vigie-Signals"
	// HeaderBanner carries a warning for the recipients (scan.Definition.Banner).
	HeaderBanner = "X-Vigie-Banner"
	// HeaderRelease is the signed field of a released message (package
	// release); incoming, it is removed like every X-Vigie-* field.
	HeaderRelease = "X-Vigie-Release"
	// HeaderAllow names the allow rule that capped the action (package allow).
	HeaderAllow = "X-Vigie-Allow"
)

// maxSignalsHeader bounds the signal names listed in X-Vigie-Signals.
const maxSignalsHeader = 20

// Fields returns the header fields for a message the gateway lets through,
// in the order they go on top of the message. Every such message carries
// our Authentication-Results (RFC 8601) when it was authenticated here and
// its verdict; a tagged one also lists its signals.
func (g Settings) fields(o *Outcome) []Field {
	if o.Verdict == nil || o.Err != nil {
		// Not scanned, or not to the end (ErrIncomplete): no score
		// nor signals that would read as a judgement.
		return []Field{{HeaderVerdict, "unscanned"}}
	}
	v := o.Verdict
	var out []Field
	if v.Auth.Source == "dns" && g.AuthServID != "" {
		out = append(out, Field{"Authentication-Results", auth.FormatAuthResults(g.AuthServID, v.Auth)})
	}
	out = append(out, Field{HeaderVerdict, string(o.Action)}, Field{HeaderScore, fmt.Sprintf("%.1f", v.Score)})
	if o.Action != scan.Accept && len(v.Signals) > 0 {
		names := make([]string, 0, len(v.Signals))
		for _, s := range v.Signals {
			if len(names) == maxSignalsHeader {
				names = append(names, "...")
				break
			}
			names = append(names, s.Name)
		}
		out = append(out, Field{HeaderSignals, strings.Join(names, " ")})
	}
	return out
}

// Fold folds a header value at "; " and ", " separators so that no line
// exceeds 78 characters where possible (RFC 5322 §2.2.3); sep is the line
// break to use ("\r\n" on the wire, "\n" in milter replies). A part
// between separators too long for a line of its own made of RFC 2047
// encoded words — a banner that quotes a long detail — is folded between
// the words too (RFC 2047 §2), a tab for the blank as at the separators:
// the same text to a decoder, which ignores the white space between
// encoded words. Other blanks are left alone: a Received field's clauses
// stay on the line the readers of our trace expect.
func Fold(name, value, sep string) string {
	if len(name)+2+len(value) <= 78 {
		return value
	}
	var b strings.Builder
	line := len(name) + 2
	for i, tok := range splitKeep(value) {
		if i > 0 && line+len(tok) > 78 && strings.TrimLeft(tok, " ") != "" {
			b.WriteString(sep + "\t")
			tok = strings.TrimLeft(tok, " ")
			line = 8
		}
		if line+len(tok) <= 78 {
			b.WriteString(tok)
			line += len(tok)
			continue
		}
		for j, word := range splitEncodedWords(tok) {
			if j > 0 && line+len(word) > 78 {
				b.WriteString(sep + "\t")
				word = word[1:]
				line = 8
			}
			b.WriteString(word)
			line += len(word)
		}
	}
	return b.String()
}

// splitEncodedWords splits s before each blank between two encoded words
// ("?= =?"), the blank starting the next piece.
func splitEncodedWords(s string) []string {
	var out []string
	start := 0
	for i := 2; i+2 < len(s); i++ {
		if s[i] == ' ' && s[i-2:i] == "?=" && s[i+1:i+3] == "=?" {
			out = append(out, s[start:i])
			start = i
		}
	}
	return append(out, s[start:])
}

// splitKeep splits s after each "; " or ", " and before the blank.
func splitKeep(s string) []string {
	var out []string
	start := 0
	for i := 0; i+1 < len(s); i++ {
		if (s[i] == ';' || s[i] == ',') && s[i+1] == ' ' {
			out = append(out, s[start:i+1])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// Prepend returns raw with fields added on top, folded and CRLF-terminated.
func Prepend(raw []byte, fields []Field) []byte {
	var b strings.Builder
	for _, f := range fields {
		b.WriteString(f.Name + ": " + Fold(f.Name, f.Value, "\r\n") + "\r\n")
	}
	out := make([]byte, 0, b.Len()+len(raw))
	out = append(out, b.String()...)
	return append(out, raw...)
}
