package gatewaytest

import (
	"strings"
	"testing"
	"time"

	gomilter "github.com/emersion/go-milter"
)

// MilterSession opens a session with the milter at addr the way
// Postfix's smtpd does (go-milter's client), up to HELO; it is closed when
// the test ends.
func MilterSession(t testing.TB, addr string) *gomilter.ClientSession {
	t.Helper()
	c := gomilter.NewClientWithOptions("tcp", addr, gomilter.ClientOptions{
		ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second,
		ActionMask: gomilter.OptAddHeader | gomilter.OptChangeHeader | gomilter.OptChangeBody | gomilter.OptQuarantine,
	})
	s, err := c.Session()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if act, err := s.Conn("mx.sender.example", gomilter.FamilyInet, 40000, "192.0.2.7"); err != nil || act.Code != gomilter.ActContinue {
		t.Fatalf("Conn: %v %v", act, err)
	}
	if act, err := s.Helo("mx.sender.example"); err != nil || act.Code != gomilter.ActContinue {
		t.Fatalf("Helo: %v %v", act, err)
	}
	return s
}

// MilterSend streams one message (Message's envelope:
// alice@sender.example to bob@example.test) with Postfix's queue id and
// returns the milter's modifications and answer.
func MilterSend(t testing.TB, s *gomilter.ClientSession, queueID, raw string) ([]gomilter.ModifyAction, *gomilter.Action) {
	t.Helper()
	if err := s.Macros(gomilter.CodeMail, "i", queueID); err != nil {
		t.Fatal(err)
	}
	if act, err := s.Mail("<alice@sender.example>", nil); err != nil || act.Code != gomilter.ActContinue {
		t.Fatalf("Mail: %v %v", act, err)
	}
	if act, err := s.Rcpt("<bob@example.test>", nil); err != nil || act.Code != gomilter.ActContinue {
		t.Fatalf("Rcpt: %v %v", act, err)
	}
	head, body, _ := strings.Cut(raw, "\r\n\r\n")
	for _, line := range strings.Split(head, "\r\n") {
		k, v, _ := strings.Cut(line, ":")
		if _, err := s.HeaderField(k, strings.TrimPrefix(v, " ")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.HeaderEnd(); err != nil {
		t.Fatal(err)
	}
	// In chunks of at most 64 KB, as the MTA sends them.
	for b := []byte(body); len(b) > 0; {
		n := min(len(b), 65535)
		if _, err := s.BodyChunk(b[:n]); err != nil {
			t.Fatal(err)
		}
		b = b[n:]
	}
	if err := s.Macros(gomilter.CodeEOB, "i", queueID); err != nil {
		t.Fatal(err)
	}
	mods, act, err := s.End()
	if err != nil {
		t.Fatal(err)
	}
	return mods, act
}

// MilterMod finds a modification by code and header name.
func MilterMod(mods []gomilter.ModifyAction, code gomilter.ModifyActCode, name string) (gomilter.ModifyAction, bool) {
	for _, m := range mods {
		if m.Code == code && strings.EqualFold(m.HeaderName, name) {
			return m, true
		}
	}
	return gomilter.ModifyAction{}, false
}
