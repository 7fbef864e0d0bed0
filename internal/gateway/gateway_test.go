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

func FuzzRewriteSubject(f *testing.F) {
	f.Add([]byte("Subject: a\r\n\r\nb"), "x")
	f.Add([]byte("subject:\r\n \r\n\r\n"), "")
	f.Add([]byte("\n\nSubject: b"), "y")
	f.Fuzz(func(t *testing.T, raw []byte, subject string) {
		out := RewriteSubject(raw, subject)
		if len(out) < len(raw)/2 {
			t.Errorf("rewrite lost most of the message")
		}
	})
}
