package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/bayes"
	"vigie.dev/vigie/internal/quarantine"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/store"
)

// heldMessage builds a small message with a display name.
func heldMessage(i int) []byte {
	return fmt.Appendf(nil, "From: \"Service Paie %d\" <paie%d@abatos.fr>\r\nTo: bob@example.test\r\nSubject: Bulletin de salaire n°%d\r\n"+
		"Message-ID: <%d@abatos.fr>\r\nDate: Mon, 1 Dec 2026 09:00:00 +0100\r\n\r\nVotre bulletin de %s est disponible.\r\n", i, i, i, i, months[i%len(months)])
}

var months = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// fill puts n messages in quarantine, one minute apart, every 7th to alice.
func fill(t testing.TB, q *quarantine.Store, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		rcpt := "bob@example.test"
		if i%7 == 0 {
			rcpt = "alice@example.test"
		}
		v := &scan.Verdict{Score: float64(5 + i%10), Signals: []scan.Signal{{Name: "LURE_PAYROLL"}},
			Indicators: scan.Indicators{FromAddress: fmt.Sprintf("paie%d@abatos.fr", i), Subject: fmt.Sprintf("Bulletin de salaire n°%d", i)}}
		if _, err := q.Put(ctx, heldMessage(i), quarantine.Meta{Frontend: "relay", Envelope: scan.Envelope{MailFrom: "bounce@abatos.fr", RcptTo: []string{rcpt}}}, v); err != nil {
			t.Fatal(err)
		}
	}
}

func listAPI(t *testing.T, f *fixture, c *http.Cookie, query string) QuarantinePage {
	t.Helper()
	w := f.do(t, "GET", "/api/v1/quarantine?"+query, c, "", "")
	if w.Code != 200 {
		t.Fatalf("GET /api/v1/quarantine?%s: %d %s", query, w.Code, w.Body)
	}
	var pg QuarantinePage
	if err := json.Unmarshal(w.Body.Bytes(), &pg); err != nil {
		t.Fatal(err)
	}
	return pg
}

func TestQuarantinePagingReachesEveryMessage(t *testing.T) {
	f := newFixture(t)
	fill(t, f.s.o.Quarantine, 260)
	c, _ := f.session(t, "luc")
	seen := map[string]bool{}
	pg := listAPI(t, f, c, "limit=50")
	if pg.Total != 261 {
		t.Errorf("total %d, want 261", pg.Total)
	}
	pages := 1
	for {
		for _, e := range pg.Entries {
			if seen[e.ID] {
				t.Fatalf("%s listed twice", e.ID)
			}
			seen[e.ID] = true
		}
		if pg.Older == "" {
			break
		}
		next := listAPI(t, f, c, "limit=50&before="+url.QueryEscape(pg.Older))
		if next.Newer == "" {
			t.Fatal("a later page has no way back")
		}
		back := listAPI(t, f, c, "limit=50&after="+url.QueryEscape(next.Newer))
		if len(back.Entries) != len(pg.Entries) || back.Entries[0].ID != pg.Entries[0].ID {
			t.Fatalf("paging back does not return the same page")
		}
		pg = next
		pages++
	}
	if len(seen) != 261 || pages != 6 {
		t.Errorf("reached %d messages in %d pages, want 261 in 6", len(seen), pages)
	}
}

