// Package journal is the main courante of an incident: an append-only,
// chronological log of what was done, decided, found and said, hash-chained
// so that any later edit, insertion, reordering or deletion of an entry is
// detected by Verify.
//
// Each entry stores the SHA-256 of the previous entry's canonical encoding
// (Prev) and the SHA-256 of its own (Hash); the first entry's Prev is a value
// derived from the incident number, so entries cannot be moved between
// incidents. The incident keeps the number and hash of its last entry (the
// Head), which catches the removal of the newest entries. Someone able to
// rewrite the whole chain and the head in the database can still forge it:
// publish the head (report, export manifest, ticket) to anchor it outside.
package journal

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Paris must resolve on hosts without a zoneinfo database
)

// Kind classifies an entry.
type Kind string

const (
	Action        Kind = "action"        // something done on the information system
	Decision      Kind = "decision"      // a choice made by the people in charge
	Finding       Kind = "finding"       // something observed or discovered
	Communication Kind = "communication" // something said to or heard from someone
)

// Kinds lists the valid kinds.
var Kinds = []Kind{Action, Decision, Finding, Communication}

// ParseKind validates a kind name; "" means Action.
func ParseKind(s string) (Kind, error) {
	if s == "" {
		return Action, nil
	}
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("journal: unknown entry kind %q (want action, decision, finding or communication)", s)
}

// Draft is an entry before it is sealed into the chain.
type Draft struct {
	At       time.Time // zero: the time of sealing
	Author   string    // the person (or Vigie service) responsible
	Kind     Kind
	Text     string
	Accounts []string // accounts concerned
	Machines []string // machines concerned
}

// Entry is one sealed line of the main courante.
type Entry struct {
	IncidentID int64     `json:"incident_id"`
	Seq        int64     `json:"seq"` // 1, 2, 3… without gaps
	At         time.Time `json:"at"`  // UTC, millisecond precision
	Author     string    `json:"author"`
	Kind       Kind      `json:"kind"`
	Text       string    `json:"text"`
	Accounts   []string  `json:"accounts,omitempty"`
	Machines   []string  `json:"machines,omitempty"`
	Prev       string    `json:"prev"` // hex SHA-256 of the previous entry
	Hash       string    `json:"hash"` // hex SHA-256 of this entry's canonical encoding
}

// Head is the last link of a chain, kept with the incident.
type Head struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// Head returns the head of a chain ending with e.
func (e Entry) Head() Head { return Head{Seq: e.Seq, Hash: e.Hash} }

// Genesis is the Prev of an incident's first entry.
func Genesis(incidentID int64) string {
	sum := sha256.Sum256([]byte("vigie main courante v1\x00incident " + strconv.FormatInt(incidentID, 10)))
	return hex.EncodeToString(sum[:])
}

// Paris is the zone the journal is also shown in, next to UTC: the fiche
// asks for one reference zone per incident, and French responders read
// local time.
var paris = mustZone("Europe/Paris")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Paris returns t in Europe/Paris time.
func Paris(t time.Time) time.Time { return t.In(paris) }

// FormatTime shows t in UTC and in Paris time, the way the CLI and reports
// print journal times.
func FormatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04:05Z") + " (" + Paris(t).Format("15:04 MST") + ")"
}

