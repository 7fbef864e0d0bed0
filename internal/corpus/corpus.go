// Package corpus loads labelled directories of messages for evaluation and
// learning, and fixes the one training/validation split every detection
// change is judged by.
//
// The split is a pure function of the file names, so it is the same on
// every machine and does not move when the code does: within each source
// (all phishing is one source; a legitimate file's source is its name up to
// the first '-': nvdimm, usrp, saeasy, sahard), files are ordered by
// SHA-256("vigie-split-v1/" + base name) and the first 70 % (rounded) go
// to training, the rest to validation. Each source thus keeps its
// proportion in both parts. Weights and thresholds are learned on the
// training part only; the validation part is only ever reported.
package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"vigie.dev/vigie/internal/olemsg"
)

// Label says what a message is.
type Label string

const (
	Phish Label = "phish"
	Ham   Label = "ham"
)

// Part is the half of the split a message belongs to.
type Part string

const (
	Train Part = "train"
	Valid Part = "valid"
)

// TrainShare is the share of each source that goes to training.
const TrainShare = 0.7

const salt = "vigie-split-v1/"

// Item is one message file of a corpus.
type Item struct {
	Path   string
	Label  Label
	Source string // "phish", or the legitimate file's name prefix
	Part   Part
}

// Source returns the source a file belongs to: one source for all
// phishing, the name prefix before the first '-' for legitimate mail.
func Source(label Label, path string) string {
	if label == Phish {
		return "phish"
	}
	name := filepath.Base(path)
	if i := strings.IndexByte(name, '-'); i > 0 {
		return name[:i]
	}
	return "other"
}

func rank(path string) string {
	h := sha256.Sum256([]byte(salt + filepath.Base(path)))
	return hex.EncodeToString(h[:])
}

// Split assigns every item its part, stratified by label and source.
func Split(items []Item) {
	groups := map[string][]int{}
	for i, it := range items {
		k := string(it.Label) + "/" + it.Source
		groups[k] = append(groups[k], i)
	}
	for _, idx := range groups {
		sort.Slice(idx, func(a, b int) bool {
			ra, rb := rank(items[idx[a]].Path), rank(items[idx[b]].Path)
			if ra != rb {
				return ra < rb
			}
			return items[idx[a]].Path < items[idx[b]].Path
		})
		n := int(math.Round(TrainShare * float64(len(idx))))
		for j, i := range idx {
			items[i].Part = Valid
			if j < n {
				items[i].Part = Train
			}
		}
	}
}

// List reads the .eml (and .msg) files of each directory, labels them and
// splits them. A plain file may stand for a directory of one.
func List(phish, ham []string) ([]Item, error) {
	var items []Item
	for _, c := range []struct {
		dirs  []string
		label Label
	}{{phish, Phish}, {ham, Ham}} {
		for _, d := range c.dirs {
			files, err := files(d)
			if err != nil {
				return nil, err
			}
			for _, f := range files {
				items = append(items, Item{Path: f, Label: c.label, Source: Source(c.label, f)})
			}
		}
	}
	Split(items)
	return items, nil
}

func files(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	ents, err := os.ReadDir(path)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	var out []string
	for _, e := range ents {
		if !e.IsDir() && (strings.HasSuffix(e.Name(), ".eml") || strings.HasSuffix(e.Name(), ".msg")) {
			out = append(out, filepath.Join(path, e.Name()))
		}
	}
	return out, nil
}

// Read reads a message file, at most max bytes plus one so that a parser
// can tell it was cut. An Outlook .msg (a compound file: a reported
// message saved from Outlook) is read as the RFC 5322 message it holds
// (internal/olemsg); one over max is an error.
func Read(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("corpus: read %s: %w", path, err)
	}
	if olemsg.IsCompound(b) {
		if b, err = olemsg.Convert(b, olemsg.Limits{MaxBytes: max}); err != nil {
			return nil, fmt.Errorf("corpus: read %s: %w", path, err)
		}
	}
	return b, nil
}

// Only returns the items of one part ("" keeps them all).
func Only(items []Item, p Part) []Item {
	if p == "" {
		return items
	}
	var out []Item
	for _, it := range items {
		if it.Part == p {
			out = append(out, it)
		}
	}
	return out
}

// BodyHash identifies a message by its body (what follows the first blank
// line), so that the same message received twice, or sent to a thousand
// recipients with other headers, counts once when learning.
func BodyHash(raw []byte) string {
	body := raw
	for _, sep := range []string{"\r\n\r\n", "\n\n"} {
		if i := strings.Index(string(raw[:min(len(raw), 1<<20)]), sep); i >= 0 {
			body = raw[i+len(sep):]
			break
		}
	}
	h := sha256.Sum256(body)
	return hex.EncodeToString(h[:16])
}
