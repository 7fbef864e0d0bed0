package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"vigie.dev/vigie/internal/olemsg"
)

func TestSplitIsStratifiedAndStable(t *testing.T) {
	var items []Item
	for i := range 103 {
		items = append(items, Item{Path: fmt.Sprintf("/x/sahard-%05d.eml", i), Label: Ham, Source: "sahard"})
	}
	for i := range 10 {
		items = append(items, Item{Path: fmt.Sprintf("/y/nvdimm-%05d.eml", i), Label: Ham, Source: "nvdimm"})
	}
	Split(items)
	count := map[string]int{}
	for _, it := range items {
		if it.Part == Train {
			count[it.Source]++
		}
	}
	if count["sahard"] != int(math.Round(0.7*103)) || count["nvdimm"] != 7 {
		t.Errorf("training per source = %v", count)
	}
	// The part depends on the base name only: the same file elsewhere, or
	// listed in another order, lands in the same part.
	moved := make([]Item, len(items))
	for i, it := range items {
		moved[len(items)-1-i] = Item{Path: filepath.Join("/elsewhere", filepath.Base(it.Path)), Label: it.Label, Source: it.Source}
	}
	Split(moved)
	for i, it := range moved {
		if want := items[len(items)-1-i].Part; it.Part != want {
			t.Fatalf("%s: part %s after moving, was %s", it.Path, it.Part, want)
		}
	}
}

func TestSource(t *testing.T) {
	for _, c := range []struct {
		label      Label
		path, want string
	}{
		{Phish, "pp-sample-1.eml", "phish"},
		{Ham, "/c/ham/usrp-32275cb9858c.eml", "usrp"},
		{Ham, "saeasy-00122.b4b9.eml", "saeasy"},
		{Ham, "noprefix.eml", "other"},
	} {
		if got := Source(c.label, c.path); got != c.want {
			t.Errorf("Source(%s, %s) = %s, want %s", c.label, c.path, got, c.want)
		}
	}
}

func TestBodyHashIgnoresHeaders(t *testing.T) {
	a := BodyHash([]byte("To: a@example.org\r\nSubject: x\r\n\r\nsame body\r\n"))
	b := BodyHash([]byte("To: b@example.org\nSubject: y\n\nsame body\r\n"))
	c := BodyHash([]byte("To: a@example.org\r\n\r\nother body\r\n"))
	if a != b || a == c {
		t.Errorf("hashes %s %s %s", a, b, c)
	}
}

// The shared corpus, when present beside the repository, splits 70/30 in
// every source.
func TestSharedCorpusSplit(t *testing.T) {
	root := "../../../shared/corpus"
	if _, err := os.Stat(root); err != nil {
		t.Skip("../shared/corpus is not beside the repository")
	}
	items, err := List([]string{root + "/phish"}, []string{root + "/ham", root + "/ham-business"})
	if err != nil {
		t.Fatal(err)
	}
	total, train := map[string]int{}, map[string]int{}
	for _, it := range items {
		total[it.Source]++
		if it.Part == Train {
			train[it.Source]++
		}
	}
	for s, n := range total {
		if train[s] != int(math.Round(0.7*float64(n))) {
			t.Errorf("%s: %d of %d in training", s, train[s], n)
		}
	}
}

// Every erratum names a file of the shared corpus, by its body hash, in
// the source it says.
func TestErrataNameCorpusFiles(t *testing.T) {
	dirs := []string{"../../../shared/corpus/ham", "../../../shared/corpus/ham-business"}
	if _, err := os.Stat(dirs[0]); err != nil {
		t.Skip("../shared is not beside the repository")
	}
	items, err := List(nil, dirs)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, it := range items {
		raw, err := Read(it.Path, 50<<20)
		if err != nil {
			t.Fatal(err)
		}
		found[BodyHash(raw)] = it.Source
	}
	for _, e := range Errata {
		if src, ok := found[e.BodyHash]; !ok || src != e.Source {
			t.Errorf("erratum %s (%s): not a %s file of the corpus", e.BodyHash, e.Reason, e.Source)
		}
	}
}

// A directory of reported messages may hold Outlook .msg files: they are
// read as the messages they hold; an .eml is read as it is.
func TestReadOutlookMessage(t *testing.T) {
	msg := "../olemsg/testdata/02-supplier-invoice-notice.msg"
	raw, err := Read(msg, 1<<20)
	if err != nil || !bytes.HasPrefix(raw, []byte("Received: from mail.transports-bernard-exemple.fr")) {
		t.Fatalf("Read(%s) = %.80q, %v", msg, raw, err)
	}
	if _, err := Read(msg, 1024); !errors.Is(err, olemsg.ErrTooLarge) {
		t.Errorf("a .msg over the limit: %v", err)
	}
	eml := filepath.Join(t.TempDir(), "a.eml")
	os.WriteFile(eml, []byte("From: a@b\r\n\r\nx"), 0o644)
	if raw, err := Read(eml, 1<<20); err != nil || string(raw) != "From: a@b\r\n\r\nx" {
		t.Errorf("Read(.eml) = %q, %v", raw, err)
	}
}