// Seal turns d into the entry following prev (nil for the first entry).
func Seal(incidentID int64, prev *Entry, d Draft, now time.Time) (Entry, error) {
	if strings.TrimSpace(d.Text) == "" {
		return Entry{}, fmt.Errorf("journal: empty entry text")
	}
	if strings.TrimSpace(d.Author) == "" {
		return Entry{}, fmt.Errorf("journal: entry without author")
	}
	k, err := ParseKind(string(d.Kind))
	if err != nil {
		return Entry{}, err
	}
	at := d.At
	if at.IsZero() {
		at = now
	}
	e := Entry{
		IncidentID: incidentID,
		Seq:        1,
		At:         at.UTC().Truncate(time.Millisecond),
		Author:     d.Author,
		Kind:       k,
		Text:       d.Text,
		Accounts:   clean(d.Accounts),
		Machines:   clean(d.Machines),
		Prev:       Genesis(incidentID),
	}
	if prev != nil {
		e.Seq = prev.Seq + 1
		e.Prev = prev.Hash
		// The main courante is chronological: an entry dated before its
		// predecessor (a back-dated line, a clock step) is recorded at the
		// predecessor's time and says so, rather than breaking the order.
		if e.At.Before(prev.At) {
			e.Text += fmt.Sprintf(" [horodatage demandé %s, antérieur à l'entrée %d]", e.At.Format(time.RFC3339), prev.Seq)
			e.At = prev.At
		}
	}
	e.Hash = e.Sum()
	return e, nil
}

func clean(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Canonical is the byte string an entry's hash covers: every field but
// Hash, each as a length-prefixed value so no two entries share one
// encoding. Times are Unix milliseconds, the precision the store keeps.
func (e Entry) Canonical() []byte {
	var b []byte
	field := func(s string) {
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
		b = append(b, '\n')
	}
	list := func(l []string) {
		field(strconv.Itoa(len(l)))
		for _, s := range l {
			field(s)
		}
	}
	b = append(b, "vigie-journal-v1\n"...)
	field(strconv.FormatInt(e.IncidentID, 10))
	field(strconv.FormatInt(e.Seq, 10))
	field(strconv.FormatInt(e.At.UnixMilli(), 10))
	field(e.Author)
	field(string(e.Kind))
	field(e.Text)
	list(e.Accounts)
	list(e.Machines)
	field(e.Prev)
	return b
}

// Sum returns the hex SHA-256 of the entry's canonical encoding.
func (e Entry) Sum() string {
	sum := sha256.Sum256(e.Canonical())
	return hex.EncodeToString(sum[:])
}

// ChainError says where a chain stops being trustworthy.
type ChainError struct {
	IncidentID int64
	Seq        int64 // the first entry that fails (for a missing tail: the head's number)
	Reason     string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("journal: incident %d: entry %d: %s", e.IncidentID, e.Seq, e.Reason)
}

// Verify checks that entries (in storage order) form an unbroken chain for
// the incident ending at head. It returns a *ChainError naming the first
// entry that was edited, inserted, reordered or removed.
func Verify(incidentID int64, entries []Entry, head Head) error {
	prevHash := Genesis(incidentID)
	var prevAt time.Time
	for i, e := range entries {
		want := int64(i + 1)
		fail := func(reason string, a ...any) error {
			return &ChainError{IncidentID: incidentID, Seq: e.Seq, Reason: fmt.Sprintf(reason, a...)}
		}
		switch {
		case e.IncidentID != incidentID:
			return fail("belongs to incident %d", e.IncidentID)
		case e.Seq != want:
			return &ChainError{IncidentID: incidentID, Seq: want,
				Reason: fmt.Sprintf("missing or out of order (found entry %d in its place)", e.Seq)}
		case e.Prev != prevHash:
			return fail("previous-entry hash does not match entry %d: an entry was inserted, removed or altered before it", e.Seq-1)
		case e.Sum() != e.Hash:
			return fail("content does not match its hash: the entry was altered")
		case e.At.Before(prevAt):
			return fail("dated before entry %d", e.Seq-1)
		}
		prevHash, prevAt = e.Hash, e.At
	}
	n := int64(len(entries))
	switch {
	case head.Seq != n:
		return &ChainError{IncidentID: incidentID, Seq: max(n+1, 1),
			Reason: fmt.Sprintf("journal head says %d entries, found %d: entries were removed or added outside Vigie", head.Seq, n)}
	case n > 0 && head.Hash != prevHash:
		return &ChainError{IncidentID: incidentID, Seq: n, Reason: "last entry does not match the journal head"}
	}
	return nil
}
