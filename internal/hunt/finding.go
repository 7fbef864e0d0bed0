// Package hunt looks for the traces of a mailbox or tenant compromise in
// normalised log events (internal/logs), as Hawk, CrowdStrike CRT, CISA Sparrow
// and Untitled Goose Tool do for Microsoft 365 and Sigma's rules for Entra and
// Google Workspace: who clicked an incident's link, who signed in from the
// attacker's addresses, unusual or risky sign-ins (new country or network,
// impossible travel, odd hours, failures then success, MFA fatigue, brute
// force, password spray, legacy protocols, the provider's own risk verdict),
// inbox rules and mailbox settings that forward or hide mail, delegations,
// OAuth consents, application credentials and permissions, federation, role
// assignments, MFA removal, transport rules, audit bypass, eDiscovery exports,
// mass mail reads and outbound mail spikes — measures 6 to 8 of the InterCERT
// "compromission de messagerie" fiche. Each finding has a stable ID, a
// severity, the account, the evidence lines and an explanation in French and
// English. The package also holds the fast indicator sweep over raw log files
// (Sweep); ForIncident hands a hunt's results to the incident service, which
// writes them into the main courante.
package hunt

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"vigie.dev/vigie/internal/logs"
)

// Severity orders findings.
type Severity int

const (
	Low Severity = iota + 1
	Medium
	High
)

func (s Severity) String() string {
	switch s {
	case Low:
		return "low"
	case Medium:
		return "medium"
	case High:
		return "high"
	}
	return "info"
}

// French names the severity in French.
func (s Severity) French() string {
	switch s {
	case Low:
		return "faible"
	case Medium:
		return "moyenne"
	case High:
		return "haute"
	}
	return "info"
}

// MarshalText makes JSON output readable.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads what MarshalText writes.
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "low":
		*s = Low
	case "medium":
		*s = Medium
	case "high":
		*s = High
	default:
		return fmt.Errorf("hunt: unknown severity %q", b)
	}
	return nil
}

// maxEvidence bounds the evidence lines kept per finding.
const maxEvidence = 20

// Finding is one detection. Its JSON fields are stable: tools read them.
type Finding struct {
	ID       string    `json:"id"`
	Severity Severity  `json:"severity"`
	User     string    `json:"user"`      // who or what: an account, an application, an address
	Time     time.Time `json:"time"`      // first event, UTC; zero when the log does not say
	Detail   string    `json:"detail"`    // what was seen, English
	DetailFR string    `json:"detail_fr"` // the same, French
	// Account is the mailbox or directory account concerned, when there is a
	// real one: never an address, a proxy login or an application.
	Account  string        `json:"account,omitempty"`
	Evidence []logs.Source `json:"evidence"`
	// Count is how many events the finding groups (more than len(Evidence) when capped).
	Count     int    `json:"count"`
	Indicator string `json:"indicator,omitempty"`
	IP        string `json:"ip,omitempty"`
	Title     string `json:"title"`    // short, French
	TitleEN   string `json:"title_en"` // short, English
	FR        string `json:"fr"`       // explanation and what to do, French
	EN        string `json:"en"`
	// Key identifies the finding across runs over the same logs, so that
	// recording it twice in an incident can be avoided.
	Key string `json:"key"`
}

// detail is what a finding saw, in French and in English; most details are
// data (addresses, names, scopes) and read the same in both.
type detail struct{ fr, en string }

// same is a detail that needs no translation.
func same(s string) detail { return detail{s, s} }

// tr formats a detail in both languages with the same arguments.
func tr(fr, en string, a ...any) detail { return detail{fmt.Sprintf(fr, a...), fmt.Sprintf(en, a...)} }

func newFinding(id string, sev Severity, user string, t time.Time, d detail, src ...logs.Source) *Finding {
	f := &Finding{ID: id, Severity: sev, User: user, Time: t, Count: 1}
	f.addEvidence(src...)
	f.set(d)
	return f
}

// set replaces the detail and the explanations built on it.
func (f *Finding) set(d detail) {
	f.Detail, f.DetailFR = d.en, d.fr
	e, ok := catalogue[f.ID]
	if !ok {
		panic("hunt: finding without text: " + f.ID)
	}
	f.Title, f.TitleEN = e.title[0], e.title[1]
	f.FR = fmt.Sprintf(e.text[0], f.DetailFR)
	f.EN = fmt.Sprintf(e.text[1], f.Detail)
}

func (f *Finding) addEvidence(src ...logs.Source) {
	for _, s := range src {
		if len(f.Evidence) < maxEvidence && s.File != "" {
			f.Evidence = append(f.Evidence, s)
		}
	}
}

// setKey derives Key from what does not change between runs over the same
// logs: the detection, its subject, its address, its first event.
func (f *Finding) setKey() {
	h := sha256.Sum256([]byte(strings.Join([]string{f.ID, strings.ToLower(f.User), f.IP, f.Indicator, f.Time.UTC().Format(time.RFC3339Nano)}, "\x00")))
	f.Key = hex.EncodeToString(h[:8])
}

// Sort orders findings by severity (highest first), then time, ID and user.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if !a.Time.Equal(b.Time) {
			return a.Time.Before(b.Time)
		}
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		if a.User != b.User {
			return a.User < b.User
		}
		return a.Detail < b.Detail
	})
}

// Accounts returns the distinct real accounts of findings, for a caller that
// records them in an incident: no addresses, proxy logins or applications.
func Accounts(fs []Finding) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range fs {
		a := strings.ToLower(f.Account)
		if a != "" && !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}
