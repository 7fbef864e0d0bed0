package gateway

import (
	"bytes"
	"strings"

	"vigie.dev/vigie/internal/auth"
)

// OwnField reports whether an incoming header field is one only Vigie may
// write, so that a copy arriving from outside is a forgery to remove before
// the message is passed on: any X-Vigie-* field (a sender's own
// "X-Vigie-Verdict: accept" must not survive above ours), and an
// Authentication-Results field claiming our authserv-id (RFC 8601 §5: a
// border MTA removes such fields, since downstream filters trust them).
func OwnField(name, value, authservID string) bool {
	if len(name) >= 8 && strings.EqualFold(name[:8], "X-Vigie-") {
		return true
	}
	if authservID == "" || !strings.EqualFold(name, "Authentication-Results") {
		return false
	}
	id, _, _ := auth.ParseAuthResults(strings.TrimSpace(value))
	return strings.EqualFold(id, authservID)
}

// StripOwnFields returns raw without the header fields OwnField names
// (folded lines included), and how many it removed. The body and every
// other field are left byte for byte; raw itself is not modified.
func StripOwnFields(raw []byte, authservID string) ([]byte, int) {
	return stripFields(raw, func(name, value string) bool { return OwnField(name, value, authservID) })
}

// StripReleased is StripOwnFields for a release that verified (package
// release): the X-Vigie-Banner fields stay, since the releasing side
// removed the quarantined copy's and wrote its own (a suspect invoice's
// warning for accounting).
func StripReleased(raw []byte, authservID string) ([]byte, int) {
	return stripFields(raw, func(name, value string) bool {
		return OwnField(name, value, authservID) && !strings.EqualFold(name, HeaderBanner)
	})
}

// StripBanners returns raw without its X-Vigie-Banner fields.
func StripBanners(raw []byte) []byte {
	out, _ := stripFields(raw, func(name, _ string) bool { return strings.EqualFold(name, HeaderBanner) })
	return out
}

// stripFields returns raw without the header fields drop names (folded
// lines included), and how many it removed.
func stripFields(raw []byte, drop func(name, value string) bool) ([]byte, int) {
	end := headerEnd(raw)
	var out []byte
	removed, kept := 0, 0 // kept: raw[:kept] is already in out (or untouched)
	for start := 0; start < end; {
		stop := fieldEnd(raw, start, end)
		name, value, ok := bytes.Cut(raw[start:stop], []byte(":"))
		if ok && drop(string(bytes.TrimSpace(name)), unfold(value)) {
			if out == nil {
				out = make([]byte, 0, len(raw))
			}
			out = append(out, raw[kept:start]...)
			kept = stop
			removed++
		}
		start = stop
	}
	if removed == 0 {
		return raw, 0
	}
	return append(out, raw[kept:]...), removed
}

// headerEnd returns the offset of the blank line ending the header block
// (or len(raw) when there is none).
func headerEnd(raw []byte) int {
	for i := 0; i < len(raw); {
		if raw[i] == '\n' {
			return i
		}
		if raw[i] == '\r' && i+1 < len(raw) && raw[i+1] == '\n' {
			return i
		}
		nl := bytes.IndexByte(raw[i:], '\n')
		if nl < 0 {
			return len(raw)
		}
		i += nl + 1
	}
	return len(raw)
}

// fieldEnd returns the end of the field starting at start: past its last
// line break, continuation lines (starting with a blank) included.
func fieldEnd(raw []byte, start, end int) int {
	i := start
	for {
		nl := bytes.IndexByte(raw[i:end], '\n')
		if nl < 0 {
			return end
		}
		i += nl + 1
		if i >= end || (raw[i] != ' ' && raw[i] != '\t') {
			return i
		}
	}
}

func unfold(v []byte) string {
	s := strings.ReplaceAll(string(v), "\r\n", "")
	return strings.TrimSpace(strings.ReplaceAll(s, "\n", ""))
}
