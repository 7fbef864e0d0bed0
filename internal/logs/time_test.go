package logs

import (
	"testing"
	"time"
)

// TestDateUTC: the day count gives time.Date's instant and representation,
// overflowing days and leap seconds included.
func TestDateUTC(t *testing.T) {
	tests := []struct{ y, mo, d, hh, mm, ss, ns int }{
		{2025, 1, 14, 0, 0, 5, 0},
		{1970, 1, 1, 0, 0, 0, 0},
		{1969, 12, 31, 23, 59, 59, 999_999_999},
		{2000, 2, 29, 12, 0, 0, 0},   // a leap day (divisible by 400)
		{1900, 2, 29, 12, 0, 0, 0},   // not one: 1 March
		{2023, 2, 31, 23, 59, 60, 0}, // 3 March, then the next minute
		{2024, 12, 31, 23, 59, 60, 1},
		{1, 1, 1, 0, 0, 0, 0},
		{1, 2, 28, 0, 0, 0, 0},
		{9999, 12, 31, 23, 59, 59, 0},
		{0, 3, 1, 0, 0, 0, 0},     // outside 1–9999: time.Date's
		{10000, 1, 1, 0, 0, 0, 0}, // likewise
		{2026, 4, 31, 0, 0, 0, 0},
	}
	for _, tc := range tests {
		want := time.Date(tc.y, time.Month(tc.mo), tc.d, tc.hh, tc.mm, tc.ss, tc.ns, time.UTC)
		if got := dateUTC(tc.y, tc.mo, tc.d, tc.hh, tc.mm, tc.ss, tc.ns); got != want {
			t.Errorf("%+v: %v, want %v", tc, got, want)
		}
	}
}

// FuzzDateUTC holds dateUTC to time.Date over the ranges its callers check.
func FuzzDateUTC(f *testing.F) {
	f.Add(2025, 1, 14, 0, 0, 5, 0)
	f.Add(2000, 2, 29, 23, 59, 60, 999_999_999)
	f.Fuzz(func(t *testing.T, y, mo, d, hh, mm, ss, ns int) {
		y, mo, d = y%12000, 1+abs(mo)%12, 1+abs(d)%31
		hh, mm, ss, ns = abs(hh)%24, abs(mm)%60, abs(ss)%61, abs(ns)%1_000_000_000
		want := time.Date(y, time.Month(mo), d, hh, mm, ss, ns, time.UTC)
		if got := dateUTC(y, mo, d, hh, mm, ss, ns); got != want {
			t.Fatalf("%d-%d-%d %d:%d:%d.%d: %v, want %v", y, mo, d, hh, mm, ss, ns, got, want)
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -(n + 1) // no overflow at math.MinInt
	}
	return n
}

// TestSyslogTimeZones: syslog stamps in UTC take the day count, others
// time.Date in their zone; both say the same instant as before.
func TestSyslogTimeZones(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	tests := []struct {
		line string
		loc  *time.Location
		want time.Time
		rest string
	}{
		{"Jan 14 00:00:05 mail dovecot: x", nil, time.Date(2025, 1, 14, 0, 0, 5, 0, time.UTC), "mail dovecot: x"},
		{"Feb 29 10:00:00 h p: x", nil, time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC), "h p: x"},
		{"Aug  3 15:30:49.123456 h p: x", nil, time.Date(2025, 8, 3, 15, 30, 49, 0, time.UTC), "h p: x"},
		{"Aug 3 15:30:49 h p: x", nil, time.Date(2025, 8, 3, 15, 30, 49, 0, time.UTC), "h p: x"},
		{"Mar 30 02:30:00 h p: x", paris, time.Date(2025, 3, 30, 2, 30, 0, 0, paris).UTC(), "h p: x"}, // the hour that does not exist
		{"Jul 14 12:00:00 h p: x", paris, time.Date(2025, 7, 14, 10, 0, 0, 0, time.UTC), "h p: x"},
	}
	for _, tc := range tests {
		got, rest, ok := SyslogTime([]byte(tc.line), Options{Year: 2025, Location: tc.loc})
		if !ok || got != tc.want || string(rest) != tc.rest {
			t.Errorf("%q: %v %q %v, want %v %q", tc.line, got, rest, ok, tc.want, tc.rest)
		}
	}
}
