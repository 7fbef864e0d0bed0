package hunt_test

import (
	"context"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/hunt"
	"vigie.dev/vigie/internal/hunt/gen"
	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/ingest"
)

func runHunt(t *testing.T, attack bool) (*gen.Plan, []hunt.Finding) {
	t.Helper()
	dir := t.TempDir()
	plan, err := gen.Write(dir, gen.Config{Seed: 42, Attack: attack})
	if err != nil {
		t.Fatal(err)
	}
	set := hunt.NewSet()
	// The incident's indicators: the phishing URL and the attacker's address.
	// (In the clean run they are simply never seen.)
	for _, v := range []string{"https://m365-secure-verify.example/owa/auth.php", "203.0.113.45"} {
		if err := set.Add(v); err != nil {
			t.Fatal(err)
		}
	}
	h := hunt.New(hunt.Config{}, set, gen.Geo(), nil)
	reports, err := ingest.Read(context.Background(), []string{dir}, ingest.Config{Options: logs.Options{Year: 2025}}, h.Observe)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reports {
		if r.Err != "" || r.Errors > 0 || r.Events == 0 {
			t.Errorf("%s (%s): %d events, %d errors %v %s", r.File, r.Format, r.Events, r.Errors, r.Sample, r.Err)
		}
	}
	return plan, h.Findings()
}

func TestCleanBaselineRaisesNothing(t *testing.T) {
	_, fs := runHunt(t, false)
	for _, f := range fs {
		t.Errorf("false positive: %s %s %s %s %v", f.ID, f.User, f.Time, f.Detail, f.Evidence)
	}
}

func TestPlantedCompromiseIsFound(t *testing.T) {
	plan, fs := runHunt(t, true)
	if plan.AttackerIP != netip.MustParseAddr("203.0.113.45") {
		t.Fatalf("generator changed: attacker %s", plan.AttackerIP)
	}
	byID := map[string][]hunt.Finding{}
	for _, f := range fs {
		byID[f.ID] = append(byID[f.ID], f)
		if f.User != plan.Victim && f.User != strings.Split(plan.Victim, "@")[0] { // squid logs the short user name
			t.Errorf("finding for a user who was not attacked: %s %s %s", f.ID, f.User, f.Detail)
		}
		if len(f.Evidence) == 0 || f.FR == "" || f.EN == "" {
			t.Errorf("%s: no evidence or explanation", f.ID)
		}
	}
	want := []struct {
		id       string
		severity hunt.Severity
		detail   string
	}{
		{hunt.IOCURLClick, hunt.High, "POST"},
		{hunt.SignInIOCIP, hunt.High, "203.0.113.45"},
		{hunt.NewCountry, hunt.Medium, "NG"},
		{hunt.NewASN, hunt.Medium, "AS64502"},
		{hunt.ImpossibleTravel, hunt.High, "203.0.113.45 (NG)"},
		{hunt.UnusualHour, hunt.Low, ""},
		{hunt.InboxRuleForward, hunt.High, plan.ForwardTo},
		{hunt.InboxRuleDelete, hunt.High, `"."`},
		{hunt.InboxRuleShortName, hunt.Medium, `"."`},
		{hunt.OutboundSpike, hunt.High, "recipients"},
	}
	for _, w := range want {
		got := byID[w.id]
		if len(got) != 1 {
			t.Errorf("%s: %d findings, want 1: %+v", w.id, len(got), got)
			continue
		}
		if got[0].Severity != w.severity || !strings.Contains(got[0].Detail, w.detail) {
			t.Errorf("%s: severity %s detail %q, want %s containing %q", w.id, got[0].Severity, got[0].Detail, w.severity, w.detail)
		}
		delete(byID, w.id)
	}
	for id, extra := range byID {
		t.Errorf("unexpected %s: %+v", id, extra[0])
	}
	// The click finding points at both proxy lines, the GET and the POST.
	for _, f := range fs {
		if f.ID == hunt.IOCURLClick && (f.Count != 2 || len(f.Evidence) != 2 || !strings.HasSuffix(f.Evidence[0].File, "access.log")) {
			t.Errorf("click evidence: %+v", f)
		}
	}
}

// TestCSVExports: the Entra admin center's sign-in download and the Google
// Admin console's login audit export are detected, read, and hunted like
// their JSON.
func TestCSVExports(t *testing.T) {
	paths := []string{"../logs/entra/testdata/InteractiveSignIns_2025-03-14_2025-03-21.csv", "../logs/gworkspace/testdata/login-audit-export.csv"}
	want := map[string][]string{
		paths[0]: {hunt.FailThenSuccess, hunt.LegacyAuth, hunt.NewCountry},
		paths[1]: {hunt.FailThenSuccess, hunt.RiskySignIn},
	}
	for _, path := range paths {
		set := hunt.NewSet()
		set.Add("203.0.113.45")
		// The week before the attack is the baseline: alice signs in from France.
		h := hunt.New(hunt.Config{Since: time.Date(2025, 3, 20, 0, 0, 0, 0, time.UTC)}, set, nil, nil)
		reports, err := ingest.Read(context.Background(), []string{path}, ingest.Config{}, h.Observe)
		if err != nil || len(reports) != 1 || reports[0].Errors > 0 || reports[0].Detection.Shape != ingest.ShapeCSV {
			t.Fatalf("%s: %v %+v", path, err, reports)
		}
		got := map[string]bool{}
		for _, f := range h.Findings() {
			got[f.ID] = true
		}
		for _, id := range append(want[path], hunt.SignInIOCIP) {
			if !got[id] {
				t.Errorf("%s: no %s in %v", path, id, got)
			}
		}
	}
}

// TestSignInsNotKeptSameFindings: the hunter keeps no sign-in it is handed,
// so reading with logs.Options.SignInsNotKept (each sign-in reused for the
// next line, as `vigie hunt` reads) finds exactly what reading without it
// finds, on the planted compromise's mail, sign-in and proxy logs.
func TestSignInsNotKeptSameFindings(t *testing.T) {
	dir := t.TempDir()
	if _, err := gen.Write(dir, gen.Config{Seed: 42, Attack: true}); err != nil {
		t.Fatal(err)
	}
	var runs [2][]hunt.Finding
	for i, reuse := range []bool{false, true} {
		set := hunt.NewSet()
		for _, v := range []string{"https://m365-secure-verify.example/owa/auth.php", "203.0.113.45"} {
			if err := set.Add(v); err != nil {
				t.Fatal(err)
			}
		}
		h := hunt.New(hunt.Config{}, set, gen.Geo(), nil)
		if _, err := ingest.Read(context.Background(), []string{dir}, ingest.Config{Options: logs.Options{Year: 2025, KeepWeb: set.WebFilter(), SignInsNotKept: reuse}}, h.Observe); err != nil {
			t.Fatal(err)
		}
		runs[i] = h.Findings()
	}
	if len(runs[0]) == 0 || !reflect.DeepEqual(runs[0], runs[1]) {
		t.Errorf("%d findings without reuse, %d with, or different", len(runs[0]), len(runs[1]))
	}
}
