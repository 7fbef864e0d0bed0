package fwdblock

import "strings"

// Prefix returns the first prefix of a subject, lower-cased: the word a
// mail client or a user writes before a colon ("TR: ", "Re: ", "Fwd: "),
// "" when the subject opens with none. French typography puts a space
// before the colon, and French users and clients write it as a no-break
// space (U+00A0) or a narrow no-break space (U+202F): "TR :", "RE\u00a0:",
// "Fwd\u202f:" are read as "TR:", "RE:" and "Fwd:". At most 10 letters
// (Doorst, Antw) and three spaces before the colon are read: a longer
// word is the subject's own ("Attention: …" is no prefix of the lists).
func Prefix(subject string) string {
	s := strings.TrimLeft(subject, " \t\r\n\u00a0\u202f")
	n := 0
	for n < len(s) && n <= 10 && isLetter(s[n]) {
		n++
	}
	if n == 0 || n > 10 {
		return ""
	}
	word, rest := s[:n], s[n:]
	for spaces := 0; spaces < 3; spaces++ {
		w := typographicSpace(rest)
		if w == 0 {
			break
		}
		rest = rest[w:]
	}
	if rest == "" || rest[0] != ':' {
		return ""
	}
	return lowerASCII(word)
}

// typographicSpace returns the length of the space that opens s: an
// ASCII space or tab, a no-break space or a narrow no-break space, the
// spaces French typography puts before a colon; 0 when s opens with none.
func typographicSpace(s string) int {
	switch {
	case s == "":
		return 0
	case s[0] == ' ' || s[0] == '\t':
		return 1
	case strings.HasPrefix(s, "\u00a0"):
		return len("\u00a0")
	case strings.HasPrefix(s, "\u202f"):
		return len("\u202f")
	}
	return 0
}

// forwardPrefixes are a forward's subject prefixes in the languages of the
// mail clients people use: Fw:, Fwd: (English), TR: (French Outlook), ENC:
// (Portuguese), WG: (German), RV: (Spanish), I: (Italian), Doorst: (Dutch),
// VS: (Danish, Norwegian), FS: (Swedish).
var forwardPrefixes = map[string]bool{"fw": true, "fwd": true, "tr": true, "enc": true, "wg": true, "rv": true,
	"i": true, "doorst": true, "vs": true, "fs": true}

// replyPrefixes are a reply's: Re:, AW: (German), SV: (Scandinavian),
// Antw: (Dutch), Rif: and R: (Italian; R: is Outlook's in Italian, beside
// its I: for a forward), Res: (Portuguese). A reply prefix only keeps the
// quoted block from being read as a forward; whoever writes it could
// write Re: as well.
var replyPrefixes = map[string]bool{"re": true, "aw": true, "sv": true, "antw": true, "rif": true, "r": true, "res": true}

// forwardSubject reports a forward's subject prefix (forwardPrefixes).
func forwardSubject(s string) bool {
	return forwardPrefixes[Prefix(s)]
}

// replySubject reports a reply's subject prefix (replyPrefixes): a reply
// quotes the message it answers under the same markers as a forward, and
// is not one.
func replySubject(s string) bool {
	return replyPrefixes[Prefix(s)]
}

// gatewayTags are the subject tags a receiving organisation's gateway puts
// before the subject of mail from outside ("[EXTERNE] RE: Devis"): an
// Exchange Online mail-flow rule "prepend the subject with", Proofpoint's
// and Mimecast's external tagging, in the words French, English, German,
// Spanish, Portuguese and Italian sites choose (testdata/bandeaux of
// internal/engine, whose replies quote such tags).
var gatewayTags = map[string]bool{"externe": true, "ext": true, "external": true, "extérieur": true,
	"exterieur": true, "extern": true, "externo": true, "esterno": true, "mail externe": true,
	"courriel externe": true, "message externe": true}

// WithoutGatewayTag returns subject without a gateway's external-sender
// tag in front of it (gatewayTags), so that "[EXTERNE] TR: …" is read as
// the forward and "[EXT] RE: …" as the reply they are. The tag is the
// recipient's own gateway's, not the sender's words; a sender who writes
// it gains nothing he could not have by writing "TR:" or "RE:" alone.
func WithoutGatewayTag(subject string) string {
	s := strings.TrimLeft(subject, " \t\u00a0")
	if !strings.HasPrefix(s, "[") {
		return subject
	}
	end := strings.IndexByte(s, ']')
	if end < 0 || end > 24 || !gatewayTags[strings.ToLower(strings.TrimSpace(s[1:end]))] {
		return subject
	}
	return strings.TrimLeft(s[end+1:], " \t\u00a0")
}
