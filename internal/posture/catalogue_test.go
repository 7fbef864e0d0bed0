package posture

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// Every finding the code can make is in findings.yaml (with its rule and
// texts), and every catalogue entry is made somewhere: no dead entry.
func TestCatalogueMatchesCode(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	used := map[string]bool{"CHECK_FAILED": true}
	re := regexp.MustCompile(`a\.find\("([A-Z_0-9]+)"`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllSubmatch(b, -1) {
			used[string(m[1])] = true
		}
	}
	for id := range used {
		if _, ok := Lookup(id); !ok {
			t.Errorf("code makes %s, which findings.yaml does not define", id)
		}
	}
	for _, d := range Definitions() {
		if !used[d.ID] {
			t.Errorf("findings.yaml defines %s, which no check makes", d.ID)
		}
	}
}
