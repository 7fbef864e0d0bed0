package received

import (
	"strings"
	"time"
)

// parseDate reads the date-time of a Received field, RFC 5322 §3.3 with the
// variants found in real traces: optional or garbled day of week, single-digit
// days, two-digit years (§4.3), fractional seconds, full month names, zone
// names (UT, GMT, EST... §4.3) or none, trailing "(UTC)" comments. It returns
// the zero Time when no date is recognised.
func parseDate(s string) time.Time {
	s = stripComments(s)
	var f [12]string
	n := 0
	for w := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' }) {
		if n == len(f) {
			break
		}
		f[n] = w
		n++
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
		loc := time.UTC
		if i+4 < len(fields) {
			if l, ok := zone(fields[i+4]); ok {
				loc = l
			}
		}
		t := time.Date(year, mon, day, hh, mm, ss, ns, loc)
		if t.Day() != day { // 31 Feb and the like
			return time.Time{}
		}
		return t
	}
	return time.Time{}
}

func stripComments(s string) string {
	if strings.IndexByte(s, '(') < 0 {
		return s
	}
	var b strings.Builder
	depth := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
			b.WriteByte(' ')
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
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

// zone reads "+hhmm", "-hhmm" or an RFC 5322 §4.3 obsolete zone name.
func zone(s string) (*time.Location, bool) {
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