func TestQuarantineSearch(t *testing.T) {
	f := newFixture(t)
	fill(t, f.s.o.Quarantine, 70)
	c, _ := f.session(t, "luc")
	for _, tc := range []struct {
		query string
		want  int
	}{
		{"q=" + url.QueryEscape("n°42"), 1},
		{"subject=bulletin", 70},
		{"q=" + url.QueryEscape("Service Paie 13"), 1}, // the display name
		{"sender=paie7%40", 1},
		{"rcpt=alice", 10},
		{"min_score=14", 7},
		{"min_score=5&max_score=5", 7},
		{"signal=lure_payroll", 70},
		{"signal=IOC_BLOCK_DOMAIN", 1}, // the fixture's own message
		{"q=%25", 0},                   // a LIKE wildcard is a literal
		{"since=2000-01-01&until=2000-01-02", 0},
		{"state=released", 0},
	} {
		if pg := listAPI(t, f, c, tc.query); pg.Total != tc.want {
			t.Errorf("%s: %d messages, want %d", tc.query, pg.Total, tc.want)
		}
	}
	pg := listAPI(t, f, c, "q="+url.QueryEscape("n°42"))
	if len(pg.Entries) != 1 || pg.Entries[0].FromName != "Service Paie 42" {
		t.Errorf("display name not kept: %+v", pg.Entries)
	}
	if w := f.do(t, "GET", "/api/v1/quarantine?before=nonsense", c, "", ""); w.Code != 400 {
		t.Errorf("bad cursor: %d", w.Code)
	}
}

// recordingLearner stands for the classifier.
type recordingLearner struct{ phish, ham int }

func (l *recordingLearner) LearnDecision(_ context.Context, _ []byte, phish bool, _ string) error {
	if phish {
		l.phish++
	} else {
		l.ham++
	}
	return nil
}

