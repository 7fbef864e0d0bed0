package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/weights"
)

// nearMissSets are the sets besides mustAcceptDirs whose genuine
// fixtures a test asserts accepted: the near-miss report reads them too.
var nearMissSets = []string{"brands", "others", "lists2002", "newsletters2002", "newsletters2002b", "devlists", "efacture", "bodymail", "institutions", "etablissements", "shopwords", "shortnames"}

// TestNearMissReport writes, for every genuine fixture of the sets a test
// asserts accepted, its score under the embedded model and under each
// fit made without one legitimate source, behind the set's own MX and
// under configs/eval-corpus.yaml's trust: the measurement of
// testdata/gaps/README.md's "Near misses under refits". It is a report,
// not an assertion, and runs only when asked:
//
//	vigie learn weights --config configs/eval-corpus.yaml --phish ../shared/corpus/phish \
//	  --ham ../shared/corpus/ham --ham ../shared/corpus/ham-business \
//	  --unseen-sources --unseen-at 4.5/5.5 --unseen-models /tmp/models
//	VIGIE_UNSEEN_MODELS=/tmp/models VIGIE_NEARMISS_OUT=/tmp/near.tsv \
//	  go test ./internal/engine/ -run TestNearMissReport
//
// Each line: model, setting (mx, eval), score, action, fixture, signals.
// Left out: the sets' own phishing copies (phish-, abuse-, sosie-), the
// bank notice accepted only behind the MX by design, the establishments
// under the evaluation's trust, and the Sympa list's p=quarantine and
// p=reject members behind an MX that does not trust the list's seal
// (lists_test.go reads them under that trust).
func TestNearMissReport(t *testing.T) {
	dir, out := os.Getenv("VIGIE_UNSEEN_MODELS"), os.Getenv("VIGIE_NEARMISS_OUT")
	if dir == "" || out == "" {
		t.Skip("a report: set VIGIE_UNSEEN_MODELS and VIGIE_NEARMISS_OUT (see the comment)")
	}
	var files []string
	for _, d := range append(append([]string{}, mustAcceptDirs...), nearMissSets...) {
		fs, _ := filepath.Glob("testdata/" + d + "/*.eml")
		for _, f := range fs {
			b := filepath.Base(f)
			if strings.HasPrefix(b, "phish-") || strings.HasPrefix(b, "abuse-") || strings.HasPrefix(b, "sosie-") || b == "banque-releve-compte-disponible.eml" {
				continue
			}
			files = append(files, f)
		}
	}
	var b strings.Builder
	for _, name := range []string{"embedded", "nvdimm", "saeasy", "sahard", "usrp"} {
		model, err := weights.Embedded()
		if name != "embedded" {
			model, err = weights.Load(filepath.Join(dir, name+".yaml"))
		}
		if err != nil {
			t.Fatal(err)
		}
		with := func(c *config.Config) *scan.Scanner { c.Policy.UseModel(model); return newScanner(t, c) }
		chuOwn := chuConfig(t, "microsoft.com", "google.com")
		chuOwn.Org.Domains = []string{"chu-exemple.fr", "chu-exemple.com", "fondation-chu-exemple.fr"}
		chu, chuDomains, atelier, town, eval := with(chuConfig(t, "microsoft.com", "google.com")), with(chuOwn), with(atelierConfig(t)), with(townConfig(t)), with(evalTrustConfig(t))
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			rel := strings.TrimPrefix(f, "testdata/")
			mx := atelier
			switch {
			case strings.HasPrefix(rel, "replyown/"):
				mx = chuDomains
			case strings.Contains(string(raw), "by mx.chu-exemple.fr"):
				mx = chu
			case strings.Contains(string(raw), "by mx.exemple.fr"):
				mx = town
			}
			if strings.HasPrefix(rel, "lists/sympa-esante-tag-footer-pquarantine") || strings.HasPrefix(rel, "lists/sympa-esante-tag-footer-preject") {
				mx = nil
			}
			for _, c := range []struct {
				setting string
				s       *scan.Scanner
			}{{"mx", mx}, {"eval", eval}} {
				if c.s == nil || c.setting == "eval" && strings.HasPrefix(rel, "etablissements/") {
					continue
				}
				v := c.s.Scan(t.Context(), raw, scan.Envelope{})
				fmt.Fprintf(&b, "%s\t%s\t%.2f\t%s\t%s\t%s\n", name, c.setting, v.Score, v.Action, rel, weighted(v))
			}
		}
	}
	if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
