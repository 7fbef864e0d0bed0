package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/gateway/gatewaytest"
	"vigie.dev/vigie/internal/gateway/nexthop"
	"vigie.dev/vigie/internal/gateway/release"
	"vigie.dev/vigie/internal/quarantine"
)

// A message the milter held in Postfix's hold queue, released from the
// console where postsuper cannot run: Vigie's copy reaches the next hop,
// and the console says, as the command line does, that Postfix still
// holds one to delete — in its message and in the audit trail.
func TestReleaseLeavesPostfixCopy(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sink := gatewaytest.NewSink(t, gatewaytest.SinkOptions{})
	hop := &nexthop.Client{Addr: sink.Addr, HELO: "vigie.test"}
	t.Cleanup(hop.Close)
	f.s.o.Release = &release.Deliverer{Repo: f.db.Gateway(), Key: release.Key("0123456789abcdef0123456789abcdef"), SMTP: hop}
	if err := f.db.Gateway().PutMTA(ctx, quarantine.MTA{ID: f.qid, MTAQueueID: "4QxYz", MTAHold: true}); err != nil {
		t.Fatal(err)
	}
	c, csrf := f.session(t, "anna")
	r := httptest.NewRequest("POST", "/api/v1/quarantine/"+f.qid+"/release", strings.NewReader("_csrf="+url.QueryEscape(csrf)))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Accept", "text/html")
	r.AddCookie(c)
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/quarantine?done=released-held" {
		t.Fatalf("release: %d %q %s", w.Code, w.Header().Get("Location"), w.Body)
	}
	sink.Wait(t, 1, 30*time.Second)
	log, err := f.s.o.Accounts.AuditLog(ctx, 10)
	if err != nil || len(log) == 0 || log[0].Action != "quarantine.release" ||
		!strings.HasPrefix(log[0].Detail, "remis à "+sink.Addr+" pour bob@example.test (250 ") ||
		!strings.Contains(log[0].Detail, " ; Postfix garde aussi sa copie en file hold : supprimez-la avec « postsuper -d 4QxYz »") {
		t.Errorf("audit: %+v %v", log, err)
	}
	if got := tr("fr", "done.released-held"); !strings.Contains(got, "postsuper -d") {
		t.Errorf("flash: %q", got)
	}
}
