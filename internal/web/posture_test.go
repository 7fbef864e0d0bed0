package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/posture"
	"vigie.dev/vigie/internal/selftest"
)

// The posture page shows the latest audit of each domain and the latest
// selftest, in the reader's language, with the failing case pointed out.
func TestPosturePage(t *testing.T) {
	f := newFixture(t)
	c, _ := f.session(t, "alice")
	get := func(l string) string {
		r := httptest.NewRequest("GET", "/posture", nil)
		r.AddCookie(c)
		r.AddCookie(&http.Cookie{Name: langCookie, Value: l})
		w := httptest.NewRecorder()
		f.h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			t.Fatalf("status %d", w.Code)
		}
		return w.Body.String()
	}
	if body := get("fr"); !strings.Contains(body, `id="posture-none"`) || !strings.Contains(body, `id="selftest-none"`) {
		t.Fatal("empty page does not say how to record an audit")
	}
	ctx := context.Background()
	runs := f.s.o.Audits
	rep := posture.Report{Domain: "chu-exemple.fr", At: time.Now().UTC(), Findings: []posture.Finding{
		{ID: "SMTP_OPEN_RELAY", Severity: posture.Critical, Rule: "mta.md#relai", Target: "mx.chu-exemple.fr:25", Detail: "RCPT accepted <script>"}}}
	b, _ := json.Marshal(rep)
	runs.Add(ctx, posture.Run{Kind: "posture", Subject: rep.Domain, At: rep.At, Worst: "critical", Body: b})
	b, _ = json.Marshal(map[string]any{
		"results": []selftest.Result{
			{ID: "eicar-body", Category: "antivirus", Rule: "antivirus.md", Expect: selftest.Stop, Outcome: selftest.Delivered, Score: 3.2},
			{ID: "control-plain", Category: "control", Expect: selftest.Deliver, Outcome: selftest.Delivered, Pass: true}},
		"summary": []selftest.Summary{{Category: "antivirus", Rule: "antivirus.md", Passed: 0, Total: 1}, {Category: "control", Passed: 1, Total: 1}}})
	runs.Add(ctx, posture.Run{Kind: "selftest", Subject: "mx.chu-exemple.fr:25", At: time.Now(), Worst: "1/2", Body: b})

	fr := get("fr")
	for _, want := range []string{"Relais ouvert", "mta.md#relai", "CRITIQUE", "eicar-body", "distribué", "À revoir", "Antivirus", "0/1"} {
		if !strings.Contains(fr, want) {
			t.Errorf("French page lacks %q", want)
		}
	}
	if strings.Contains(fr, "<script>") {
		t.Error("finding detail not escaped")
	}
	en := get("en")
	for _, want := range []string{"Open relay", "CRITICAL", "delivered", "To review"} {
		if !strings.Contains(en, want) {
			t.Errorf("English page lacks %q", want)
		}
	}
}
