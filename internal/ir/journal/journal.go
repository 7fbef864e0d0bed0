// Package journal is the main courante of an incident: an append-only,
// chronological log of what was done, decided, found and said, hash-chained
// so that any later edit, insertion, reordering or deletion of an entry is
// detected by Verify.
//
// Each entry stores the SHA-256 of the previous entry's canonical encoding
// (Prev) and the SHA-256 of its own (Hash); the first entry's Prev is a value
// derived from the incident number, so entries cannot be moved between
// incidents. An entry also carries State, the digest of the whole case (the
// incident header, checklist, evidence rows and indicators) right after the
// change it records, so an edit of those rows behind Vigie's back no longer
// matches the newest entry. The incident keeps the number and hash of its
// last entry (the Head), which catches the removal of the newest entries.
//
// Two entry times are kept apart: At is when Vigie recorded the entry (the
// clock, never earlier than the previous entry) and EventAt is when the
// author says the thing happened. A wrong EventAt is only that entry's
// claim; it never re-dates later entries.
//
// Someone able to rewrite the whole chain, the head and the case rows can
// still forge it. Three things anchor it outside the database: a Sealer (an
// HMAC key or an ed25519 key) that seals every entry's hash, a Witness file
// beside the database that keeps every head Vigie wrote, and heads published
// earlier (a report, an export manifest, a ticket to the CERT) that Verify
// checks are still in the chain.
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

var kindFR = map[Kind]string{Action: "action", Decision: "décision", Finding: "constat", Communication: "communication"}

// FR returns the kind as the French main courante names it.
func (k Kind) FR() string {
	if s, ok := kindFR[k]; ok {
		return s
	}
	return string(k)
}

// Label returns the kind in lang.
func (k Kind) Label(lang string) string {
	if lang == "en" {
		return string(k)
	}
	return k.FR()
}

// ParseKind validates a kind name, French or English; "" means Action.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "action":
		return Action, nil
	case "decision", "décision":
		return Decision, nil
	case "finding", "constat":
		return Finding, nil
	case "communication":
		return Communication, nil
	}
	return "", fmt.Errorf("journal: unknown entry kind %q (want action, decision, constat or communication)", s)
}

// MaxSkew is how far in the future an event time may lie: the clocks of
// the responder's laptop and of the server differ by a little, a year typo
// does not.
const MaxSkew = 2 * time.Minute

// Draft is an entry before it is sealed into the chain.
type Draft struct {
	// EventAt is when the thing happened, as the author says; zero: now.
	// It must not lie in the future (beyond MaxSkew).
	EventAt  time.Time
	Author   string // the person (or Vigie service) responsible
	Kind     Kind
	Text     string
	Accounts []string // accounts concerned
	Machines []string // machines concerned
	// State is the digest of the case after the change (set by the
	// incident service, not by callers).
	State string
}

// Entry is one sealed line of the main courante.
type Entry struct {
	IncidentID int64     `json:"incident_id"`
	Seq        int64     `json:"seq"`               // 1, 2, 3… without gaps
	At         time.Time `json:"at"`                // record time: UTC, millisecond precision
	EventAt    time.Time `json:"event_at,omitzero"` // when it happened, when the author gave it
	Author     string    `json:"author"`
	Kind       Kind      `json:"kind"`
	Text       string    `json:"text"`
	Accounts   []string  `json:"accounts,omitempty"`
	Machines   []string  `json:"machines,omitempty"`
	State      string    `json:"state,omitempty"` // hex SHA-256 of the case after this entry
	Prev       string    `json:"prev"`            // hex SHA-256 of the previous entry
	Hash       string    `json:"hash"`            // hex SHA-256 of this entry's canonical encoding
	Seal       string    `json:"seal,omitempty"`  // keyed MAC or signature of Hash (see Sealer)
}

// Head is the last link of a chain, kept with the incident.
type Head struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// Head returns the head of a chain ending with e.
func (e Entry) Head() Head { return Head{Seq: e.Seq, Hash: e.Hash} }

// When is the time the entry's event happened: EventAt when given, else At.
func (e Entry) When() time.Time {
	if e.EventAt.IsZero() {
		return e.At
	}
	return e.EventAt
}

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

// CheckNotFuture refuses a time after now (beyond MaxSkew); what names the
// field for the message.
func CheckNotFuture(what string, t, now time.Time) error {
	if !t.IsZero() && t.After(now.Add(MaxSkew)) {
		return &FutureError{What: what, At: t, Now: now}
	}
	return nil
}

// FutureError is a time in the future.
type FutureError struct {
	What    string
	At, Now time.Time
}

func (e *FutureError) Error() string {
	return fmt.Sprintf("journal: %s %s is in the future (now %s)", e.What, e.At.UTC().Format(time.RFC3339), e.Now.UTC().Format(time.RFC3339))
}

// FR is the message in French.
func (e *FutureError) FR() string {
	return fmt.Sprintf("%s %s est dans le futur (il est %s) : vérifiez l'année et le fuseau", e.What,
		FormatTime(e.At), FormatTime(e.Now))
}

// Seal turns d into the entry following prev (nil for the first entry),
// recorded at now. The record time never goes back: if the clock stepped
// back, the entry takes its predecessor's time.
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
	if err := CheckNotFuture("event time", d.EventAt, now); err != nil {
		return Entry{}, err
	}
	e := Entry{
		IncidentID: incidentID,
		Seq:        1,
		At:         now.UTC().Truncate(time.Millisecond),
		Author:     d.Author,
		Kind:       k,
		Text:       d.Text,
		Accounts:   clean(d.Accounts),
		Machines:   clean(d.Machines),
		State:      d.State,
		Prev:       Genesis(incidentID),
	}
	if !d.EventAt.IsZero() {
		e.EventAt = d.EventAt.UTC().Truncate(time.Millisecond)
	}
	if prev != nil {
		e.Seq = prev.Seq + 1
		e.Prev = prev.Hash
		if e.At.Before(prev.At) {
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
// Hash and Seal, each as a length-prefixed value so no two entries share
// one encoding. Times are Unix milliseconds, the precision the store keeps.
// Entries written before event times and case digests existed (no EventAt,
// no State) keep their version 1 encoding.
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
	v2 := e.State != "" || !e.EventAt.IsZero()
	if v2 {
		b = append(b, "vigie-journal-v2\n"...)
	} else {
		b = append(b, "vigie-journal-v1\n"...)
	}
	field(strconv.FormatInt(e.IncidentID, 10))
	field(strconv.FormatInt(e.Seq, 10))
	field(strconv.FormatInt(e.At.UnixMilli(), 10))
	if v2 {
		ev := ""
		if !e.EventAt.IsZero() {
			ev = strconv.FormatInt(e.EventAt.UnixMilli(), 10)
		}
		field(ev)
	}
	field(e.Author)
	field(string(e.Kind))
	field(e.Text)
	list(e.Accounts)
	list(e.Machines)
	if v2 {
		field(e.State)
	}
	field(e.Prev)
	return b
}

// Sum returns the hex SHA-256 of the entry's canonical encoding.
func (e Entry) Sum() string {
	sum := sha256.Sum256(e.Canonical())
	return hex.EncodeToString(sum[:])
}
