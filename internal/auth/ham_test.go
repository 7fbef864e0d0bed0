package auth

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// hamCorpus is the shared mailing-list corpus (see ../shared/README.md),
// read in place by relative path; it is not vendored.
const hamCorpus = "../../../shared/corpus/ham"

// TestARCHamCorpus reads the ARC sets of 900 real list messages: none may
// be judged malformed (a seal saying cv=fail is a real verdict, not a
// parse error), and the list server's sealed results must be usable for
// every message it sealed.
func TestARCHamCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(hamCorpus, "*.eml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("ham corpus not found at %s (it ships beside the repository): %v", hamCorpus, err)
	}
	counts := map[Result]int{}
	sealedByList, usable := 0, 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fields, _ := splitMessage(raw)
		ch := parseARCChain(rawHFields(fields))
		counts[ch.result]++
		if ch.result == Fail && !ch.complete {
			t.Errorf("%s: ARC sets judged malformed: %s", filepath.Base(f), ch.reason)
		}
		if slices.Contains(ch.sealers(), "subspace.kernel.org") {
			sealedByList++
			if r, ok := ARCResults(headerOf(raw), []string{"subspace.kernel.org"}); ok && r.Known() {
				usable++
			}
		}
	}
	t.Logf("ham ARC chains: %d messages, %d none, %d structurally sound, %d fail (a seal says cv=fail); %d sealed by subspace.kernel.org, %d with usable results",
		len(files), counts[None], counts[Pass], counts[Fail], sealedByList, usable)
	if sealedByList == 0 || usable != sealedByList {
		t.Errorf("list results usable for %d of %d sealed messages", usable, sealedByList)
	}
}
