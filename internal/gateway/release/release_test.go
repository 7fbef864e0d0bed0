package release

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSignVerify(t *testing.T) {
	key := Key("0123456789abcdef0123456789abcdef")
	raw := []byte("From: a@partner.test\r\nSubject: hi\r\n\r\nBonjour,\r\nle compte rendu suit.\r\n")
	now := time.Unix(1_700_000_000, 0)
	v := key.Sign(raw, now)
	body := BodyOf(raw)
	cases := []struct {
		name  string
		value string
		body  string
		at    time.Time
		err   error
	}{
		{"as signed", v, string(body), now, nil},
		{"line ends changed by an MTA, trailing blank lines", v, strings.ReplaceAll(string(body), "\r\n", "\n") + "\n\n", now.Add(time.Minute), nil},
		{"folded by a relay", strings.ReplaceAll(v, "; ", ";\r\n\t"), string(body), now, nil},
		{"another body", v, "Cliquez ici pour payer.\r\n", now, ErrBadMAC},
		{"another key", Key("another key of thirty-two bytes!").Sign(raw, now), string(body), now, ErrBadMAC},
		{"too old", v, string(body), now.Add(MaxAge + time.Second), ErrExpired},
		{"from the future", v, string(body), now.Add(-time.Hour), ErrExpired},
		{"no mac", strings.Split(v, "; mac=")[0], string(body), now, ErrMalformed},
		{"garbage", "accept", string(body), now, ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sum, err := key.Verify(c.value, []byte(c.body), c.at)
			if !errors.Is(err, c.err) {
				t.Fatalf("Verify: %v, want %v", err, c.err)
			}
			if c.err != ErrMalformed && sum != Sum(raw) {
				t.Errorf("sum %q, want %q", sum, Sum(raw))
			}
		})
	}
	if _, err := Key(nil).Verify(v, body, now); !errors.Is(err, ErrBadMAC) {
		t.Errorf("no key: %v", err)
	}
}

func FuzzVerify(f *testing.F) {
	key := Key("0123456789abcdef0123456789abcdef")
	now := time.Unix(1_700_000_000, 0)
	f.Add(key.Sign([]byte("A: b\r\n\r\nbody\r\n"), now), []byte("body\r\n"))
	f.Add("sha256=zz; t=-1; mac==", []byte(""))
	f.Add(";;;=;", []byte("\n\n\r"))
	f.Fuzz(func(t *testing.T, value string, body []byte) {
		sum, err := key.Verify(value, body, now)
		if err == nil && len(sum) != 64 {
			t.Fatalf("verified without a digest: %q", sum)
		}
	})
}
