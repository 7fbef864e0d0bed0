package logs

import (
	"bytes"
	"strconv"
	"time"
)

var months = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// SyslogTime parses the timestamp that starts a syslog line and returns it in UTC
// with the rest of the line. It accepts the traditional BSD form without a year
// ("Jan  2 15:04:05", RFC 3164 §4.1.2), RFC 3339 / RFC 5424 stamps, and
// "2006-01-02 15:04:05" (journald exports, Dovecot's own log file).
func SyslogTime(line []byte, opts Options) (time.Time, []byte, bool) {
	// Some writers do not pad the day ("Aug 3 15:30:49"): pad it.
	if len(line) >= 14 && line[3] == ' ' && line[5] == ' ' && line[8] == ':' && line[4] >= '1' && line[4] <= '9' {
		var buf [15]byte
		copy(buf[:], line[:4])
		buf[4] = ' '
		copy(buf[5:], line[4:14])
		t, _, ok := SyslogTime(buf[:], opts)
		return t, bytes.TrimLeft(line[14:], " "), ok
	}
	if len(line) >= 15 && line[3] == ' ' && line[9] == ':' {
		mon := 0
		for i, m := range months {
			if string(line[:3]) == m {
				mon = i + 1
				break
			}
		}
		if mon == 0 {
			return time.Time{}, line, false
		}
		day, ok1 := atoi(bytes.TrimLeft(line[4:6], " "))
		hh, ok2 := atoi(line[7:9])
		mm, ok3 := atoi(line[10:12])
		ss, ok4 := atoi(line[13:15])
		if !(ok1 && ok2 && ok3 && ok4) || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60 {
			return time.Time{}, line, false
		}
		rest := line[15:]
		ns := 0
		if len(rest) > 1 && rest[0] == '.' { // rsyslog high-precision variants
			j := 1
			for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
				j++
			}
			rest = rest[j:]
		}
		year := opts.Year
		if year == 0 {
			ref := opts.ModTime
			if ref.IsZero() {
				ref = time.Now()
			}
			year = ref.Year()
			t := time.Date(year, time.Month(mon), day, hh, mm, ss, ns, opts.loc())
			if t.After(ref.Add(48 * time.Hour)) {
				year--
			}
		}
		if loc := opts.loc(); loc != time.UTC {
			return time.Date(year, time.Month(mon), day, hh, mm, ss, ns, loc).UTC(), bytes.TrimLeft(rest, " "), true
		}
		return dateUTC(year, mon, day, hh, mm, ss, ns), bytes.TrimLeft(rest, " "), true
	}
	if len(line) >= 19 && line[4] == '-' && line[7] == '-' && (line[10] == 'T' || line[10] == ' ') {
		end := bytes.IndexByte(line[10:], ' ')
		if line[10] == ' ' {
			end = bytes.IndexByte(line[11:], ' ')
			if end >= 0 {
				end++
			}
		}
		if end < 0 {
			end = len(line) - 10
		}
		stamp := string(line[:10+end])
		rest := bytes.TrimLeft(line[10+end:], " ")
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999"} {
			if t, err := time.Parse(layout, stamp); err == nil {
				return t.UTC(), rest, true
			}
		}
		// Local time with optional ",milliseconds" (log4j, Zimbra) or ".fraction".
		s := stamp
		if len(s) > 19 && (s[19] == ',' || s[19] == '.') {
			s = s[:19]
		}
		if t, err := time.ParseInLocation("2006-01-02 15:04:05", s, opts.loc()); err == nil {
			return t.UTC(), rest, true
		}
		if t, err := time.ParseInLocation("2006-01-02T15:04:05", s, opts.loc()); err == nil {
			return t.UTC(), rest, true
		}
	}
	return time.Time{}, line, false
}

func atoi(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// Atoi parses a small unsigned decimal number.
func Atoi(b []byte) (int, bool) { return atoi(b) }

// ParseTime parses the timestamps of JSON exports: RFC 3339 with or without zone
// (no zone means UTC, as in the M365 audit "CreationTime"), with a space instead of
// "T", or Unix seconds/milliseconds given as a string.
func ParseTime(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if t, ok := parseISO(s); ok {
		return t, true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999", "1/2/2006 3:04:05 PM", "01/02/2006 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		if n > 1e12 {
			return time.UnixMilli(n).UTC(), true
		}
		return time.Unix(n, 0).UTC(), true
	}
	return time.Time{}, false
}

// parseISO parses the common "2006-01-02T15:04:05[.fff…][Z]" (or with a
// space) without layouts: the sign-in parsers' hot path.
func parseISO[T string | []byte](s T) (time.Time, bool) {
	n := len(s)
	if n < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	num := func(i, w int) int {
		v := 0
		for j := i; j < i+w; j++ {
			c := s[j]
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, mo, d, hh, mm, ss := num(0, 4), num(5, 2), num(8, 2), num(11, 2), num(14, 2), num(17, 2)
	if y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60 {
		return time.Time{}, false
	}
	i, ns, scale := 19, 0, 100_000_000
	if i < n && s[i] == '.' {
		i++
		for i < n && s[i] >= '0' && s[i] <= '9' {
			ns += int(s[i]-'0') * scale
			scale /= 10
			i++
		}
	}
	if i < n && s[i] == 'Z' {
		i++
	}
	if i != n {
		return time.Time{}, false // a zone offset: the general path
	}
	return dateUTC(y, mo, d, hh, mm, ss, ns), true
}

// dateUTC is time.Date(y, time.Month(mo), d, hh, mm, ss, ns, time.UTC) for
// what the parsers check (1 ≤ mo ≤ 12, 1 ≤ d ≤ 31, 0 ≤ hh, mm, ss, ns) by
// counting days from the civil date, without time.Date's general
// normalisation: a tenth of the sign-in parsers' time went to it. An
// overflowing day (31 February) or second (60) moves on as time.Date's does,
// the count being linear in both; years outside 1–9999 take time.Date.
func dateUTC(y, mo, d, hh, mm, ss, ns int) time.Time {
	if y < 1 || y > 9999 {
		return time.Date(y, time.Month(mo), d, hh, mm, ss, ns, time.UTC)
	}
	// Days since 1970-01-01 of a proleptic Gregorian date, with years
	// starting in March so that the leap day ends them.
	if mo <= 2 {
		y--
		mo += 9
	} else {
		mo -= 3
	}
	era := y / 400
	yoe := y - era*400
	doy := (153*mo+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	days := int64(era*146097+doe) - 719468
	return time.Unix(days*86400+int64(hh*3600+mm*60+ss), int64(ns)).UTC()
}

// ParseTimeBytes is ParseTime for a byte slice, without a copy in the
// common case.
func ParseTimeBytes(b []byte) (time.Time, bool) {
	if t, ok := parseISO(b); ok {
		return t, true
	}
	return ParseTime(string(b))
}
