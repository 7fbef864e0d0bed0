package links

import (
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/checks/checktest"
)

// FuzzCheck runs the family on a message whose one link is any href and
// any shown text, written in HTML and in the plain text: URLs with broken
// escapes, ports, IP literals, IDNA, user info and redirect parameters
// must give signals, never a panic, and take no long time. The seeds are
// the links of the golden messages.
func FuzzCheck(f *testing.F) {
	for _, m := range checktest.ParsedTestdata(f) {
		for _, u := range m.URLs {
			f.Add(u.Raw, u.Host)
		}
	}
	f.Add("http://[::ffff:192.0.2.1]:8443/%zz%2F?url=https%3A%2F%2Fxn--80ak6aa92e.com", "https://www.ameli.fr")
	c, err := New(Options{NRDFile: "testdata/nrd.txt", Now: func() time.Time { return time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, href, text string) {
		if strings.ContainsAny(href+text, "\r\n") {
			return // one line each: a line end would end the header or the element
		}
		raw := checktest.Message("From: Service <info@example.org>\nTo: a@example.fr\nSubject: Avis\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8",
			`<p>Bonjour, <a href="`+strings.ReplaceAll(href, `"`, "&quot;")+`">`+text+"</a></p><p>"+href+"</p>")
		start := time.Now()
		checktest.Emitted(raw, c)
		// A runaway (a loop, an expansion), not a slow machine: on the
		// shared test machine a seed that takes 0.00 s was once stalled
		// 9 s under -race, so the bound is generous.
		if d := time.Since(start); d > 30*time.Second {
			t.Errorf("judged in %v", d)
		}
	})
}
