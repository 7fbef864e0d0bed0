package incident_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/app"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/engine"
	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/ir/bridge"
	"vigie.dev/vigie/internal/ir/evidence"
	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/ir/journal"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/store"
	"vigie.dev/vigie/internal/store/storetest"
	"vigie.dev/vigie/internal/trace"
)

const (
	phishFixture    = "../../engine/testdata/chorus-pro-phish.eml"
	officialFixture = "../../engine/testdata/chorus-pro-official.eml"
)

// world is a gateway and an incident service sharing one store, as in
// production: the scanner consults the indicator store through ioccheck,
// every scanned message goes to the trace, and incident response reads the
// trace and writes indicators.
type world struct {
	db      *store.DB
	scanner *scan.Scanner
	matcher *ioc.Matcher
	trace   *trace.Log
	iocs    *ioc.Service
	svc     *incident.Service
}

func newWorld(t *testing.T, dsn string) *world {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	db, err := store.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	m, err := ioc.Start(ctx, db.Indicators(), ioc.MatcherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	// A lenient policy, so the campaign is delivered the first time, as it
	// was at the hospital that reported it.
	cfg.Policy.TagAt, cfg.Policy.QuarantineAt, cfg.Policy.RejectAt = 100, 200, 0
	sc, err := engine.New(&cfg, engine.Options{Indicators: m})
	if err != nil {
		t.Fatal(err)
	}
	tl := trace.Open(db.Trace(), nil)
	t.Cleanup(tl.Close)
	cfg.DataDir = t.TempDir()
	iocs := app.With(cfg, db, app.Options{}).Indicators() // guarded as in production
	svc, err := bridge.NewService(bridge.Deps{Config: cfg, Incidents: db.Incidents(), Indicators: iocs, Trace: tl,
		Suppliers: db.Suppliers(), Audits: db.PostureRuns(), Scanner: sc})
	if err != nil {
		t.Fatal(err)
	}
	return &world{db: db, scanner: sc, matcher: m, trace: tl, iocs: iocs, svc: svc}
}

// deliver scans raw for the recipients and records it in the trace.
func (w *world) deliver(t *testing.T, raw []byte, rcpts ...string) *scan.Verdict {
	t.Helper()
	v := w.scanner.Scan(context.Background(), raw, scan.Envelope{RcptTo: rcpts})
	w.trace.Add(trace.FromVerdict("milter", "", v, string(v.Action)))
	return v
}

func TestEndToEnd(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { testEndToEnd(t, b.DSN) })
	}
}

