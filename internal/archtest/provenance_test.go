package archtest

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// embedded lists every file production code embeds (//go:embed), by
// package directory and directive, and says of each either which tests
// check that every entry has a public source (docs/eval.md, "Detection
// data has provenance") or why it is not detection data. A new embedded
// file has to be given a row: detection data comes with its provenance
// test, as the rest does.
var embedded = []struct {
	dir, embed string
	tests      []string // in dir's _test.go files: each entry's source checked
	not        string   // why the file holds no detection data
}{
	{dir: "internal/checks/sender", embed: "freemail.txt", tests: []string{"TestFreemailEntriesHaveSources"}},
	{dir: "internal/checks/sender", embed: "service_names.txt", tests: []string{"TestServiceNamesHaveSources"}},
	{dir: "internal/checks/lure", embed: "lures.yaml", tests: []string{"TestLurePhrasesHaveEvidence", "TestCatalogueSources"}},
	{dir: "internal/checks/lure", embed: "notice_services.yaml", tests: []string{"TestParseNoticeServices"}},
	{dir: "internal/checks/brand", embed: "brands.yaml", tests: []string{"TestBrandEntriesAreExercised"}},
	{dir: "internal/checks/invoice", embed: "phrases.yaml", tests: []string{"TestPhrasesHaveSourcesAndFixtures"}},
	{dir: "internal/checks/invoice", embed: "payroll.yaml", tests: []string{"TestPayrollPhrasesHaveSourcesAndFixtures"}},
	{dir: "internal/checks/invoice", embed: "factoring.yaml", tests: []string{"TestFactoringPhrasesHaveSourcesAndFixtures"}},
	{dir: "internal/checks/anomaly", embed: "fiche.yaml", tests: []string{"TestFicheIsAccountedFor"}},
	{dir: "internal/checks/attach", embed: "extensions.yaml", tests: []string{"TestExtensionsHaveSources"}},
	{dir: "internal/checks/links", embed: "hosting.yaml", tests: []string{"TestHostingEntriesHaveEvidence"}},
	{dir: "internal/warninglist", embed: "data", tests: []string{"TestEmbeddedListsAreMISPCopies", "TestESPAssetsProvenance"}},
	{dir: "internal/urlx", embed: "google_domains.txt", tests: []string{"TestGoogleDomainsAreTheWarningList"}},

	{dir: "internal/scan", embed: "signals.yaml", not: signalDeclarations},
	{dir: "internal/checks/anomaly", embed: "signals.yaml", not: signalDeclarations},
	{dir: "internal/checks/attach", embed: "signals.yaml", not: signalDeclarations},
	{dir: "internal/checks/authn", embed: "signals.yaml", not: signalDeclarations},
	{dir: "internal/checks/bayescheck", embed: "signals.yaml", not: signalDeclarations},
	{dir: "internal/checks/brand", embed: "signals.yaml", not: signalDeclarations},
	{dir: "internal/checks/forward", embed: "signals.yaml", not: signalDeclarations},
	{dir: "internal/checks/invoice", embed: "signals.yaml", not: signalDeclarations},
	{dir: "internal/checks/ioccheck", embed: "signals.yaml", not: signalDeclarations},
	{dir: "internal/checks/layout", embed: "signals.yaml", not: signalDeclarations},
	{dir: "internal/checks/links", embed: "signals.yaml", not: signalDeclarations},
	{dir: "internal/checks/lure", embed: "signals.yaml", not: signalDeclarations},
	{dir: "internal/checks/lure", embed: "notice_signals.yaml", not: signalDeclarations},
	{dir: "internal/checks/sender", embed: "signals.yaml", not: signalDeclarations},
	{dir: "internal/weights", embed: "learned.yaml", not: "weights fitted by `vigie learn weights` on the training part (docs/weights.md), not entries"},
	{dir: "internal/account", embed: "data/common-passwords.txt", not: "passwords refused for console accounts (source and licence beside it), not mail detection"},
	{dir: "internal/selftest", embed: "battery/*.yaml", not: "test messages of the self-test, not entries a verdict reads"},
	{dir: "internal/posture", embed: "findings.yaml", not: "findings of the configuration audit, not mail detection"},
	{dir: "internal/ir/playbook", embed: "*.yaml", not: "incident-response playbooks, not mail detection"},
	{dir: "internal/web", embed: "templates static", not: "the console's templates and assets"},
	{dir: "internal/store", embed: "migrations", not: "database migrations"},
}

const signalDeclarations = "signal declarations (name, French and English explanation, expert weight); each signal's source is cited where it is raised"

var embedLine = regexp.MustCompile(`^//go:embed\s+(.+)$`)

func TestEmbeddedDataHasProvenance(t *testing.T) {
	type key struct{ dir, embed string }
	found := map[key]bool{}
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if m := embedLine.FindStringSubmatch(strings.TrimSpace(sc.Text())); m != nil {
				dir := filepath.ToSlash(filepath.Join("internal", strings.TrimPrefix(filepath.Dir(path), "..")))
				found[key{dir, strings.TrimSpace(m[1])}] = true
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	listed := map[key]bool{}
	for _, e := range embedded {
		k := key{e.dir, e.embed}
		listed[k] = true
		if !found[k] {
			t.Errorf("%s: //go:embed %s is listed but embedded nowhere", e.dir, e.embed)
		}
		if (len(e.tests) == 0) == (e.not == "") {
			t.Errorf("%s %s: give either its provenance tests or why it is not detection data", e.dir, e.embed)
		}
		for _, name := range e.tests {
			if !testDefined(t, "../../"+e.dir, name) {
				t.Errorf("%s %s: no test %s in %s", e.dir, e.embed, name, e.dir)
			}
		}
	}
	for k := range found {
		if !listed[k] {
			t.Errorf("%s: //go:embed %s is not in the table: name the test that checks its entries' sources, or say why it is not detection data", k.dir, k.embed)
		}
	}
}

// testDefined reports a func name( in a _test.go file of dir.
func testDefined(t *testing.T, dir, name string) bool {
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "\nfunc "+name+"(") {
			return true
		}
	}
	return false
}
