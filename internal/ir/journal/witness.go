package journal

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync"
)

// Witness is an append-only file beside the database in which every head
// Vigie writes is also recorded ("incident seq hash" per line). Rewinding
// an incident's head in the database to hide its newest entries leaves the
// witness naming a head the chain no longer has. It is a second copy on
// the same host, not a proof against its administrator: publish heads (or
// seal them) for that.
type Witness struct {
	path string
	mu   sync.Mutex
}

// OpenWitness returns the witness kept at path (created on first write).
func OpenWitness(path string) *Witness { return &Witness{path: path} }

// Record appends a head and syncs it to disk.
func (w *Witness) Record(incidentID int64, h Head) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	f, err := os.OpenFile(w.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("journal: witness: %w", err)
	}
	_, err = fmt.Fprintf(f, "%d %d %s\n", incidentID, h.Seq, h.Hash)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("journal: witness: %w", err)
	}
	return nil
}

// Heads returns the heads recorded for an incident, oldest first.
func (w *Witness) Heads(incidentID int64) ([]Anchor, error) {
	f, err := os.Open(w.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("journal: witness: %w", err)
	}
	defer f.Close()
	prefix := strconv.FormatInt(incidentID, 10) + " "
	var out []Anchor
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		parts := strings.Fields(line)
		if len(parts) != 3 {
			continue
		}
		seq, err := strconv.ParseInt(parts[1], 10, 64)
		if err != nil {
			continue
		}
		out = append(out, Anchor{Head: Head{Seq: seq, Hash: parts[2]}, From: w.path})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("journal: witness: %w", err)
	}
	return out, nil
}

// Latest keeps, of a list of anchors, only the newest (highest entry
// number): if it is in the chain, so are the older ones it chains to.
func Latest(as []Anchor) []Anchor {
	if len(as) == 0 {
		return nil
	}
	best := as[0]
	for _, a := range as[1:] {
		if a.Seq >= best.Seq {
			best = a
		}
	}
	return []Anchor{best}
}
