// Package incident is Vigie's incident-response case file: an incident of a
// given type (a phishing campaign, a compromised mailbox) with its severity
// in the CERT fiches' terms, the people and machines it touches, the
// playbook checklist it is worked through, its evidence, the indicators
// taken from reported messages and pushed to the blocklist, the retro-hunt
// that finds every other recipient, and the hash-chained main courante in
// which every one of those actions is written.
//
// Service is the one way to change an incident; the CLI, the HTTP API and
// the web console are thin layers over it. It also writes the texts they
// all show: every report format (Report, rendered by package report
// through the Renderer interface, journaled once) and what a hunt through
// the logs found (RecordLogHunt). Storage, the indicator store, the
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
	return "", fail(nil, "type d'incident inconnu %q (phishing-campaign ou mailbox-compromise)",
		"unknown incident type %q (want phishing-campaign or mailbox-compromise)", s)
}

// FR names the type in French.
func (t Type) FR() string {
	switch t {
	case PhishingCampaign:
		return "campagne d'hameçonnage"
	case MailboxCompromise:
		return "compromission d'un compte de messagerie"
	}
	return string(t)
}

// Label names the type in lang.
func (t Type) Label(lang string) string {
	if lang != "en" {
		return t.FR()
	}
	switch t {
	case PhishingCampaign:
		return "phishing campaign"
	case MailboxCompromise:
		return "mailbox compromise"
	}
	return string(t)
}

// Status is an incident's life-cycle state.
type Status string

const (
	Open   Status = "open"
	Closed Status = "closed"
)

// FR names the status in French.
func (s Status) FR() string {
	switch s {
	case Open:
		return "ouvert"
	case Closed:
		return "clos"
	}
	return string(s)
}

// Label names the status in lang.
func (s Status) Label(lang string) string {
	if lang == "en" {
		return string(s)
	}
	return s.FR()
}

// Resolution says how an incident ended.
type Resolution string

const (
	Resolved      Resolution = "resolu"       // handled: contained and remediated
	FalsePositive Resolution = "faux-positif" // no incident after all
	Transferred   Resolution = "transfere"    // handed to another team (CERT, provider, police)
	Duplicate     Resolution = "doublon"      // the same as another incident
	Dropped       Resolution = "sans-suite"   // closed without further action
)

// Resolutions lists the resolution classes.
var Resolutions = []Resolution{Resolved, FalsePositive, Transferred, Duplicate, Dropped}

var resolutionText = map[Resolution][2]string{
	Resolved:      {"résolu", "resolved"},
	FalsePositive: {"faux positif", "false positive"},
	Transferred:   {"transféré", "transferred"},
	Duplicate:     {"doublon", "duplicate"},
	Dropped:       {"classé sans suite", "dropped"},
}

// Label names the resolution in lang.
func (r Resolution) Label(lang string) string {
	t, ok := resolutionText[r]
	if !ok {
		return string(r)
	}
	if lang == "en" {
		return t[1]
	}
	return t[0]
}

// ParseResolution reads a resolution class, French or English, accents
// and spaces optional.
func ParseResolution(s string) (Resolution, error) {
	k := strings.NewReplacer("é", "e", " ", "-", "_", "-").Replace(strings.ToLower(strings.TrimSpace(s)))
	for _, r := range Resolutions {
		en := strings.ReplaceAll(resolutionText[r][1], " ", "-")
		fr := strings.NewReplacer("é", "e", " ", "-").Replace(resolutionText[r][0])
		if k == string(r) || k == en || k == fr {
			return r, nil
		}
	}
	return "", fail(nil, "résolution %q inconnue (resolu, faux-positif, transfere, doublon, sans-suite)",
		"unknown resolution %q (resolu, faux-positif, transfere, doublon, sans-suite)", s)
}

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
	// Resolution is set when the incident is closed.
	Resolution Resolution `json:"resolution,omitempty"`

	Journal journal.Head `json:"journal_head"`
}

// CNILDeadline is when the CNIL must have been notified: 72 hours after
// the organisation became aware, when personal data may be involved
// (RGPD art. 33). ok is false when it does not apply.
func (inc Incident) CNILDeadline() (deadline time.Time, ok bool) {
	if !inc.PersonalData || inc.AwareAt.IsZero() {
		return time.Time{}, false
	}
	return inc.AwareAt.Add(CNILDelay), true
}

// CNILDelay is the RGPD notification delay.
const CNILDelay = 72 * time.Hour

// CNILDue says in French (or English) where the CNIL deadline stands at
// now: "" when it does not apply.
func (inc Incident) CNILDue(now time.Time, notified bool, lang string) string {
	d, ok := inc.CNILDeadline()
	if !ok {
		return ""
	}
	left := d.Sub(now)
	switch {
	case notified && lang == "en":
		return "CNIL notified (deadline " + journal.FormatTime(d) + ")"
	case notified:
		return "CNIL notifiée (échéance " + journal.FormatTime(d) + ")"
	case left < 0 && lang == "en":
		return "CNIL deadline " + journal.FormatTime(d) + " — OVERDUE by " + Duration(-left, lang)
	case left < 0:
		return "échéance CNIL " + journal.FormatTime(d) + " — DÉPASSÉE de " + Duration(-left, lang)
	case lang == "en":
		return "CNIL deadline " + journal.FormatTime(d) + " — " + Duration(left, lang) + " left"
	}
	return "échéance CNIL " + journal.FormatTime(d) + " — reste " + Duration(left, lang)
}

// Duration rounds d to the minute for people: "1 j 3 h 05 min".
func Duration(d time.Duration, lang string) string {
	h := int(d.Hours())
	m := int(d.Minutes()) % 60
	day := "j"
	if lang == "en" {
		day = "d"
	}
	if h >= 24 {
		return fmt.Sprintf("%d %s %d h %02d min", h/24, day, h%24, m)
	}
	return fmt.Sprintf("%d h %02d min", h, m)
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

// Label returns the status in lang.
func (s ItemStatus) Label(lang string) string {
	if lang == "en" {
		return string(s)
	}
	return s.FR()
}

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
	return "", fail(nil, "statut %q inconnu (à faire, en cours, fait, sans objet)",
		"unknown checklist status %q (todo, in-progress, done, n/a)", s)
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
