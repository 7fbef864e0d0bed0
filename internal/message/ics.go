package message

import (
	"strings"
	"unicode/utf8"
)

// A calendar invitation (RFC 5545 iCalendar, sent as RFC 6047 iMIP) is
// shown by Outlook, Gmail and Apple Mail as an event card: its SUMMARY is
// the title, its DESCRIPTION the body, its LOCATION and URL the meeting's
// place and link. Invitation phishing (Check Point, Kaspersky and
// Microsoft's threat reports on Google Calendar and Outlook invites) puts
// the lure and the link there, in a part that is not text/plain, so the
// reader below hands those fields to the same text and link checks as a
// body.

// maxICSBytes bounds the bytes of one calendar part read; maxICSFields the
// properties kept from all of them.
const (
	maxICSBytes  = 256 << 10
	maxICSFields = 200
)

// icsTextProps are the properties a calendar client shows as text.
var icsTextProps = map[string]bool{"SUMMARY": true, "DESCRIPTION": true, "LOCATION": true, "COMMENT": true}

// isCalendar reports whether a part is an iCalendar object.
func isCalendar(declared, ext string) bool {
	return declared == "text/calendar" || declared == "application/ics" || ext == ".ics"
}

// calendar reads one iCalendar part: the shown text fields go to Text and
// their links to URLs, the URL and ATTACH links to URLs, the
// ORGANIZER's address to CalendarOrganizers and the ATTENDEEs' to
// CalendarAttendees.
func (p *parser) calendar(data []byte, in string) {
	doc := string(data[:min(len(data), maxICSBytes)])
	if !utf8.ValidString(doc) {
		doc = strings.ToValidUTF8(doc, "\uFFFD")
	}
	var text []string
	fields := 0
	for line := range icsLines(doc) {
		if fields >= maxICSFields {
			break
		}
		name, params, value, ok := icsProperty(line)
		if !ok {
			continue
		}
		switch {
		case icsTextProps[name]:
			if v := strings.TrimSpace(icsUnescape(value)); v != "" {
				text = append(text, v)
				fields++
			}
		case name == "URL" || name == "ATTACH" && !strings.Contains(strings.ToUpper(params), "ENCODING=BASE64"):
			if v := strings.TrimSpace(value); v != "" {
				p.urls.add(URL{Raw: v, Source: URLFromAttachment, In: in})
				fields++
			}
		case name == "ORGANIZER" || name == "ATTENDEE":
			v := strings.TrimSpace(value)
			if len(v) > 7 && strings.EqualFold(v[:7], "mailto:") {
				list := &p.m.CalendarOrganizers
				if name == "ATTENDEE" {
					list = &p.m.CalendarAttendees
				}
				if a := strings.ToLower(strings.TrimSpace(v[7:])); a != "" && len(*list) < maxICSFields {
					*list = append(*list, truncUTF8(a, 254))
					fields++
				}
			}
		}
	}
	if len(text) == 0 {
		return
	}
	t := strings.Join(text, "\n")
	room := p.lim.MaxTextBytes - p.textLen
	if room <= 0 {
		p.defect(DefectOversize, "text beyond MaxTextBytes, rest ignored")
		return
	}
	if len(t) > room {
		p.defect(DefectOversize, "text beyond MaxTextBytes, rest ignored")
		t = truncUTF8(t, room)
	}
	p.keepText(t, URLFromAttachment, in)
}

// icsLines yields the content lines of an iCalendar object, unfolded: a
// line break followed by a space or a tab continues the line (RFC 5545
// §3.1). Bare LF line ends, which some generators write, are accepted.
func icsLines(doc string) func(func(string) bool) {
	return func(yield func(string) bool) {
		var b strings.Builder
		started := false
		for len(doc) > 0 {
			i := strings.IndexByte(doc, '\n')
			var l string
			if i < 0 {
				l, doc = doc, ""
			} else {
				l, doc = doc[:i], doc[i+1:]
			}
			l = strings.TrimSuffix(l, "\r")
			if len(l) > 0 && (l[0] == ' ' || l[0] == '\t') && started {
				if b.Len() < maxICSBytes {
					b.WriteString(l[1:])
				}
				continue
			}
			if started && !yield(b.String()) {
				return
			}
			b.Reset()
			b.WriteString(l)
			started = true
		}
		if started {
			yield(b.String())
		}
	}
}

// icsProperty splits a content line "NAME;PARAM=x:value" (RFC 5545 §3.1)
// into its upper-cased name, its parameters and its value. A colon inside
// a quoted parameter value does not end the parameters.
func icsProperty(line string) (name, params, value string, ok bool) {
	quoted := false
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '"':
			quoted = !quoted
		case ':':
			if quoted {
				continue
			}
			head := line[:i]
			name, params, _ = strings.Cut(head, ";")
			if name == "" {
				return "", "", "", false
			}
			return strings.ToUpper(name), params, line[i+1:], true
		}
	}
	return "", "", "", false
}

// icsUnescape decodes a TEXT value's escapes (RFC 5545 §3.3.11): "\n" or
// "\N" is a line break, "\\", "\;" and "\," the character itself.
func icsUnescape(v string) string {
	if strings.IndexByte(v, '\\') < 0 {
		return v
	}
	var b strings.Builder
	b.Grow(len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '\\' || i+1 == len(v) {
			b.WriteByte(c)
			continue
		}
		i++
		switch v[i] {
		case 'n', 'N':
			b.WriteByte('\n')
		default:
			b.WriteByte(v[i])
		}
	}
	return b.String()
}
