package message

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s int) time.Time {
		return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
	}
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"Tue, 14 Oct 2025 09:12:41 +0200", utc(2025, 10, 14, 7, 12, 41), true},
		{"14 Oct 2025 09:12:41 +0200", utc(2025, 10, 14, 7, 12, 41), true},
		{"Tue, 4 Mar 2025 16:20:05 +0100 (CET)", utc(2025, 3, 4, 15, 20, 5), true},
		{"Tue,  4 Mar 2025 16:20:05 -0000", utc(2025, 3, 4, 16, 20, 5), true},
		{"Tue, 4 Mar 2025 16:20:05 GMT", utc(2025, 3, 4, 16, 20, 5), true},
		{"Tue, 4 Mar 2025 16:20 +0000", utc(2025, 3, 4, 16, 20, 0), true},
		{"Tue, 4 Mar 25 16:20:05 +0000", utc(2025, 3, 4, 16, 20, 5), true},
		{"Tue Mar  4 16:20:05 2025", utc(2025, 3, 4, 16, 20, 5), true},
		{"2025-03-04T16:20:05Z", utc(2025, 3, 4, 16, 20, 5), true},
		{"Fri, 24 Mar 2023 16:12:26 -0700 (PDT)", utc(2023, 3, 24, 23, 12, 26), true},
		{"Tue, 31 Feb 2025 16:20:05 +0000", time.Time{}, false},
		// Received fields' dates (after the ";").
		{" Wed,  9 Aug 2023 13:56:46 -0300 (-03)", utc(2023, 8, 9, 16, 56, 46), true},
		{"1 Feb 99 10:00:00 EST", utc(1999, 2, 1, 15, 0, 0), true},
		{"Mon, 04 Sep 2023 21:11:24.404 +0000 (UTC)", time.Date(2023, 9, 4, 21, 11, 24, 404e6, time.UTC), true},
		{"Tue, Âñ, 29 Jan 2023 17:21:28 +0000 (UTC)", utc(2023, 1, 29, 17, 21, 28), true},
		{"Tue, 28 November 2023 04:09:16 +0000 (UTC)", utc(2023, 11, 28, 4, 9, 16), true},
		{"Mon, 26 Aug 2002 15:26:04 -08:00", utc(2002, 8, 26, 23, 26, 4), true},
		{"Mon, 29 Jul 2002 17:04:35 EDT", utc(2002, 7, 29, 21, 4, 35), true},
		{"3 Jun 2025 08:53:32 -0000", utc(2025, 6, 3, 8, 53, 32), true},
		{"Sat, 13 Jul 2024 23:59:60 +0000", utc(2024, 7, 13, 23, 59, 59), true},
		// Without a zone: UTC; a zone in a comment is no zone.
		{"Tue, 4 Mar 2025 16:20:05", utc(2025, 3, 4, 16, 20, 5), true},
		{"Mon, 16 Sep 2002 03:27:38 (GMT)", time.Time{}, false},
		{"2025-03-04 16:20:05 +0100", utc(2025, 3, 4, 15, 20, 5), true},
		{"12-04-2023", time.Time{}, false},
		{"", time.Time{}, false},
		{"yesterday", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseDate(tt.in)
		if ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"Tue, 14 Oct 2025 09:12:41 +0200", "Wed,  9 Aug 2023 13:56:46 -0300 (-03)", "1 Feb 99 10:00:00.123 EST",
		"Tue Mar  4 16:20:05 2025", "2025-03-04T16:20:05Z", "31 Feb 2025 10:00 +0000", "((((", "1 jan 1 1:00 +99:99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, ok := ParseDate(s); !ok && !d.IsZero() {
			t.Fatalf("ParseDate(%q) = %v, %v", s, d, ok)
		}
	})
}

// BenchmarkParseDate reads the shape nearly every mailer writes, as the
// Date field and each Received field of every message.
func BenchmarkParseDate(b *testing.B) {
	for b.Loop() {
		ParseDate("Tue, 14 Oct 2025 09:12:41 +0200 (CEST)")
	}
}
