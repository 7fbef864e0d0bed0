package allow

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"vigie.dev/vigie/internal/auth"
	"vigie.dev/vigie/internal/scan"
)

func TestMatch(t *testing.T) {
	now := time.Now()
	rules := []Rule{
		{ID: 1, Kind: Recipient, Value: "secu@example.org", MaxAction: "accept"},
		{ID: 2, Kind: Recipient, Value: "@labo.example.org", MaxAction: "tag"},
		{ID: 3, Kind: Sender, Value: "@chorus-pro.gouv.fr", MaxAction: "tag"},
		{ID: 4, Kind: Recipient, Value: "old@example.org", MaxAction: "accept", ExpiresAt: now.Add(-time.Minute)},
		{ID: 5, Kind: Recipient, Value: "gone@example.org", MaxAction: "accept", RemovedAt: now.Add(-time.Hour)},
	}
	verdict := func(action scan.Action, from string, a auth.Results, force scan.Action) *scan.Verdict {
		return &scan.Verdict{Action: action, Auth: a, Indicators: scan.Indicators{FromAddress: from},
			Signals: []scan.Signal{{Name: "X", Force: force}}}
	}
	dmarcPass := auth.Results{DMARC: auth.Pass, DMARCDomain: "chorus-pro.gouv.fr"}
	spfSub := auth.Results{SPF: auth.Pass, SPFDomain: "notification.chorus-pro.gouv.fr"}
	cases := []struct {
		name string
		rcpt []string
		v    *scan.Verdict
		id   int64
		cap  scan.Action
	}{
		{"the report mailbox", []string{"SECU@example.org"}, verdict(scan.Reject, "x@evil.test", auth.Results{}, scan.Reject), 1, scan.Accept},
		{"the report mailbox and someone else", []string{"secu@example.org", "bob@example.org"}, verdict(scan.Reject, "x@evil.test", auth.Results{}, ""), 0, ""},
		{"two covered recipients: the stricter cap", []string{"secu@example.org", "ana@labo.example.org"}, verdict(scan.Reject, "x@evil.test", auth.Results{}, ""), 2, scan.Tag},
		{"expired", []string{"old@example.org"}, verdict(scan.Quarantine, "x@evil.test", auth.Results{}, ""), 0, ""},
		{"removed", []string{"gone@example.org"}, verdict(scan.Quarantine, "x@evil.test", auth.Results{}, ""), 0, ""},
		{"authenticated sender (DMARC)", []string{"bob@example.org"}, verdict(scan.Quarantine, "ne-pas-repondre@chorus-pro.gouv.fr", dmarcPass, ""), 3, scan.Tag},
		{"authenticated sender (SPF, same organisation)", []string{"bob@example.org"}, verdict(scan.Quarantine, "ne-pas-repondre@chorus-pro.gouv.fr", spfSub, ""), 3, scan.Tag},
		{"forged sender", []string{"bob@example.org"}, verdict(scan.Quarantine, "ne-pas-repondre@chorus-pro.gouv.fr", auth.Results{SPF: auth.Pass, SPFDomain: "abatos.fr"}, ""), 0, ""},
		{"DMARC fail wins over a passing SPF", []string{"bob@example.org"}, verdict(scan.Quarantine, "a@chorus-pro.gouv.fr", auth.Results{DMARC: auth.Fail, SPF: auth.Pass, SPFDomain: "chorus-pro.gouv.fr"}, ""), 0, ""},
		{"sender with a blocked indicator", []string{"bob@example.org"}, verdict(scan.Reject, "a@chorus-pro.gouv.fr", dmarcPass, scan.Reject), 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, capAt, ok := match(rules, scan.Envelope{RcptTo: c.rcpt}, c.v, now)
			if ok != (c.id != 0) || r.ID != c.id || capAt != c.cap {
				t.Errorf("rule %d cap %q ok %v; want rule %d cap %q", r.ID, capAt, ok, c.id, c.cap)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{"<Secu@Example.ORG>": "secu@example.org", "@Labo.example.org": "@labo.example.org",
		"bob": "", "@": "", "a@b": "", "a b@c.d": ""} {
		got, err := Normalize(in)
		if (err != nil) != (want == "") || got != want {
			t.Errorf("Normalize(%q) = %q, %v", in, got, err)
		}
	}
}

// repo is a Repository whose database may be out of reach.
type repo struct {
	rules []Rule
	down  bool
}

func (r *repo) AddAllow(context.Context, Rule) (int64, error)               { return 0, nil }
func (r *repo) RemoveAllow(context.Context, int64, string, time.Time) error { return nil }
func (r *repo) AllowRules(context.Context, bool) ([]Rule, error) {
	if r.down {
		return nil, errors.New("connection refused")
	}
	return r.rules, nil
}

// A node started while the database is down applies the rules of its
// local copy, and the database's again once it answers.
func TestSnapshot(t *testing.T) {
	ctx := context.Background()
	snap := filepath.Join(t.TempDir(), "allow-rules.json")
	db := &repo{rules: []Rule{{ID: 1, Kind: Recipient, Value: "secu@example.org", MaxAction: "accept"}}}
	first := &Rules{Repo: db, Snapshot: snap}
	if err := first.Load(ctx); err != nil {
		t.Fatal(err)
	}
	db.down = true
	restarted := &Rules{Repo: db, Snapshot: snap}
	if err := restarted.Load(ctx); err == nil {
		t.Fatal("Load with the database down succeeded")
	}
	if err := restarted.LoadSnapshot(); err != nil || !restarted.FromSnapshot() {
		t.Fatalf("LoadSnapshot: %v, from snapshot %v", err, restarted.FromSnapshot())
	}
	v := &scan.Verdict{Action: scan.Quarantine}
	if r, capAt, ok := restarted.Match(scan.Envelope{RcptTo: []string{"secu@example.org"}}, v, time.Now()); !ok || r.ID != 1 || capAt != scan.Accept {
		t.Errorf("rule of the local copy not applied: %+v %v %v", r, capAt, ok)
	}
	db.down, db.rules = false, nil
	if err := restarted.Load(ctx); err != nil || restarted.FromSnapshot() {
		t.Fatalf("Load once the database answers: %v", err)
	}
	if _, _, ok := restarted.Match(scan.Envelope{RcptTo: []string{"secu@example.org"}}, v, time.Now()); ok {
		t.Error("a rule removed in the database still applies")
	}
	os.WriteFile(snap, []byte("[{"), 0o600)
	if err := (&Rules{Repo: db, Snapshot: snap}).LoadSnapshot(); err == nil {
		t.Error("a torn local copy was accepted")
	}
}

// FuzzLoadSnapshot: whatever the local copy holds, it is read or refused
// with an error, and the rules it gives are matched without a crash.
func FuzzLoadSnapshot(f *testing.F) {
	f.Add([]byte(`[{"id":1,"kind":"recipient","value":"secu@example.org","max_action":"accept"}]`))
	f.Add([]byte(`[{"kind":"sender","value":"@x.test","max_action":"nonsense","expires_at":"2020-01-01T00:00:00Z"}]`))
	f.Add([]byte(`null`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(dir, "allow-rules.json")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Skip()
		}
		r := &Rules{Snapshot: path}
		if err := r.LoadSnapshot(); err != nil {
			return
		}
		r.Match(scan.Envelope{RcptTo: []string{"secu@example.org"}}, &scan.Verdict{Action: scan.Quarantine,
			Indicators: scan.Indicators{FromAddress: "a@x.test"}}, time.Now())
	})
}