func testEndToEnd(t *testing.T, dsn string) {
	ctx := context.Background()
	w := newWorld(t, dsn)
	phish, err := os.ReadFile(phishFixture)
	if err != nil {
		t.Fatal(err)
	}
	official, err := os.ReadFile(officialFixture)
	if err != nil {
		t.Fatal(err)
	}

	// 1. The campaign reaches three mailboxes and is delivered; a genuine
	// Chorus Pro notice goes to a fourth.
	first := w.deliver(t, phish, "compta@example-hopital.fr", "achats@example-hopital.fr")
	if first.Action != scan.Accept {
		t.Fatalf("first scan: %s, want accept under the lenient policy", first.Action)
	}
	w.deliver(t, phish, "direction@example-hopital.fr")
	w.deliver(t, official, "tresorerie@example-hopital.fr")
	w.trace.Flush()

	// 2. compta reports it: open an incident and attach the message.
	inc, err := w.svc.Open(ctx, incident.OpenRequest{Type: incident.PhishingCampaign, Title: "Campagne Chorus Pro",
		Perimeter: incident.Medium, Impact: incident.Medium, Urgency: incident.High, By: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if inc.Severity != incident.Major {
		t.Errorf("severity %s, want incident majeur", inc.Severity)
	}
	rec, proposed, err := w.svc.AddEvidence(ctx, inc.ID, incident.EvidenceRequest{Name: "signalement.eml",
		Content: bytes.NewReader(phish), By: "alice", Note: "transféré en pièce jointe par compta"})
	if err != nil {
		t.Fatal(err)
	}
	if rec.MediaType != "message/rfc822" || rec.Size != int64(len(phish)) {
		t.Errorf("evidence record %+v", rec)
	}
	want := []string{
		"email notification-choruspro-fr@abatos.fr", "domain abatos.fr", "email www-data@srv4821.hosting-ovh-example.com",
		"ip 203.0.113.45", "url https://chorus-pro-factures.weebly.com/consulter?id=88213",
		"host chorus-pro-factures.weebly.com",
	}
	var keys []string
	for _, p := range proposed {
		keys = append(keys, p.Key())
		if p.Kind == incident.KindDomain && p.Suggested != "watch" {
			t.Errorf("domain %s suggested %s, want watch", p.Value, p.Suggested)
		}
		if p.Value == "weebly.com" {
			t.Error("the hosting platform's domain was proposed")
		}
	}
	for _, k := range want {
		if !slices.Contains(keys, k) {
			t.Errorf("indicator %q not proposed; got %v", k, keys)
		}
	}

	// 3. Block them all for a week.
	pushed, err := w.svc.Block(ctx, inc.ID, incident.BlockRequest{All: true, By: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if len(pushed) != len(proposed) {
		t.Errorf("pushed %d of %d", len(pushed), len(proposed))
	}
	for _, p := range pushed {
		if p.Mode == "block" && (p.ExpiresAt.IsZero() || p.ExpiresAt.Sub(time.Now()) > 7*24*time.Hour+time.Minute) {
			t.Errorf("%s expires %v, want the 7-day incident default", p.Key(), p.ExpiresAt)
		}
		got, err := w.iocs.Find(ctx, ioc.Kind(p.Kind), p.Value)
		if err != nil || len(got) == 0 || got[0].Source != "incident:"+itoa(inc.ID) {
			t.Errorf("%s not in the indicator store: %v %v", p.Key(), got, err)
		}
	}

	// 4. The next copy of the campaign is caught.
	// The matcher follows the store in the background; give it a moment.
	var again *scan.Verdict
	waitFor(t, func() bool {
		again = w.scanner.Scan(ctx, phish, scan.Envelope{RcptTo: []string{"rh@example-hopital.fr"}})
		return again.Has("IOC_BLOCK")
	})
	if !again.Has("IOC_BLOCK") || again.Action.Rank() < scan.Quarantine.Rank() {
		t.Errorf("rescan: action %s, IOC_BLOCK %v", again.Action, again.Has("IOC_BLOCK"))
	}
	if v := w.scanner.Scan(ctx, official, scan.Envelope{}); v.Has("IOC_BLOCK") {
		t.Errorf("the genuine Chorus Pro notice is blocked: %+v", v.Signals)
	}

	// 5. Who else received it?
	res, err := w.svc.Hunt(ctx, inc.ID, 30, "alice")
	if err != nil {
		t.Fatal(err)
	}
	wantRcpts := []string{"achats@example-hopital.fr", "compta@example-hopital.fr", "direction@example-hopital.fr"}
	if !slices.Equal(res.ToWarn, wantRcpts) || res.Messages != 2 {
		t.Errorf("hunt: %d messages, to warn %v; want 2, %v", res.Messages, res.ToWarn, wantRcpts)
	}
	for _, row := range res.Rows {
		if row.Action != "delivered" || len(row.Matched) == 0 {
			t.Errorf("hunt row %+v", row)
		}
	}
	var csv bytes.Buffer
	if err := res.WriteCSV(&csv); err != nil || strings.Count(csv.String(), "\n") != 4 {
		t.Errorf("CSV:\n%s", csv.String())
	}

	// 6. The checklist moves, the journal holds every step and verifies.
	done := incident.Done
	if _, err := w.svc.Check(ctx, inc.ID, "C.4", incident.ItemChange{Status: &done}, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Check(ctx, inc.ID, "Z.9", incident.ItemChange{Status: &done}, "alice"); !errors.Is(err, incident.ErrNotFound) {
		t.Errorf("unknown item: %v", err)
	}
	c, err := w.svc.Load(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, e := range c.Journal {
		texts = append(texts, e.Text)
	}
	all := strings.Join(texts, "\n")
	for _, s := range []string{"Ouverture", "Preuve ajoutée : signalement.eml", "indicateur(s) proposé(s)",
		"liste de blocage", "Recherche rétrospective", "C.4"} {
		if !strings.Contains(all, s) {
			t.Errorf("journal lacks %q:\n%s", s, all)
		}
	}
	if _, err := w.svc.Verify(ctx, inc.ID, incident.VerifyRequest{}); err != nil {
		t.Fatal(err)
	}

	// 7. Export: evidence bytes unchanged, manifest verifies.
	dir := filepath.Join(t.TempDir(), "export")
	m, err := w.svc.Export(ctx, inc.ID, dir, "alice")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(m.Files[0].Path)))
	if err != nil || !bytes.Equal(got, phish) {
		t.Errorf("exported evidence differs: %v", err)
	}
	if n, err := evidence.VerifyExport(dir); err != nil || n != len(m.Files) {
		t.Errorf("VerifyExport = %d, %v", n, err)
	}
	if m.JournalSeq != int64(len(c.Journal)+1) {
		t.Errorf("manifest journal head %d, want %d (the export entry included)", m.JournalSeq, len(c.Journal)+1)
	}

	// 8. Tampering in the database breaks verification and export.
	if _, err := w.db.Exec(ctx, `UPDATE incident_journal SET text = 'rien' WHERE incident_id = ? AND seq = 2`, inc.ID); err != nil {
		t.Fatal(err)
	}
	_, err = w.svc.Verify(ctx, inc.ID, incident.VerifyRequest{})
	var ce *journal.ChainError
	if !errors.As(err, &ce) || ce.Seq != 2 {
		t.Errorf("Verify after tampering = %v", err)
	}
	if _, err := w.svc.Export(ctx, inc.ID, filepath.Join(t.TempDir(), "x"), "alice"); err == nil {
		t.Error("export of a tampered incident succeeded")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting for the indicator matcher to sync")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
