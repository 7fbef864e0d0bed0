// Package incident is Vigie's incident-response case file: an incident of a
// given type (a phishing campaign, a compromised mailbox) with its severity
// in the CERT fiches' terms, the people and machines it touches, the
// playbook checklist it is worked through, its evidence, the indicators
// taken from reported messages and pushed to the blocklist, the retro-hunt
// that finds every other recipient, and the hash-chained main courante in
// which every one of those actions is written.
//
// Service is the one way to change an incident; the CLI, the HTTP API and
// the web console are thin layers over it. Storage, the indicator store, the
// message trace and the scanner are behind interfaces (Repository,
// IndicatorSink, TraceSearcher, Scanner) so the package is tested with the
// real SQLite store or with in-memory fakes.
package incident

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"vigie.dev/vigie/internal/ir/evidence"
	"vigie.dev/vigie/internal/ir/journal"
	"vigie.dev/vigie/internal/ir/playbook"
)

// Type is the kind of incident; each has a playbook.
type Type string

const (
	PhishingCampaign  Type = "phishing-campaign"
	MailboxCompromise Type = "mailbox-compromise"
)

// ParseType validates an incident type.
func ParseType(s string) (Type, error) {
	switch Type(s) {
	case PhishingCampaign, MailboxCompromise:
		return Type(s), nil
	}
	return "", fmt.Errorf("incident: unknown type %q (want phishing-campaign or mailbox-compromise)", s)
}

// Status is an incident's life-cycle state.
type Status string

const (
	Open   Status = "open"
	Closed Status = "closed"
)

// Incident is the case header.
type Incident struct {
	ID      int64  `json:"id"`
	Type    Type   `json:"type"`
	Title   string `json:"title"`
	Summary string `json:"summary,omitempty"`
	Status  Status `json:"status"`

	Perimeter Level    `json:"perimeter"`
	Impact    Level    `json:"impact"`
	Urgency   Level    `json:"urgency"`
	Severity  Severity `json:"severity"`

	Assignee string   `json:"assignee,omitempty"`
	Accounts []string `json:"accounts,omitempty"` // affected accounts
	Machines []string `json:"machines,omitempty"` // affected machines

	// PersonalData is set when personal data may have been breached: the
	// CNIL declaration then applies, 72 hours from AwareAt.
	PersonalData bool      `json:"personal_data"`
	AwareAt      time.Time `json:"aware_at"` // when the organisation became aware

	Playbook string    `json:"playbook"`
	OpenedAt time.Time `json:"opened_at"`
	OpenedBy string    `json:"opened_by"`
	ClosedAt time.Time `json:"closed_at,omitzero"`
	ClosedBy string    `json:"closed_by,omitempty"`

	Journal journal.Head `json:"journal_head"`
}

// ItemStatus is the state of one checklist action.
type ItemStatus string

const (
	Todo       ItemStatus = "todo"
	InProgress ItemStatus = "in-progress"
	Done       ItemStatus = "done"
	NotApplied ItemStatus = "n/a"
)

var itemStatusFR = map[ItemStatus]string{Todo: "à faire", InProgress: "en cours", Done: "fait", NotApplied: "sans objet"}

// FR returns the status as the French checklist shows it.
func (s ItemStatus) FR() string { return itemStatusFR[s] }

// Finished reports whether nothing is left to do on the item.
func (s ItemStatus) Finished() bool { return s == Done || s == NotApplied }

// ParseItemStatus accepts the French labels (with or without accents,
// spaces or dashes) and the English codes.
func ParseItemStatus(s string) (ItemStatus, error) {
	k := strings.NewReplacer("à", "a", "é", "e", " ", "-", "_", "-").Replace(strings.ToLower(strings.TrimSpace(s)))
	switch k {
	case "a-faire", "todo":
		return Todo, nil
	case "en-cours", "in-progress", "doing":
		return InProgress, nil
	case "fait", "done":
		return Done, nil
	case "sans-objet", "n/a", "na":
		return NotApplied, nil
	}
	return "", fmt.Errorf("incident: unknown checklist status %q (à faire, en cours, fait, sans objet)", s)
}

// ChecklistItem is the incident's state of one playbook action.
type ChecklistItem struct {
	IncidentID int64      `json:"incident_id"`
	Playbook   string     `json:"playbook"`
	ItemID     string     `json:"item"`
	Status     ItemStatus `json:"status"`
	Assignee   string     `json:"assignee,omitempty"`
	Note       string     `json:"note,omitempty"`
	UpdatedAt  time.Time  `json:"updated_at,omitzero"`
	UpdatedBy  string     `json:"updated_by,omitempty"`
	// Def is the playbook text, filled in by Service.Load.
	Def playbook.Item `json:"definition"`
}

// Next returns the unfinished items of the most urgent priority that still
// has any: what the responder should do now.
func Next(items []ChecklistItem) []ChecklistItem {
	best := 10
	for _, it := range items {
		if !it.Status.Finished() {
			best = min(best, it.Def.Priority.Rank())
		}
	}
	var out []ChecklistItem
	for _, it := range items {
		if !it.Status.Finished() && it.Def.Priority.Rank() == best {
			out = append(out, it)
		}
	}
	return out
}

// Case is everything known about an incident, as reports read it.
type Case struct {
	Incident   Incident          `json:"incident"`
	Checklist  []ChecklistItem   `json:"checklist"`
	Evidence   []evidence.Record `json:"evidence"`
	Indicators []Indicator       `json:"indicators"`
	Journal    []journal.Entry   `json:"journal"`
}

// ListFilter selects incidents.
type ListFilter struct {
	Status Status // "": any
	Limit  int    // 0: no limit
}

func addUnique(list []string, vals ...string) ([]string, []string) {
	var added []string
	for _, v := range vals {
		v = strings.TrimSpace(v)
		if v != "" && !slices.Contains(list, v) {
			list = append(list, v)
			added = append(added, v)
		}
	}
	return list, added
}
