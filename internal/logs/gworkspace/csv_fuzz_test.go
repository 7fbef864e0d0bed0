package gworkspace

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The expressions the hand scans replaced: the references they must agree with.
var (
	emailRE   = regexp.MustCompile(`[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
	gmtOffset = regexp.MustCompile(`\s*(?:GMT|UTC)([+-])(\d{1,2})(?::?(\d{2}))?$`)
)

// FuzzConsoleFields: emailIn and zoneSuffix find what the expressions find.
func FuzzConsoleFields(f *testing.F) {
	for _, s := range []string{"alice@cabinet.example logged in", "Mar 14, 2025, 9:11:11 AM GMT+1", "x@y a.b@c.de", "GMT+123", "Jan 1, 2025 \t UTC-5:30",
		"GMT GMT+1", "@@a@b.cd", "a'b@c-d.ef", "1:00 PM GMT+05:30", "   GMT-7", "a@b.c.de1", "x@a.bc.d", "GMT+12345", "UTC+1:3", "GMT+:30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := emailIn(s), strings.ToLower(emailRE.FindString(s)); got != want {
			t.Fatalf("emailIn(%q) = %q, want %q", s, got, want)
		}
		off, rest, ok := zoneSuffix(s)
		m := gmtOffset.FindStringSubmatch(s)
		if ok != (m != nil) {
			t.Fatalf("zoneSuffix(%q) ok %v, expression %q", s, ok, m)
		}
		if m == nil {
			return
		}
		h, _ := strconv.Atoi(m[2])
		mins, _ := strconv.Atoi(m[3])
		want := h*3600 + mins*60
		if m[1] == "-" {
			want = -want
		}
		if off != want || rest != s[:len(s)-len(m[0])] {
			t.Fatalf("zoneSuffix(%q) = %d, %q; want %d, %q", s, off, rest, want, s[:len(s)-len(m[0])])
		}
	})
}
