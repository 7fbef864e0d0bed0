// Package playbook holds the CERT response fiches Vigie follows, as data:
// each incident type maps to one checklist of numbered actions with a
// priority (P0 first … P4 last), French text and an English title, and the
// IMPACT / IMPORTANT / REMARQUE notes the fiche attaches to them. The
// checklists are embedded YAML files so that they can be read, reviewed and
// corrected without touching code; the text is Vigie's own wording with the
// fiche's measure and action numbers.
package playbook

import (
	"embed"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed *.yaml
var files embed.FS

// Priority orders actions: P0 is done first.
type Priority string

// Rank returns 0 for P0 … 4 for P4, and 9 for anything else.
func (p Priority) Rank() int {
	if len(p) == 2 && p[0] == 'P' && p[1] >= '0' && p[1] <= '4' {
		return int(p[1] - '0')
	}
	return 9
}

// Note is a warning the fiche attaches to an action.
type Note struct {
	Kind string `yaml:"kind" json:"kind"` // IMPACT, IMPORTANT or REMARQUE
	FR   string `yaml:"fr" json:"fr"`
	EN   string `yaml:"en" json:"en"`
}

// Item is one action of a checklist.
type Item struct {
	ID       string   `yaml:"id" json:"id"`
	Measure  int      `yaml:"measure,omitempty" json:"measure,omitempty"` // InterCERT measure number
	Section  string   `yaml:"section,omitempty" json:"section,omitempty"` // confinement, remediation, tiers, declarations
	Priority Priority `yaml:"priority" json:"priority"`
	TitleFR  string   `yaml:"title_fr" json:"title_fr"`
	TitleEN  string   `yaml:"title_en" json:"title_en"`
	TextFR   string   `yaml:"text_fr" json:"text_fr"`
	TextEN   string   `yaml:"text_en,omitempty" json:"text_en,omitempty"` // the declarations have it, for the reports in English
	Tool     string   `yaml:"tool,omitempty" json:"tool,omitempty"`       // the Vigie command that helps
	Notes    []Note   `yaml:"notes,omitempty" json:"notes,omitempty"`
	// DeadlineHours, for a declaration, counts from awareness of the incident.
	DeadlineHours int `yaml:"deadline_hours,omitempty" json:"deadline_hours,omitempty"`
	// Condition limits a declaration to incidents with that property
	// ("personal-data").
	Condition string `yaml:"condition,omitempty" json:"condition,omitempty"`
	Playbook  string `yaml:"-" json:"playbook"`
}

// Playbook is one fiche.
type Playbook struct {
	ID           string `yaml:"id"`
	IncidentType string `yaml:"incident_type"`
	TitleFR      string `yaml:"title_fr"`
	TitleEN      string `yaml:"title_en"`
	Source       string `yaml:"source"`
	Items        []Item `yaml:"items"`
}

// DeclarationsID names the playbook appended to every checklist.
const DeclarationsID = "declarations"

// Catalogue is the set of loaded playbooks.
type Catalogue struct {
	byID   map[string]*Playbook
	byType map[string]*Playbook
}

// Load parses the embedded playbooks.
func Load() (*Catalogue, error) {
	ents, err := files.ReadDir(".")
	if err != nil {
		return nil, fmt.Errorf("playbook: %w", err)
	}
	c := &Catalogue{byID: map[string]*Playbook{}, byType: map[string]*Playbook{}}
	for _, e := range ents {
		b, err := files.ReadFile(e.Name())
		if err != nil {
			return nil, fmt.Errorf("playbook: %w", err)
		}
		p, err := Parse(b)
		if err != nil {
			return nil, fmt.Errorf("playbook: %s: %w", e.Name(), err)
		}
		if c.byID[p.ID] != nil {
			return nil, fmt.Errorf("playbook: %s: id %q defined twice", e.Name(), p.ID)
		}
		c.byID[p.ID] = p
		if p.IncidentType != "" {
			c.byType[p.IncidentType] = p
		}
	}
	if c.byID[DeclarationsID] == nil {
		return nil, fmt.Errorf("playbook: no %q playbook", DeclarationsID)
	}
	return c, nil
}

// Parse reads and validates one playbook.
func Parse(b []byte) (*Playbook, error) {
	var p Playbook
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return nil, err
	}
	if p.ID == "" || p.TitleFR == "" || p.TitleEN == "" {
		return nil, fmt.Errorf("missing id or title")
	}
	if len(p.Items) == 0 {
		return nil, fmt.Errorf("no items")
	}
	seen := map[string]bool{}
	for i := range p.Items {
		it := &p.Items[i]
		it.Playbook = p.ID
		switch {
		case it.ID == "":
			return nil, fmt.Errorf("item %d: no id", i+1)
		case seen[it.ID]:
			return nil, fmt.Errorf("item %s: defined twice", it.ID)
		case it.Priority.Rank() > 4:
			return nil, fmt.Errorf("item %s: priority %q is not P0…P4", it.ID, it.Priority)
		case it.TitleFR == "" || it.TitleEN == "" || it.TextFR == "":
			return nil, fmt.Errorf("item %s: needs title_fr, title_en and text_fr", it.ID)
		}
		for _, n := range it.Notes {
			if n.Kind != "IMPACT" && n.Kind != "IMPORTANT" && n.Kind != "REMARQUE" {
				return nil, fmt.Errorf("item %s: note kind %q", it.ID, n.Kind)
			}
		}
		seen[it.ID] = true
	}
	return &p, nil
}

// ForType returns the playbook of an incident type.
func (c *Catalogue) ForType(incidentType string) (*Playbook, error) {
	p := c.byType[incidentType]
	if p == nil {
		return nil, fmt.Errorf("playbook: no playbook for incident type %q", incidentType)
	}
	return p, nil
}

// Types lists the incident types that have a playbook.
func (c *Catalogue) Types() []string {
	var ts []string
	for t := range c.byType {
		ts = append(ts, t)
	}
	slices.Sort(ts)
	return ts
}

// Checklist returns the items an incident of the given type works through:
// its playbook's actions followed by the declarations, ordered by priority
// (the order within a priority is the fiche's).
func (c *Catalogue) Checklist(incidentType string) ([]Item, error) {
	p, err := c.ForType(incidentType)
	if err != nil {
		return nil, err
	}
	items := slices.Concat(p.Items, c.byID[DeclarationsID].Items)
	slices.SortStableFunc(items, func(a, b Item) int { return a.Priority.Rank() - b.Priority.Rank() })
	return items, nil
}

// Item finds an item by playbook and item id.
func (c *Catalogue) Item(playbookID, itemID string) (Item, bool) {
	p := c.byID[playbookID]
	if p == nil {
		return Item{}, false
	}
	for _, it := range p.Items {
		if it.ID == itemID {
			return it, true
		}
	}
	return Item{}, false
}

// Playbook returns a playbook by id.
func (c *Catalogue) Playbook(id string) (*Playbook, bool) {
	p, ok := c.byID[id]
	return p, ok
}
