package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/scan"
)

// The message page shows each reason with what it read, in the reader's
// language, and a detail taken from the message is text, never markup.
func TestMessageReasonsShowTheirDetail(t *testing.T) {
	f := newFixture(t)
	cat := scan.MustCatalogue(detailFamily{})
	f.s.o.Signals = cat
	f.s.o.Explain = func(ctx context.Context, raw []byte, m *message.Message) *scan.Verdict {
		sc := scan.Scanner{Checks: []scan.Check{detailFamily{}}, Catalogue: cat, Policy: scan.DefaultPolicy()}
		return sc.ScanMessage(ctx, raw, m, scan.Envelope{})
	}
	raw := []byte("From: a@example.org\r\nSubject: x\r\n\r\nbody\r\n")
	v := &scan.Verdict{Action: scan.Quarantine, Score: 9, Signals: []scan.Signal{{Name: "TEST_DETAIL"}}}
	e, err := f.s.o.Quarantine.Put(context.Background(), raw, quarantine.Meta{Frontend: "relay", Envelope: scan.Envelope{MailFrom: "a@example.org", RcptTo: []string{"bob@example.test"}}}, v)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := f.session(t, "luc")
	for _, tc := range []struct{ lang, want string }{
		{"fr", `Détail lu (&lt;b&gt;&#34;cliquez ici&#34;&lt;/b&gt; x)`},
		{"en", `Detail read (&lt;b&gt;&#34;cliquez ici&#34;&lt;/b&gt; x)`},
	} {
		r := httptest.NewRequest("GET", "/quarantine/"+e.ID, nil)
		r.AddCookie(c)
		r.AddCookie(&http.Cookie{Name: langCookie, Value: tc.lang})
		w := httptest.NewRecorder()
		f.h.ServeHTTP(w, r)
		page := w.Body.String()
		if !strings.Contains(page, tc.want) {
			i := strings.Index(page, `id="reasons"`)
			t.Errorf("%s: the reasons lack %q:\n%.400s", tc.lang, tc.want, page[max(i, 0):])
		}
		if strings.Contains(page, "<b>&#34;cliquez") || strings.Contains(page, "<b>\"cliquez") {
			t.Errorf("%s: the detail is markup", tc.lang)
		}
	}
}

// detailFamily emits one signal whose detail is hostile text.
type detailFamily struct{}

func (detailFamily) Name() string { return "test" }
func (detailFamily) Signals() []scan.Definition {
	return []scan.Definition{{Name: "TEST_DETAIL", Family: "test", Weight: 9, FR: "Détail lu ({d})", EN: "Detail read ({d})"}}
}
func (f detailFamily) Checks() []scan.Check { return []scan.Check{f} }
func (detailFamily) Check(_ context.Context, _ *scan.Input, out *scan.Emitter) {
	out.Emit("TEST_DETAIL", "<b>\"cliquez ici\"</b>\r\nx")
}