func TestBulkDecisionsTeach(t *testing.T) {
	f := newFixture(t)
	fill(t, f.s.o.Quarantine, 40)
	c, csrf := f.session(t, "anna")
	pg := listAPI(t, f, c, "rcpt=alice")
	var ids []string
	for _, e := range pg.Entries {
		ids = append(ids, e.ID)
	}
	body, _ := json.Marshal(map[string]any{"action": "phish", "ids": ids})
	if w := f.do(t, "POST", "/api/v1/quarantine/bulk", c, csrf, string(body)); w.Code != 400 {
		t.Errorf("bulk without confirm: %d %s", w.Code, w.Body)
	}
	// The browser gets a confirmation page naming the count and the learning.
	r := httptest.NewRequest("POST", "/api/v1/quarantine/bulk", strings.NewReader(url.Values{"_csrf": {csrf}, "action": {"phish"}, "ids": ids}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Accept", "text/html")
	r.AddCookie(c)
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	if !strings.Contains(w.Body.String(), "Vigie apprendra de cette décision") || !strings.Contains(w.Body.String(), "Déclarer 6 message(s)") {
		t.Errorf("confirmation page:\n%s", w.Body)
	}
	if n := listAPI(t, f, c, "rcpt=alice").Total; n != 6 {
		t.Fatalf("something happened before the confirmation: %d held", n)
	}
	body, _ = json.Marshal(map[string]any{"action": "phish", "ids": ids, "confirm": true})
	w = f.do(t, "POST", "/api/v1/quarantine/bulk", c, csrf, string(body))
	var res BulkResult
	json.Unmarshal(w.Body.Bytes(), &res)
	if w.Code != 200 || res.Done != 6 || len(res.Failed) != 0 {
		t.Fatalf("bulk phish: %d %s", w.Code, w.Body)
	}
	if n := listAPI(t, f, c, "rcpt=alice").Total; n != 0 {
		t.Errorf("%d confirmed phish still held", n)
	}
	// Release everything a search finds: learned as ham; the learner comes
	// later and replays what it missed.
	body, _ = json.Marshal(map[string]any{"action": "release", "scope": "search", "q": "bulletin", "min_score": 12, "confirm": true})
	w = f.do(t, "POST", "/api/v1/quarantine/bulk", c, csrf, string(body))
	json.Unmarshal(w.Body.Bytes(), &res)
	if res.Done != 10 || len(f.relay.got) != 10 {
		t.Fatalf("bulk release of a search: %s, %d delivered", w.Body, len(f.relay.got))
	}
	l := &recordingLearner{}
	n, err := f.s.o.Quarantine.Replay(context.Background(), l)
	if err != nil || n != 16 || l.phish != 6 || l.ham != 10 {
		t.Errorf("replay: %d learned (phish %d, ham %d), %v", n, l.phish, l.ham, err)
	}
	if n, _ := f.s.o.Quarantine.Replay(context.Background(), l); n != 0 {
		t.Errorf("replayed twice: %d", n)
	}
	ds, _ := f.db.Quarantine().RecentDecisions(context.Background(), 100)
	if len(ds) != 16 || ds[0].Actor != "anna" || ds[0].LearnedAt.IsZero() {
		t.Errorf("decisions: %d, %+v", len(ds), ds[0])
	}
	// With a learner attached, a decision is learned at once.
	f.s.o.Quarantine.Learner = l
	pg = listAPI(t, f, c, "limit=1")
	if w := f.do(t, "POST", "/api/v1/quarantine/"+pg.Entries[0].ID+"/not-phish", c, csrf, ""); w.Code != 200 {
		t.Fatalf("not-phish: %d %s", w.Code, w.Body)
	}
	if l.ham != 11 {
		t.Errorf("not-phish was not learned at once: ham %d", l.ham)
	}
	e, _ := f.s.o.Quarantine.Get(context.Background(), pg.Entries[0].ID)
	if e.Verdict != "ham" || !e.ReleasedAt.IsZero() {
		t.Errorf("not-phish: %+v", e)
	}
	// A reader may not decide.
	lc, lcsrf := f.session(t, "luc")
	if w := f.do(t, "POST", "/api/v1/quarantine/bulk", lc, lcsrf, string(body)); w.Code != 403 {
		t.Errorf("reader bulk: %d", w.Code)
	}
}

// BenchmarkQuarantinePage measures the list's last page with 100,000
// held messages (keyset paging: as cheap as the first).
func BenchmarkQuarantinePage(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite:"+b.TempDir()+"/v.db", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	seedQuarantineRows(b, db, 100000)
	q := db.Quarantine()
	first, _, _ := q.Page(ctx, quarantine.Query{Limit: 50})
	last := &quarantine.Cursor{At: time.UnixMilli(1_700_000_000_000 + 60_000*50).UTC(), ID: "x"}
	_ = first
	for b.Loop() {
		if _, _, err := q.Page(ctx, quarantine.Query{Limit: 50, Before: last}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDecisionsTeachTheClassifier: with the per-site classifier on, a
// console decision goes through its Feedback method at once, and the
// decisions taken before it was on are replayed into it.
func TestDecisionsTeachTheClassifier(t *testing.T) {
	f := newFixture(t)
	fill(t, f.s.o.Quarantine, 6)
	ctx := context.Background()
	c, csrf := f.session(t, "anna")
	pg := listAPI(t, f, c, "q=bulletin")
	// Before the classifier: recorded, pending.
	if w := f.do(t, "POST", "/api/v1/quarantine/"+pg.Entries[0].ID+"/phish", c, csrf, ""); w.Code != 200 {
		t.Fatalf("phish: %d %s", w.Code, w.Body)
	}
	l := &bayes.Learner{Repo: f.db.Bayes()}
	f.s.o.Quarantine.Learner = l
	if n, err := f.s.o.Quarantine.Replay(ctx, f.s.o.Quarantine.Learner); n != 1 || err != nil {
		t.Fatalf("replay: %d %v", n, err)
	}
	for _, e := range pg.Entries[1:3] {
		if w := f.do(t, "POST", "/api/v1/quarantine/"+e.ID+"/release", c, csrf, ""); w.Code != 200 {
			t.Fatalf("release: %d %s", w.Code, w.Body)
		}
	}
	st, err := f.db.Bayes().State(ctx)
	if err != nil || st.Phish != 1 || st.Ham != 2 {
		t.Errorf("classifier learned phish %d, ham %d (%v); want 1 and 2", st.Phish, st.Ham, err)
	}
	r := httptest.NewRequest("GET", "/quarantine/"+pg.Entries[1].ID, nil)
	r.AddCookie(c)
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	if !strings.Contains(w.Body.String(), "appris comme légitime") || !strings.Contains(w.Body.String(), `badge ok">appris`) {
		t.Errorf("the message page does not show the decision learned:\n%.3000s", w.Body)
	}
}
