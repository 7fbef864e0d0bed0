package config

import (
	"strings"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

func TestExampleIsTheDefault(t *testing.T) {
	c, err := Load("../../vigie.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d := Default()
	if c.Policy.TagAt != d.Policy.TagAt || c.Policy.QuarantineAt != d.Policy.QuarantineAt || c.Policy.RejectAt != d.Policy.RejectAt ||
		c.Limits != d.Limits || c.Auth.Mode != d.Auth.Mode || c.Auth.Timeout != d.Auth.Timeout || c.Scan != d.Scan || c.Policy.SubjectPrefix != d.Policy.SubjectPrefix {
		t.Errorf("vigie.example.yaml does not match the embedded defaults:\n%+v\n%+v", c, d)
	}
}

func TestEvalConfig(t *testing.T) {
	c, err := Load("../../configs/eval-corpus.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Auth.Mode != "headers" || len(c.Trust.Relays) == 0 {
		t.Errorf("eval config: %+v", c.Trust)
	}
}

func TestErrors(t *testing.T) {
	cases := map[string]string{
		"polcy:\n  tag: 3\n":                    "not found",
		"policy:\n  tag: 10\n  quarantine: 5\n": "thresholds",
		"auth:\n  mode: maybe\n":                "neither dns nor headers",
		"trust:\n  networks: [nope]\n":          "trust.networks",
		"limits:\n  max_size: lots\n":           "not a size",
	}
	for in, want := range cases {
		c := Default()
		err := Parse([]byte(in), &c)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want error containing %q", in, err, want)
		}
	}
}

func TestByteSize(t *testing.T) {
	c := Default()
	if err := Parse([]byte("limits:\n  max_size: 512KiB\n"), &c); err != nil {
		t.Fatal(err)
	}
	if c.Limits.MaxSize != 512<<10 {
		t.Errorf("max_size = %d", c.Limits.MaxSize)
	}
}

// The learned model sets the thresholds; a threshold the configuration
// sets wins over it (weights: TestPolicyOverridesLearnedWeight in scan), and "off" returns to the expert weights with 5/7/15.
func TestLearnedModelAndOverrides(t *testing.T) {
	d := Default()
	c := Default()
	if err := Parse([]byte("policy:\n  tag: 5.25\n"), &c); err != nil {
		t.Fatal(err)
	}
	if c.Policy.TagAt != 5.25 || c.Policy.QuarantineAt != d.Policy.QuarantineAt {
		t.Errorf("explicit tag lost or quarantine changed: %+v", c.Policy.Policy)
	}
	off := Default()
	if err := Parse([]byte("policy:\n  learned: \"off\"\n"), &off); err != nil {
		t.Fatal(err)
	}
	if off.Policy.TagAt != 5 || off.Policy.QuarantineAt != 7 || off.Policy.RejectAt != 15 || off.Policy.Policy.Learned != nil {
		t.Errorf("learned off: %+v", off.Policy.Policy)
	}
	bad := Default()
	if err := Parse([]byte("policy:\n  learned: /nonexistent/model.yaml\n"), &bad); err == nil || !strings.Contains(err.Error(), "policy.learned") {
		t.Errorf("missing model file: %v", err)
	}
}

// authFamily stands for the authentication family in the tests: config
// does not know the families, the catalogue it is given does.
type authFamily struct{}

func (authFamily) Name() string { return "authn" }
func (authFamily) Signals() []scan.Definition {
	return []scan.Definition{{Name: "AUTH_SPF_FAIL", Family: "authn", Weight: 3, FR: "SPF en échec", EN: "SPF fail"}}
}
func (authFamily) Checks() []scan.Check { return nil }

// Signal names are judged against the catalogue engine assembles, not
// when the file is read: reading accepts any name (config knows no
// family), ValidateSignals refuses those the catalogue does not define.
// The same file is accepted or refused by `vigie` (engine.New calls
// ValidateSignals: TestConfigSignalsAgainstCatalogue in engine).
func TestValidateSignals(t *testing.T) {
	cat := scan.MustCatalogue(authFamily{})
	for in, want := range map[string]string{
		"policy:\n  weights: {AUTH_SPF_FAIL: 4}\n":      "",
		"policy:\n  actions: {AUTH_SPF_FAIL: reject}\n": "",
		"policy:\n  disabled: [SCAN_TIMEOUT]\n":         "",
		"policy:\n  weights: {AUTH_SPF_FAILS: 4}\n":     "unknown signal AUTH_SPF_FAILS",
		"policy:\n  actions: {NOT_A_SIGNAL: tag}\n":     "unknown signal NOT_A_SIGNAL",
		"policy:\n  disabled: [NOT_A_SIGNAL]\n":         "unknown disabled signal NOT_A_SIGNAL",
	} {
		c := Default()
		if err := Parse([]byte(in), &c); err != nil {
			t.Errorf("Parse(%q): %v", in, err)
			continue
		}
		err := c.ValidateSignals(cat)
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("ValidateSignals(%q) = %v, want %q", in, err, want)
		}
	}
}
