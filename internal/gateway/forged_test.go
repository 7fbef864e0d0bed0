package gateway

import (
	"bytes"
	"testing"
)

func TestStripOwnFields(t *testing.T) {
	cases := []struct {
		name, in, want string
		removed        int
	}{
		{"nothing to strip",
			"From: a@partner.test\r\nSubject: hi\r\n\r\nX-Vigie-Verdict: in the body stays\r\n",
			"From: a@partner.test\r\nSubject: hi\r\n\r\nX-Vigie-Verdict: in the body stays\r\n", 0},
		{"a sender's own verdict and score",
			"X-Vigie-Verdict: accept\r\nFrom: a@partner.test\r\nx-vigie-score: -50\r\nSubject: hi\r\n\r\nbody\r\n",
			"From: a@partner.test\r\nSubject: hi\r\n\r\nbody\r\n", 2},
		{"folded forged field, last before the body",
			"From: a@partner.test\r\nX-Vigie-Signals: A\r\n B\r\n\tC\r\n\r\nbody\r\n",
			"From: a@partner.test\r\n\r\nbody\r\n", 1},
		{"our authserv-id, any case, with a comment and a version",
			"Authentication-Results: (forged) VIGIE 1; spf=pass smtp.mailfrom=bank.example\r\n" +
				"Authentication-Results: mx.partner.test; spf=fail smtp.mailfrom=bank.example\r\n" +
				"Authentication-Results: vigie;\r\n dkim=pass header.d=bank.example\r\nFrom: x@bank.example\r\n\r\nb",
			"Authentication-Results: mx.partner.test; spf=fail smtp.mailfrom=bank.example\r\nFrom: x@bank.example\r\n\r\nb", 2},
		{"an id that merely starts like ours stays",
			"Authentication-Results: vigie.partner.test; spf=pass\r\n\r\nb",
			"Authentication-Results: vigie.partner.test; spf=pass\r\n\r\nb", 0},
		{"bare LF line ends",
			"X-Vigie-Verdict: accept\nFrom: a@partner.test\n\nbody\n",
			"From: a@partner.test\n\nbody\n", 1},
		{"no body separator",
			"From: a@partner.test\r\nX-Vigie-Verdict: accept",
			"From: a@partner.test\r\n", 1},
		{"an X-Vigie field in an attached message's header is the body's business",
			"From: a@partner.test\r\nContent-Type: message/rfc822\r\n\r\nX-Vigie-Verdict: accept\r\n\r\nhi",
			"From: a@partner.test\r\nContent-Type: message/rfc822\r\n\r\nX-Vigie-Verdict: accept\r\n\r\nhi", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := []byte(c.in)
			got, n := StripOwnFields(in, "vigie")
			if string(got) != c.want || n != c.removed {
				t.Errorf("got %d removed,\n%q\nwant %d,\n%q", n, got, c.removed, c.want)
			}
			if string(in) != c.in {
				t.Error("input modified")
			}
		})
	}
}

func FuzzStripOwnFields(f *testing.F) {
	f.Add([]byte("X-Vigie-Verdict: accept\r\nFrom: a@b\r\n\r\nbody"), "vigie")
	f.Add([]byte("Authentication-Results: vigie; none\r\n \r\n\r\n"), "vigie")
	f.Add([]byte("\r\n\r\nX-Vigie-A: b"), "")
	f.Fuzz(func(t *testing.T, raw []byte, id string) {
		out, n := StripOwnFields(raw, id)
		if n == 0 && !bytes.Equal(out, raw) {
			t.Fatal("changed without removing anything")
		}
		if len(out) > len(raw) {
			t.Fatal("grew")
		}
		body := raw[headerEnd(raw):]
		if !bytes.HasSuffix(out, body) {
			t.Fatal("body changed")
		}
		if again, m := StripOwnFields(out, id); m != 0 || !bytes.Equal(again, out) {
			t.Fatalf("second pass removed %d more", m)
		}
	})
}
