package auth

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

const fws = " \t\r\n"

// parseTagList parses an RFC 6376 §3.2 tag-list, as used by DKIM-Signature,
// DKIM key records, ARC-Seal and ARC-Message-Signature. It is strict where
// the RFC is: tag names are case-sensitive, a duplicate tag or an empty
// tag-spec (";;") invalidates the whole list; a trailing ";" is allowed.
// Values keep their inner folding white space.
func parseTagList(s string) (map[string]string, error) {
	if len(s) > maxHeaderBytes {
		return nil, errors.New("tag-list too long")
	}
	parts := strings.Split(s, ";")
	tags := make(map[string]string, len(parts))
	for i, p := range parts {
		if strings.Trim(p, fws) == "" {
			if i == len(parts)-1 && i > 0 {
				break // trailing semicolon
			}
			return nil, errors.New("empty tag-spec")
		}
		name, value, ok := strings.Cut(p, "=")
		if !ok {
			return nil, fmt.Errorf("tag-spec %q has no '='", strings.Trim(p, fws))
		}
		name = strings.Trim(name, fws)
		if !validTagName(name) {
			return nil, fmt.Errorf("invalid tag name %q", name)
		}
		if _, dup := tags[name]; dup {
			return nil, fmt.Errorf("duplicate tag %q", name)
		}
		tags[name] = strings.Trim(value, fws)
	}
	return tags, nil
}

// validTagName: tag-name = ALPHA *ALNUMPUNC, ALNUMPUNC = ALPHA / DIGIT / "_".
func validTagName(s string) bool {
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isAlpha(c) && !(c >= '0' && c <= '9') && c != '_' {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// stripFWS removes all folding white space, for base64 values (RFC 6376
// §3.5: "b=" and "bh=" may be folded anywhere).
func stripFWS(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, s)
}

// parseInstance parses an ARC instance number, 1 to 50 (RFC 8617 §4.2.1).
func parseInstance(s string) (int, error) {
	s = strings.Trim(s, fws)
	if s == "" || len(s) > 2 {
		return 0, fmt.Errorf("invalid instance %q", s)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxARCInstances {
		return 0, fmt.Errorf("invalid instance %q", s)
	}
	return n, nil
}

// removeTagValue returns the field text with the value of tag "b" emptied,
// everything else (including white space around other tags) kept: what
// RFC 6376 §3.7 and RFC 8617 §5.1.1 hash for the signature field itself.
func removeSigValue(text string) string {
	colon := strings.IndexByte(text, ':')
	if colon < 0 {
		return text
	}
	var b strings.Builder
	b.WriteString(text[:colon+1])
	parts := strings.Split(text[colon+1:], ";")
	for i, p := range parts {
		if i > 0 {
			b.WriteByte(';')
		}
		name, _, ok := strings.Cut(p, "=")
		if ok && strings.Trim(name, fws) == "b" {
			b.WriteString(p[:strings.IndexByte(p, '=')+1])
			// Keep a final CRLF that belonged to the field, not the value.
			if i == len(parts)-1 && strings.HasSuffix(p, "\r\n") {
				b.WriteString("\r\n")
			}
			continue
		}
		b.WriteString(p)
	}
	return b.String()
}
