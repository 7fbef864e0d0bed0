package journal

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ChainError says where a chain stops being trustworthy.
type ChainError struct {
	IncidentID int64
	Seq        int64 // the first entry that fails (for a missing tail: the head's number)
	Reason     string
	ReasonFR   string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("journal: incident %d: entry %d: %s", e.IncidentID, e.Seq, e.Reason)
}

// FR is the message in French.
func (e *ChainError) FR() string {
	return fmt.Sprintf("main courante de l'incident %d, entrée %d : %s", e.IncidentID, e.Seq, e.ReasonFR)
}

// Anchor is a head published outside the database (a report, an export
// manifest, a message to the CERT): the chain must still contain it. Seq 0
// matches the hash at any position.
type Anchor struct {
	Head
	From string // where it was read, for the message
}

// Check is what Verify compares the chain with besides its own links.
type Check struct {
	Head Head // the head stored with the incident
	// State is the digest of the case as stored now; "" skips the check.
	// It must equal the newest entry's State.
	State string
	// Sealer, when set, must accept every entry's Seal.
	Sealer Sealer
	// Anchors are heads published earlier (and the witness file's heads).
	Anchors []Anchor
}

func chainErr(id, seq int64, en, fr string, a ...any) *ChainError {
	return &ChainError{IncidentID: id, Seq: seq, Reason: fmt.Sprintf(en, a...), ReasonFR: fmt.Sprintf(fr, a...)}
}

// Verify checks that entries (in storage order) form an unbroken chain for
// the incident ending at c.Head, that the case digest, the seals and the
// anchors agree with it. It returns a *ChainError naming the first entry
// that was edited, inserted, reordered or removed.
func Verify(incidentID int64, entries []Entry, c Check) error {
	prevHash := Genesis(incidentID)
	var prevAt time.Time
	for i, e := range entries {
		want := int64(i + 1)
		switch {
		case e.IncidentID != incidentID:
			return chainErr(incidentID, e.Seq, "belongs to incident %d", "appartient à l'incident %d", e.IncidentID)
		case e.Seq != want:
			return chainErr(incidentID, want, "missing or out of order (found entry %d in its place)",
				"manquante ou déplacée (l'entrée %d est à sa place)", e.Seq)
		case e.Prev != prevHash:
			return chainErr(incidentID, e.Seq, "previous-entry hash does not match entry %d: an entry was inserted, removed or altered before it",
				"l'empreinte de l'entrée précédente ne correspond pas à l'entrée %d : une entrée a été insérée, supprimée ou modifiée avant elle", e.Seq-1)
		case e.Sum() != e.Hash:
			return chainErr(incidentID, e.Seq, "content does not match its hash: the entry was altered",
				"le contenu ne correspond plus à son empreinte : l'entrée a été modifiée")
		case e.At.Before(prevAt):
			return chainErr(incidentID, e.Seq, "recorded before entry %d", "enregistrée avant l'entrée %d", e.Seq-1)
		}
		if c.Sealer != nil {
			if err := c.Sealer.Check(incidentID, e.Head(), e.Seal); err != nil {
				return chainErr(incidentID, e.Seq, "seal: %v (the chain was rewritten without the key)",
					"sceau : %v (la chaîne a été réécrite sans la clé)", err)
			}
		}
		prevHash, prevAt = e.Hash, e.At
	}
	n := int64(len(entries))
	switch {
	case c.Head.Seq != n:
		return chainErr(incidentID, max(n+1, 1), "journal head says %d entries, found %d: entries were removed or added outside Vigie",
			"la tête de chaîne annonce %d entrées, il y en a %d : des entrées ont été supprimées ou ajoutées hors de Vigie", c.Head.Seq, n)
	case n > 0 && c.Head.Hash != prevHash:
		return chainErr(incidentID, n, "last entry does not match the journal head", "la dernière entrée ne correspond pas à la tête de chaîne")
	}
	for _, a := range c.Anchors {
		if !contains(entries, a.Head) {
			return chainErr(incidentID, max(a.Seq, n), "head %s (entry %d, from %s) is no longer in the chain: it was truncated or rewritten",
				"la tête %s (entrée %d, relevée dans %s) n'est plus dans la chaîne : elle a été tronquée ou réécrite", short(a.Hash), a.Seq, a.From)
		}
	}
	if c.State != "" && n > 0 {
		last := entries[n-1]
		if last.State != "" && last.State != c.State {
			return chainErr(incidentID, n, "the incident, its checklist, evidence or indicators were changed outside Vigie after this entry",
				"l'incident, sa fiche, ses preuves ou ses indicateurs ont été modifiés hors de Vigie après cette entrée")
		}
	}
	return nil
}

func contains(entries []Entry, h Head) bool {
	for _, e := range entries {
		// A published head may be shortened (16 hex digits at least).
		if len(h.Hash) >= 16 && strings.HasPrefix(e.Hash, h.Hash) && (h.Seq == 0 || e.Seq == h.Seq) {
			return true
		}
	}
	return false
}

func short(h string) string { return h[:min(len(h), 16)] }

// Digest builds the canonical encoding of a record (length-prefixed
// fields) and hashes it: the incident service uses it for the case state.
type Digest struct{ b []byte }

// NewDigest starts a digest with a domain label.
func NewDigest(label string) *Digest {
	d := &Digest{}
	d.Str(label)
	return d
}

// Str adds a string field.
func (d *Digest) Str(s string) *Digest {
	d.b = strconv.AppendInt(d.b, int64(len(s)), 10)
	d.b = append(d.b, ':')
	d.b = append(d.b, s...)
	d.b = append(d.b, '\n')
	return d
}

// Int adds an integer field.
func (d *Digest) Int(i int64) *Digest { return d.Str(strconv.FormatInt(i, 10)) }

// Time adds a time at millisecond precision ("" for zero).
func (d *Digest) Time(t time.Time) *Digest {
	if t.IsZero() {
		return d.Str("")
	}
	return d.Int(t.UnixMilli())
}

// List adds a list of strings.
func (d *Digest) List(l []string) *Digest {
	d.Int(int64(len(l)))
	for _, s := range l {
		d.Str(s)
	}
	return d
}

// Sum returns the hex SHA-256 of what was added.
func (d *Digest) Sum() string {
	s := sha256.Sum256(d.b)
	return hex.EncodeToString(s[:])
}
