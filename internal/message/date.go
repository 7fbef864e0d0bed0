package message

import (
	"net/mail"
	"strings"
	"time"
)

// ParseDate reads a date-time as mail writes it, in a Date field or after
// the ";" of a Received field (RFC 5322 §3.3). It first looks for "day
// month year time zone" among the words, which covers the variants of real
// traces: an optional or garbled day of the week, single-digit days,
// two-digit and three-digit years (§4.3), fractional seconds, full month
// names, comments such as "(CET)", and zones written +hhmm, +hh:mm or as
// the obsolete names of §4.3 (UT, GMT, EST, PDT...), which it reads at
// their offsets. Without such a sequence it tries the other shapes senders
// write: net/mail's, a date without zone (read as UTC), ctime's "Mon Jan 2
// 15:04:05 2006", ISO 8601. A zone given only in a comment ("03:27:38
// (GMT)") is not a zone. ok is false when nothing fits, or for an
// impossible date (31 Feb). It is the one date parser of Vigie's mail code.
func ParseDate(s string) (t time.Time, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	t, found := scanDate(s)
	if found {
		return t, !t.IsZero()
	}
	return parseOtherDate(s)
}

// scanDate looks for "day month year time zone" among the words of s,
// comments removed. found is true when it saw such a sequence; t is then
// zero for an impossible date.
func scanDate(s string) (t time.Time, found bool) {
	var f [12]string
	n := 0
	// Words are cut at blanks, commas and comments (which may nest); a
	// comment is no word.
	depth, start := 0, -1
	for i := 0; i <= len(s) && n < len(f); i++ {
		c := byte(' ')
		if i < len(s) {
			c = s[i]
		}
		sep := c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\n' || c == '(' || c == ')'
		if start >= 0 && sep {
			f[n] = s[start:i]
			n++
			start = -1
		}
		switch {
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case !sep && depth == 0 && start < 0:
			start = i
		}
	}
	fields := f[:n]
	for i := 0; i+3 < len(fields); i++ {
		day, ok := atoi(fields[i], 1, 2)
		if !ok || day < 1 || day > 31 {
			continue
		}
		mon := month(fields[i+1])
		if mon == 0 {
			continue
		}
		year, ok := atoi(fields[i+2], 2, 4)
		if !ok {
			continue
		}
		switch { // RFC 5322 §4.3
		case len(fields[i+2]) == 2 && year < 50:
			year += 2000
		case len(fields[i+2]) <= 3:
			year += 1900
		}
		hh, mm, ss, ns, ok := clock(fields[i+3])
		if !ok {
			continue
		}
		if i+4 >= len(fields) {
			continue
		}
		loc, ok := zone(fields[i+4])
		if !ok {
			continue
		}
		t := time.Date(year, mon, day, hh, mm, ss, ns, loc)
		if t.Day() != day { // 31 Feb and the like
			return time.Time{}, true
		}
		return t, true
	}
	return time.Time{}, false
}

// otherDateLayouts are the shapes of dates seen in the wild that neither
// scanDate nor net/mail.ParseDate reads.
var otherDateLayouts = [...]string{
	"Mon, 2 Jan 2006 15:04:05 -0700 (MST)",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 06 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04 -0700",
	"Mon, 2 Jan 2006 15:04:05",
	"2 Jan 2006 15:04:05 -0700",
	"Mon, 2 January 2006 15:04:05 -0700",
	"Mon Jan 2 15:04:05 2006",
	"Mon Jan 2 15:04:05 MST 2006",
	"Monday, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 -0700 -0700",
	time.RFC3339,
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05",
}

// parseOtherDate reads what scanDate does not: net/mail's shapes (a zone
// abbreviation of the local time zone), and otherDateLayouts with a
// trailing comment dropped first for net/mail only.
func parseOtherDate(s string) (time.Time, bool) {
	if t, err := mail.ParseDate(s); err == nil {
		return t, true
	}
	s = strings.Join(strings.Fields(s), " ")
	// Drop a trailing comment such as "(CEST)" or "(Coordinated Universal Time)".
	if strings.HasSuffix(s, ")") {
		if i := strings.LastIndexByte(s, '('); i > 0 {
			if t, err := mail.ParseDate(strings.TrimSpace(s[:i])); err == nil {
				return t, true
			}
		}
	}
	for _, layout := range otherDateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func atoi(s string, minLen, maxLen int) (int, bool) {
	if len(s) < minLen || len(s) > maxLen {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

var months = [...]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

func month(s string) time.Month {
	if len(s) < 3 || len(s) > 9 {
		return 0
	}
	for i, m := range months {
		if strings.EqualFold(s[:3], m) {
			return time.Month(i + 1)
		}
	}
	return 0
}

// clock reads hh:mm[:ss[.frac]].
func clock(s string) (hh, mm, ss, ns int, ok bool) {
	parts := strings.SplitN(s, ":", 3)
	if len(parts) < 2 {
		return
	}
	if hh, ok = atoi(parts[0], 1, 2); !ok || hh > 23 {
		return 0, 0, 0, 0, false
	}
	if mm, ok = atoi(parts[1], 2, 2); !ok || mm > 59 {
		return 0, 0, 0, 0, false
	}
	if len(parts) == 3 {
		sec, frac, _ := strings.Cut(parts[2], ".")
		if ss, ok = atoi(sec, 2, 2); !ok || ss > 60 {
			return 0, 0, 0, 0, false
		}
		if ss == 60 { // leap second: keep the instant plausible
			ss = 59
		}
		if frac != "" {
			digits := frac[:min(len(frac), 9)]
			f, okf := atoi(digits, 1, 9)
			if okf {
				for range 9 - len(digits) {
					f *= 10
				}
				ns = f
			}
		}
	}
	return hh, mm, ss, ns, true
}

// zone reads "+hhmm", "-hhmm", "+hh:mm" or an RFC 5322 §4.3 obsolete zone
// name.
func zone(s string) (*time.Location, bool) {
	if len(s) == 6 && s[3] == ':' {
		s = s[:3] + s[4:]
	}
	if len(s) == 5 && (s[0] == '+' || s[0] == '-') {
		h, ok1 := atoi(s[1:3], 2, 2)
		m, ok2 := atoi(s[3:5], 2, 2)
		if !ok1 || !ok2 || h > 23 || m > 59 {
			return nil, false
		}
		off := h*3600 + m*60
		if s[0] == '-' {
			off = -off
		}
		return time.FixedZone("", off), true
	}
	off := 0
	switch strings.ToUpper(s) {
	case "UT", "UTC", "GMT", "Z":
	case "EDT":
		off = -4
	case "EST", "CDT":
		off = -5
	case "CST", "MDT":
		off = -6
	case "MST", "PDT":
		off = -7
	case "PST":
		off = -8
	default:
		return nil, false
	}
	return time.FixedZone(s, off*3600), true
}
