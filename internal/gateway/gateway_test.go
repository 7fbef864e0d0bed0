package gateway

import (
	"strings"
	"testing"
)

func TestRewriteSubject(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Subject: hello\r\nFrom: a@b\r\n\r\nbody", "Subject: [S] hello\r\nFrom: a@b\r\n\r\nbody"},
		{"From: a@b\r\nsubject: folded\r\n line\r\n\r\nbody", "From: a@b\r\nSubject: [S] hello\r\n\r\nbody"},
		{"From: a@b\r\nSubject: last\r\n\r\nSubject: in body\r\n", "From: a@b\r\nSubject: [S] hello\r\n\r\nSubject: in body\r\n"},
		{"From: a@b\n\nbody\n", "Subject: [S] hello\r\nFrom: a@b\n\nbody\n"},
		{"From: a@b\nSubject: lf\n\nbody\n", "From: a@b\nSubject: [S] hello\n\nbody\n"},
	}
	for _, c := range cases {
		got := string(RewriteSubject([]byte(c.in), "[S] hello"))
		if c.in == cases[0].in {
			c.want = "Subject: [S] hello\r\nFrom: a@b\r\n\r\nbody"
		}
		if got != c.want {
			t.Errorf("RewriteSubject(%q) =\n%q, want\n%q", c.in, got, c.want)
		}
	}
}

// A subject long enough to fold, in a message whose lines end in bare LFs,
// is folded with LFs: no CR of its own in the middle of the header.
func TestRewriteSubjectFoldsAsTheMessage(t *testing.T) {
	subject := EncodeHeader("[SUSPECT] " + strings.Repeat("Relevé de compte à vérifier ", 6))
	for _, c := range []struct{ in, eol string }{
		{"From: a@b\nSubject: x\nTo: c@d\n\nbody\n", "\n"},
		{"From: a@b\r\nSubject: x\r\nTo: c@d\r\n\r\nbody\r\n", "\r\n"},
	} {
		out := string(RewriteSubject([]byte(c.in), subject))
		if c.eol == "\n" && strings.Contains(out, "\r") {
			t.Errorf("a CR in an LF message: %q", out)
		}
		if !strings.Contains(out, c.eol+"\t") {
			t.Errorf("subject not folded with %q: %q", c.eol, out)
		}
	}
}

func TestFold(t *testing.T) {
	v := "vigie; spf=pass smtp.mailfrom=example.org; dkim=pass header.d=example.org header.s=sel1; dmarc=pass (p=reject) header.from=example.org; arc=none"
	f := Fold("Authentication-Results", v, "\r\n")
	for _, l := range strings.Split(f, "\r\n") {
		if len(l) > 78 {
			t.Errorf("line over 78: %q", l)
		}
	}
	if strings.ReplaceAll(f, "\r\n\t", " ") != v {
		t.Errorf("unfolded %q != %q", strings.ReplaceAll(f, "\r\n\t", " "), v)
	}
}

// Encoded words too many for a line are folded between them, keeping the
// blank; other text without "; " nor ", " stays as it is (a Received
// field's clauses).
func TestFoldLongText(t *testing.T) {
	for _, c := range []struct {
		v    string
		fold bool
	}{
		{strings.Repeat("=?utf-8?q?coordonn=C3=A9es_bancaires?= ", 20) + "fin", true},
		{"court; " + strings.Repeat("=?utf-8?q?mot?= ", 30), true},
		{strings.Repeat("x", 200), false},
		{"from mx.sender.example ([127.0.0.1]) by relay.test (Vigie) with ESMTP id 661F160686375BDA9E for <bob@example.test>; Sun, 06 Dec 2026 06:39:53 +0000", false},
	} {
		f := Fold("X-Vigie-Banner", c.v, "\r\n")
		if strings.ReplaceAll(strings.ReplaceAll(f, "\r\n\t", " "), "\r\n", "") != c.v {
			t.Errorf("%.20q: unfolds to %q", c.v, f)
		}
		for _, l := range strings.Split("X-Vigie-Banner: "+f, "\r\n") {
			if c.fold && len(l) > 78 && strings.Contains(strings.TrimSpace(strings.TrimPrefix(l, "X-Vigie-Banner: ")), "?= =?") {
				t.Errorf("%.20q: line over 78 with encoded words to fold between: %q", c.v, l)
			}
			if strings.TrimSpace(l) == "" {
				t.Errorf("%.20q: a blank line would end the header: %q", c.v, f)
			}
		}
		if !c.fold && strings.Contains(f, "\r\n ") {
			t.Errorf("%.20q: folded at a blank: %q", c.v, f)
		}
	}
}

func FuzzFold(f *testing.F) {
	f.Add("vigie; spf=pass smtp.mailfrom=example.org; dkim=pass header.d=example.org")
	f.Add(strings.Repeat("=?utf-8?q?a=C3=A9?= ", 30) + " ")
	f.Fuzz(func(t *testing.T, v string) {
		if strings.ContainsAny(v, "\r\n\t") {
			return
		}
		folded := Fold("X-Vigie-Banner", v, "\r\n")
		// Folding at a separator writes a tab for its blanks: the same
		// value to every reader of a structured field (RFC 5322 §3.2.2).
		words := func(s string) string { return strings.Join(strings.Fields(s), " ") }
		if words(strings.ReplaceAll(folded, "\r\n", "")) != words(v) {
			t.Fatalf("%q folds to %q", v, folded)
		}
		for i, l := range strings.Split(folded, "\r\n") {
			if i > 0 && strings.Trim(l, " \t") == "" {
				t.Fatalf("%q: a blank continuation line in %q", v, folded)
			}
		}
	})
}

func FuzzRewriteSubject(f *testing.F) {
	f.Add([]byte("Subject: a\r\n\r\nb"), "x")
	f.Add([]byte("subject:\r\n \r\n\r\n"), "")
	f.Add([]byte("\n\nSubject: b"), "y")
	f.Fuzz(func(t *testing.T, raw []byte, subject string) {
		out := string(RewriteSubject(raw, subject))
		// What is not the Subject field stays, in order: a short subject
		// replacing a long one may shrink the message (the length alone
		// said "lost" of "Subject:00000000000000" rewritten to "0"), but
		// no other field and no byte of the body may go.
		rest := out
		for _, line := range keptLines(raw) {
			i := strings.Index(rest, line)
			if i < 0 {
				t.Fatalf("%q lost in the rewrite:\n%q", line, out)
			}
			rest = rest[i+len(line):]
		}
	})
}

// keptLines returns what RewriteSubject must keep of raw: the header's
// lines that are not part of a Subject field, then the body from the
// blank line that ends the header.
func keptLines(raw []byte) []string {
	s := string(raw)
	end := strings.Index(s, "\r\n\r\n")
	if end < 0 {
		if end = strings.Index(s, "\n\n"); end < 0 {
			end = len(s)
		}
	}
	var kept []string
	inSubject := false
	for line := range strings.Lines(s[:end]) {
		switch {
		case len(line) >= 8 && strings.EqualFold(line[:8], "subject:"):
			inSubject = true
		case inSubject && (line[0] == ' ' || line[0] == '\t'):
		default:
			inSubject = false
			kept = append(kept, strings.TrimRight(line, "\r\n"))
		}
	}
	return append(kept, s[end:])
}
