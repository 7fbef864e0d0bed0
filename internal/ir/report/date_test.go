package report

import (
	"testing"
	"time"
)

// The reports read a message's Date with the mail code's one parser: the
// forms senders write, each at its own offset, as the reports print it.
func TestDateOf(t *testing.T) {
	tests := []struct {
		date string
		want string // RFC 1123 with numeric zone; "" when unreadable
	}{
		{"Tue, 04 Mar 2025 10:15:00 +0100", "Tue, 04 Mar 2025 10:15:00 +0100"},
		{"Tue, 4 Mar 2025 10:15:00 +0100 (CET)", "Tue, 04 Mar 2025 10:15:00 +0100"},
		{"4 Mar 2025 10:15:00 +0100", "Tue, 04 Mar 2025 10:15:00 +0100"},
		{"Tue, 04 Mar 2025 09:15:00 GMT", "Tue, 04 Mar 2025 09:15:00 +0000"}, // obsolete zone (RFC 5322 §4.3)
		{"Tue, 04 Mar 2025 04:15:00 EST", "Tue, 04 Mar 2025 04:15:00 -0500"},
		{"mardi 4 mars", ""},
		{"", ""},
	}
	for _, tt := range tests {
		raw := []byte("From: a@example.org\r\nDate: " + tt.date + "\r\nSubject: x\r\n\r\nbody\r\n")
		got, ok := dateOf(raw)
		if s := got.Format(time.RFC1123Z); ok != (tt.want != "") || ok && s != tt.want {
			t.Errorf("Date: %q → %q %v, want %q", tt.date, s, ok, tt.want)
		}
	}
}
