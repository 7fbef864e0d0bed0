package warninglist

import (
	"bytes"
	"io/fs"
	"os"
	"testing"
)

// Every embedded list but Vigie's own is MISP's, copied unchanged
// (data/SOURCE.md): the same bytes as the copy of misp-warninglists in
// ../shared/data/warninglists, so that refreshing is copying the newer
// files, and no entry of a MISP list is one of ours.
func TestEmbeddedListsAreMISPCopies(t *testing.T) {
	const shared = "../../../shared/data/warninglists/"
	if _, err := os.Stat(shared + "SOURCE.md"); err != nil {
		t.Skip("../shared is not beside the repository (see README: tests run from a worktree beside ../shared)")
	}
	dirs, err := fs.ReadDir(embedded, "data")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !d.IsDir() || d.Name() == ESPAssets {
			continue
		}
		ours, err := embedded.ReadFile("data/" + d.Name() + "/list.json")
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := os.ReadFile(shared + d.Name() + "/list.json")
		if err != nil {
			t.Errorf("%s: not in MISP's lists (%v); a list of Vigie's own needs its provenance, as %s has", d.Name(), err, ESPAssets)
			continue
		}
		if !bytes.Equal(ours, theirs) {
			t.Errorf("%s: differs from MISP's copy; copy it unchanged", d.Name())
		}
	}
}
