package hunt_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/hunt"
	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/ingest"
	"vigie.dev/vigie/internal/logs/logstest"
)

// families maps each labelled panther-analysis rule to the findings that
// answer it in Vigie: a case is predicted positive when one of them is raised.
var families = map[string][]string{
	"azure_failed_signins.yml":                   {hunt.BruteForce},
	"microsoft365_brute_force_login_by_user.yml": {hunt.BruteForce},
	"azure_high_risk_signin.yml":                 {hunt.RiskySignIn},
	"gsuite_suspicious_logins.yml":               {hunt.RiskySignIn},
	"azure_legacyauth.yml":                       {hunt.LegacyAuth},
	"gsuite_login_type.yml":                      {hunt.LoginType},
	"microsoft365_mfa_disabled.yml":              {hunt.MFARemoved},
	"microsoft_exchange_external_forwarding.yml": {hunt.MailboxForwarding, hunt.InboxRuleForward},
	"gsuite_external_forwarding.yml":             {hunt.MailboxForwarding, hunt.InboxRuleForward},
}

// hunt reads text as a user would give it (format detected) and returns the findings.
func huntText(t *testing.T, text string, cfg hunt.Config) ([]hunt.Finding, []ingest.Report) {
	t.Helper()
	h := hunt.New(cfg, nil, nil, nil)
	reports, err := ingest.Read(context.Background(), []string{"-"}, ingest.Config{Stdin: strings.NewReader(text), Options: logs.Options{Year: 2025}}, h.Observe)
	if err != nil {
		t.Fatal(err)
	}
	return h.Findings(), reports
}

// TestPantherLabeled converts every labelled case of the panther-analysis
// rules as it is — the event repeated as many times as the rule's threshold,
// its mocked configuration given as Vigie's — and scores the findings against
// the labels: precision ≥ 0.95 and recall ≥ 0.9 over all the families.
func TestPantherLabeled(t *testing.T) {
	var tp, fp, fn, tn int
	files, _ := filepath.Glob("testdata/panther/*.yml")
	if len(files) != len(families) {
		t.Fatalf("%d rule files, %d families", len(files), len(families))
	}
	for _, file := range files {
		fam := families[filepath.Base(file)]
		for _, c := range logstest.PantherCases(t, file) {
			var cfg hunt.Config
			if v, ok := c.Mocks["KNOWN_EXCEPTIONS"]; ok {
				if err := json.Unmarshal([]byte(v), &cfg.LegacyAllowed); err != nil {
					t.Fatal(err)
				}
			}
			var in bytes.Buffer
			for range c.Threshold {
				in.Write(c.JSON)
				in.WriteByte('\n')
			}
			fs, reports := huntText(t, in.String(), cfg)
			if r := reports[0]; r.Errors > 0 || r.Err != "" {
				t.Errorf("%s %q: not read: %+v", filepath.Base(file), c.Name, r)
			}
			got := slices.ContainsFunc(fs, func(f hunt.Finding) bool { return slices.Contains(fam, f.ID) })
			switch {
			case got && c.Expected:
				tp++
			case got:
				fp++
				t.Logf("false positive: %s %q", filepath.Base(file), c.Name)
			case c.Expected:
				fn++
				t.Logf("false negative: %s %q", filepath.Base(file), c.Name)
			default:
				tn++
			}
		}
	}
	precision := float64(tp) / float64(tp+fp)
	recall := float64(tp) / float64(tp+fn)
	t.Logf("panther labelled cases: TP %d FP %d FN %d TN %d, precision %.2f recall %.2f", tp, fp, fn, tn, precision, recall)
	if tp+fp+fn+tn != 32 {
		t.Errorf("%d cases, want 32", tp+fp+fn+tn)
	}
	if precision < 0.95 || recall < 0.9 {
		t.Errorf("precision %.2f recall %.2f, want ≥ 0.95 and ≥ 0.9", precision, recall)
	}
}

// TestGoldenSAML reads OTRF's Golden SAML data set (a real lab tenant's
// Sentinel and Defender exports) as it is and finds the four cloud-side key
// events: the new application secret, the application's permission update,
// the Mail.ReadWrite consent and the mail read through Graph.
func TestGoldenSAML(t *testing.T) {
	h := hunt.New(hunt.Config{}, nil, nil, nil)
	reports, err := ingest.Read(context.Background(), []string{"testdata/otrf-goldensaml"}, ingest.Config{}, h.Observe)
	if err != nil {
		t.Fatal(err)
	}
	formats := map[string]logs.Format{}
	for _, r := range reports {
		formats[filepath.Base(r.File)] = r.Format
		if strings.HasSuffix(r.File, ".json") && (r.Errors > 0 || r.Err != "") {
			t.Errorf("%s: %+v", r.File, r)
		}
	}
	if formats["Microsoft365DefenderEvents.json"] != logs.Defender || formats["AADAuditEvents.json"] != logs.M365 {
		t.Errorf("formats: %v", formats)
	}
	fs := h.Findings()
	want := []struct{ id, detail string }{
		{hunt.AppCredential, "SimuLandApp"},
		{hunt.AppPermission, "SimuLandApp"},
		{hunt.OAuthConsent, "Mail.ReadWrite"},
		{hunt.MailItemsAccessed, "pgustavo@simulandlabs.com"},
	}
	for _, w := range want {
		if !slices.ContainsFunc(fs, func(f hunt.Finding) bool { return f.ID == w.id && strings.Contains(f.Detail, w.detail) }) {
			t.Errorf("missing %s (%s)", w.id, w.detail)
		}
	}
	for _, f := range fs {
		t.Logf("%s %s %s %s %v", f.Severity, f.ID, f.User, f.Detail, f.Evidence)
	}
}
