package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDigestLinks: a digest lists each recipient's held messages with a
// link for that message and recipient only; a forged, altered or expired
// link is refused; the GET changes nothing; a low-score request is
// delivered at once when configured, the others wait for an admin.
func TestDigestLinks(t *testing.T) {
	f := newFixture(t)
	fill(t, f.s.o.Quarantine, 14) // two to alice@example.test, twelve to bob
	mail := &fakeRelay{}
	now := time.Now()
	f.s.now = func() time.Time { return now }
	f.s.o.Digest = &DigestOptions{BaseURL: "https://vigie.example-hopital.fr/", From: "vigie@example.test", Key: NewDigestKey(),
		TTL: 7 * 24 * time.Hour, AutoReleaseBelow: 7, Mailer: mail}
	n, err := f.s.SendDigests(context.Background())
	if err != nil || n != 2 {
		t.Fatalf("digests: %d, %v", n, err)
	}
	if n, _ := f.s.SendDigests(context.Background()); n != 0 {
		t.Errorf("the same messages were listed again: %d digests", n)
	}
	var alice string
	for _, m := range mail.got {
		if strings.Contains(string(m), "To: <alice@example.test>") {
			alice = string(m)
		}
	}
	alice = strings.ReplaceAll(strings.ReplaceAll(alice, "=\r\n", ""), "=3D", "=")
	links := regexp.MustCompile(`https://vigie\.example-hopital\.fr/digest/release\?t=(\S+)`).FindAllStringSubmatch(alice, -1)
	if len(links) != 2 {
		t.Fatalf("alice's digest has %d links:\n%s", len(links), alice)
	}
	get := func(tok string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		f.h.ServeHTTP(w, httptest.NewRequest("GET", "/digest/release?t="+url.QueryEscape(tok), nil))
		return w
	}
	post := func(tok string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "/digest/release", strings.NewReader(url.Values{"t": {tok}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		f.h.ServeHTTP(w, r)
		return w
	}
	tok := links[0][1]
	payload, sig, _ := strings.Cut(tok, ".")
	for name, bad := range map[string]string{"altered": payload + "." + strings.Repeat("A", len(sig)), "no signature": payload,
		"another recipient": f.s.digestToken(f.qid, "bob@example.test", now.Add(time.Hour)) + "x"} {
		if w := post(bad); w.Code != http.StatusBadRequest {
			t.Errorf("%s link: %d", name, w.Code)
		}
	}
	if w := get(tok); w.Code != 200 || !strings.Contains(w.Body.String(), `id="request-release"`) {
		t.Fatalf("link page: %d", w.Code)
	}
	if rs, _ := f.s.o.Requests.List(context.Background(), "", 10); len(rs) != 0 {
		t.Fatal("a GET recorded a request")
	}
	// alice's two messages score 12 and 5: the first waits for an admin,
	// the second (below 7) is delivered at once, to her only.
	before := len(f.relay.got)
	for _, l := range links {
		if w := post(l[1]); w.Code != http.StatusSeeOther {
			t.Fatalf("request: %d %s", w.Code, w.Body)
		}
	}
	rs, _ := f.s.o.Requests.List(context.Background(), "", 10)
	got := map[string]int{}
	for _, r := range rs {
		e, _ := f.s.o.Quarantine.Get(context.Background(), r.QuarantineID)
		got[r.Status]++
		if want := map[bool]string{true: "released", false: "pending"}[e.Score < 7]; r.Status != want || r.Rcpt != "alice@example.test" {
			t.Errorf("score %.0f: request %+v, want %s", e.Score, r, want)
		}
	}
	if got["released"] != 1 || got["pending"] != 1 || len(f.relay.got)-before != 1 {
		t.Errorf("requests %v, %d delivered", got, len(f.relay.got)-before)
	}
	if w := get(links[1][1]); !strings.Contains(w.Body.String(), "Le message vous a été remis") {
		t.Errorf("the user is not told the message was delivered:\n%.2000s", w.Body)
	}
	// An expired link.
	now = now.Add(8 * 24 * time.Hour)
	if w := get(links[1][1]); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "expiré") {
		t.Errorf("expired link: %d", w.Code)
	}
}

// FuzzReadDigestToken: no input but a link the server signed is accepted,
// and nothing panics (the link is unauthenticated input).
func FuzzReadDigestToken(f *testing.F) {
	s := &Server{o: Options{Digest: &DigestOptions{Key: []byte("0123456789abcdef0123456789abcdef")}}, now: time.Now}
	good := s.digestToken("20261201T080000-abcdef0123", "bob@example.test", time.Now().Add(time.Hour))
	f.Add(good)
	f.Add("")
	f.Add(".")
	f.Add("YQ.YQ")
	f.Fuzz(func(t *testing.T, tok string) {
		if _, _, err := s.readDigestToken(tok); err == nil && tok != good {
			t.Fatalf("accepted a link the server did not sign: %q", tok)
		}
		parseCursor(tok)
	})
}
