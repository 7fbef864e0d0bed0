package lure

import (
	"strings"
	"testing"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// TestCarriersFooterUnderConfiguredLimits: the enclosed messages are read
// again under the check's Limits (the configuration's), not the default
// ones. Read whole, the enclosed notice's opt-out footer is the enclosed
// sender's and the carrier has none of its own; under a configured
// MaxSize too small for the enclosed header, nothing of the enclosed
// message is read again, so its footer is not told apart from the
// carrier's text.
func TestCarriersFooterUnderConfiguredLimits(t *testing.T) {
	c, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	raw := []byte(strings.Join([]string{
		"From: Support <support@envoi-exemple.net>",
		"To: pharmacie@chu-exemple.fr",
		"Subject: TR: Unusual sign-in activity",
		"MIME-Version: 1.0",
		`Content-Type: multipart/mixed; boundary="b1"`,
		"",
		"--b1",
		"Content-Type: text/plain; charset=utf-8",
		"",
		"Voir le message ci-joint.",
		"--b1",
		"Content-Type: message/rfc822",
		"",
		"From: Microsoft account team <account-security-noreply@accountprotection-microsoft.com>",
		"To: pharmacie@chu-exemple.fr",
		"Subject: Unusual sign-in activity",
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=utf-8",
		"",
		"We detected unusual sign-in activity on your account.",
		"To opt out of these notifications, click here.",
		"--b1--",
		"",
	}, "\r\n"))
	in := &scan.Input{Msg: message.Parse(raw, message.DefaultLimits())}
	if len(in.Msg.Enclosed) != 1 {
		t.Fatalf("enclosed messages: %d, want 1", len(in.Msg.Enclosed))
	}
	for _, tc := range []struct {
		name   string
		limits message.Limits
		want   bool
	}{
		{"zero limits: the defaults", message.Limits{}, false},
		{"configured limits as large as the defaults", message.DefaultLimits(), false},
		{"configured MaxSize smaller than the enclosed header", message.Limits{MaxSize: 64}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.Limits = tc.limits
			if got := c.carriersFooter(in); got != tc.want {
				t.Errorf("carriersFooter = %v, want %v", got, tc.want)
			}
		})
	}
}
