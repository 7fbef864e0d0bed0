package incident

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"vigie.dev/vigie/internal/ir/evidence"
	"vigie.dev/vigie/internal/ir/journal"
	"vigie.dev/vigie/internal/ir/playbook"
)

// Service is the incident-response business layer.
type Service struct {
	repo      Repository
	playbooks *playbook.Catalogue
	evidence  *evidence.Store
	scanner   Scanner
	sink      IndicatorSink
	trace     TraceSearcher
	now       func() time.Time
	log       *slog.Logger
}

// Options wire a Service. Repo is required; the others enable the
// operations that need them (AddEvidence needs Evidence, Block needs
// Indicators, Hunt needs Trace) and those fail with a clear error without.
type Options struct {
	Repo       Repository
	Playbooks  *playbook.Catalogue // nil: the embedded playbooks
	Evidence   *evidence.Store
	Scanner    Scanner // extracts indicators from reported messages
	Indicators IndicatorSink
	Trace      TraceSearcher
	Now        func() time.Time
	Log        *slog.Logger
}

// New returns a Service.
func New(o Options) (*Service, error) {
	if o.Repo == nil {
		return nil, errors.New("incident: no repository")
	}
	s := &Service{repo: o.Repo, playbooks: o.Playbooks, evidence: o.Evidence, scanner: o.Scanner,
		sink: o.Indicators, trace: o.Trace, now: o.Now, log: o.Log}
	if s.playbooks == nil {
		c, err := playbook.Load()
		if err != nil {
			return nil, err
		}
		s.playbooks = c
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// Playbooks returns the catalogue the service uses.
func (s *Service) Playbooks() *playbook.Catalogue { return s.playbooks }

// OpenRequest describes a new incident. Levels left at 0 default to the
// lowest grade, which the responder raises once qualified.
type OpenRequest struct {
	Type                       Type
	Title                      string
	Summary                    string
	Perimeter, Impact, Urgency Level
	Assignee                   string
	Accounts, Machines         []string
	PersonalData               bool
	AwareAt                    time.Time // zero: now
	By                         string
}

// Open creates an incident with its checklist and writes the opening
// entry of the main courante.
func (s *Service) Open(ctx context.Context, r OpenRequest) (Incident, error) {
	typ, err := ParseType(string(r.Type))
	if err != nil {
		return Incident{}, err
	}
	if strings.TrimSpace(r.Title) == "" {
		return Incident{}, errors.New("incident: a title is required")
	}
	if strings.TrimSpace(r.By) == "" {
		return Incident{}, errors.New("incident: who opens it is required")
	}
	pb, err := s.playbooks.ForType(string(typ))
	if err != nil {
		return Incident{}, err
	}
	defs, err := s.playbooks.Checklist(string(typ))
	if err != nil {
		return Incident{}, err
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	inc := Incident{
		Type: typ, Title: strings.TrimSpace(r.Title), Summary: r.Summary, Status: Open,
		Perimeter: clampLevel(r.Perimeter), Impact: clampLevel(r.Impact), Urgency: clampLevel(r.Urgency),
		Assignee: r.Assignee, PersonalData: r.PersonalData, AwareAt: r.AwareAt.UTC().Truncate(time.Millisecond),
		Playbook: pb.ID, OpenedAt: now, OpenedBy: r.By,
	}
	if inc.AwareAt.IsZero() {
		inc.AwareAt = now
	}
	inc.Accounts, _ = addUnique(nil, r.Accounts...)
	inc.Machines, _ = addUnique(nil, r.Machines...)
	inc.Severity = Assess(inc.Perimeter, inc.Impact, inc.Urgency)
	items := make([]ChecklistItem, len(defs))
	for i, d := range defs {
		items[i] = ChecklistItem{Playbook: d.Playbook, ItemID: d.ID, Status: Todo}
	}
	first := journal.Draft{
		Author: r.By, Kind: journal.Decision, Accounts: inc.Accounts, Machines: inc.Machines,
		Text: fmt.Sprintf("Ouverture de l'incident (%s) « %s » : %s (périmètre %s, impact %s, urgence %s) ; fiche « %s », %d actions.",
			typ, inc.Title, inc.Severity, inc.Perimeter.Label(Perimeter), inc.Impact.Label(Impact),
			inc.Urgency.Label(Urgency), pb.TitleFR, len(items)),
	}
	inc, err = s.repo.Create(ctx, inc, items, first, now)
	if err != nil {
		return Incident{}, fmt.Errorf("incident: open: %w", err)
	}
	s.log.Info("incident opened", "incident", inc.ID, "type", inc.Type, "severity", inc.Severity.String(), "by", r.By)
	return inc, nil
}

// Get returns an incident's header.
func (s *Service) Get(ctx context.Context, id int64) (Incident, error) { return s.repo.Get(ctx, id) }

// List returns incidents, newest first.
func (s *Service) List(ctx context.Context, f ListFilter) ([]Incident, error) {
	return s.repo.List(ctx, f)
}

// Load returns the whole case with the playbook text of each checklist item.
func (s *Service) Load(ctx context.Context, id int64) (Case, error) {
	c, err := s.repo.Load(ctx, id)
	if err != nil {
		return Case{}, err
	}
	s.define(c.Checklist)
	return c, nil
}

func (s *Service) define(items []ChecklistItem) {
	for i := range items {
		if d, ok := s.playbooks.Item(items[i].Playbook, items[i].ItemID); ok {
			items[i].Def = d
		} else {
			items[i].Def = playbook.Item{ID: items[i].ItemID, Priority: "P4", TitleFR: items[i].ItemID, TitleEN: items[i].ItemID}
		}
	}
}

// Changes are edits to an incident's header; nil fields are left alone.
type Changes struct {
	Title                      *string
	Summary                    *string
	Perimeter, Impact, Urgency *Level
	Assignee                   *string
	AddAccounts, AddMachines   []string
	PersonalData               *bool
	AwareAt                    *time.Time
}

// Update applies header changes and journals each one.
func (s *Service) Update(ctx context.Context, id int64, c Changes, by string) (Incident, error) {
	var out Incident
	err := s.repo.Update(ctx, id, func(tx Tx) error {
		inc := tx.Incident()
		var said []string
		if c.Title != nil && *c.Title != inc.Title {
			said = append(said, fmt.Sprintf("titre « %s » → « %s »", inc.Title, *c.Title))
			inc.Title = *c.Title
		}
		if c.Summary != nil && *c.Summary != inc.Summary {
			said = append(said, "résumé mis à jour")
			inc.Summary = *c.Summary
		}
		axis := func(a Axis, cur *Level, next *Level) {
			if next != nil && clampLevel(*next) != *cur {
				said = append(said, fmt.Sprintf("%s %s → %s", a, cur.Label(a), clampLevel(*next).Label(a)))
				*cur = clampLevel(*next)
			}
		}
		axis(Perimeter, &inc.Perimeter, c.Perimeter)
		axis(Impact, &inc.Impact, c.Impact)
		axis(Urgency, &inc.Urgency, c.Urgency)
		if sev := Assess(inc.Perimeter, inc.Impact, inc.Urgency); sev != inc.Severity {
			said = append(said, fmt.Sprintf("gravité %s → %s", inc.Severity, sev))
			inc.Severity = sev
		}
		if c.Assignee != nil && *c.Assignee != inc.Assignee {
			said = append(said, fmt.Sprintf("responsable %q → %q", inc.Assignee, *c.Assignee))
			inc.Assignee = *c.Assignee
		}
		var accts, machs []string
		inc.Accounts, accts = addUnique(inc.Accounts, c.AddAccounts...)
		inc.Machines, machs = addUnique(inc.Machines, c.AddMachines...)
		if len(accts) > 0 {
			said = append(said, "comptes affectés : "+strings.Join(accts, ", "))
		}
		if len(machs) > 0 {
			said = append(said, "machines affectées : "+strings.Join(machs, ", "))
		}
		if c.PersonalData != nil && *c.PersonalData != inc.PersonalData {
			if *c.PersonalData {
				said = append(said, "violation de données personnelles possible : déclaration CNIL sous 72 h")
			} else {
				said = append(said, "pas de données personnelles en cause")
			}
			inc.PersonalData = *c.PersonalData
		}
		if c.AwareAt != nil && !c.AwareAt.Equal(inc.AwareAt) {
			at := c.AwareAt.UTC().Truncate(time.Millisecond)
			said = append(said, "prise de connaissance le "+journal.FormatTime(at))
			inc.AwareAt = at
		}
		if len(said) == 0 {
			out = inc
			return nil
		}
		if err := tx.SaveIncident(ctx, inc); err != nil {
			return err
		}
		e, err := tx.Append(ctx, journal.Draft{Author: by, Kind: journal.Decision, Accounts: accts, Machines: machs,
			Text: "Incident mis à jour : " + strings.Join(said, " ; ") + "."}, s.now())
		inc.Journal = e.Head()
		out = inc
		return err
	})
	if err != nil {
		return Incident{}, fmt.Errorf("incident %d: update: %w", id, err)
	}
	return out, nil
}

// Close closes an incident; the journal records why and what was left
// unfinished on the checklist.
func (s *Service) Close(ctx context.Context, id int64, reason, by string) (Incident, error) {
	var out Incident
	err := s.repo.Update(ctx, id, func(tx Tx) error {
		inc := tx.Incident()
		if inc.Status == Closed {
			return fmt.Errorf("already closed on %s", journal.FormatTime(inc.ClosedAt))
		}
		items, err := tx.Checklist(ctx)
		if err != nil {
			return err
		}
		open := 0
		for _, it := range items {
			if !it.Status.Finished() {
				open++
			}
		}
		now := s.now().UTC().Truncate(time.Millisecond)
		inc.Status, inc.ClosedAt, inc.ClosedBy = Closed, now, by
		if err := tx.SaveIncident(ctx, inc); err != nil {
			return err
		}
		text := "Clôture de l'incident"
		if reason != "" {
			text += " : " + reason
		}
		text += fmt.Sprintf(" (%d action(s) de la fiche non terminée(s)).", open)
		e, err := tx.Append(ctx, journal.Draft{Author: by, Kind: journal.Decision, Text: text}, now)
		inc.Journal = e.Head()
		out = inc
		return err
	})
	if err != nil {
		return Incident{}, fmt.Errorf("incident %d: close: %w", id, err)
	}
	return out, nil
}

// Log adds a manual entry to the main courante.
func (s *Service) Log(ctx context.Context, id int64, d journal.Draft) (journal.Entry, error) {
	var e journal.Entry
	err := s.repo.Update(ctx, id, func(tx Tx) error {
		var err error
		e, err = tx.Append(ctx, d, s.now())
		return err
	})
	if err != nil {
		return journal.Entry{}, fmt.Errorf("incident %d: log: %w", id, err)
	}
	return e, nil
}

// Verify checks the main courante's hash chain and returns its head and
// length. A *journal.ChainError names the first bad entry.
func (s *Service) Verify(ctx context.Context, id int64) (journal.Head, int, error) {
	c, err := s.repo.Load(ctx, id)
	if err != nil {
		return journal.Head{}, 0, err
	}
	if err := journal.Verify(id, c.Journal, c.Incident.Journal); err != nil {
		return c.Incident.Journal, len(c.Journal), err
	}
	return c.Incident.Journal, len(c.Journal), nil
}

// Check changes a checklist item's status, assignee or note and journals
// the change.
func (s *Service) Check(ctx context.Context, id int64, itemID string, c ItemChange, by string) (ChecklistItem, error) {
	var out ChecklistItem
	err := s.repo.Update(ctx, id, func(tx Tx) error {
		items, err := tx.Checklist(ctx)
		if err != nil {
			return err
		}
		var it *ChecklistItem
		for i := range items {
			if strings.EqualFold(items[i].ItemID, itemID) {
				it = &items[i]
				break
			}
		}
		if it == nil {
			return fmt.Errorf("checklist item %q: %w", itemID, ErrNotFound)
		}
		s.define(items)
		var said []string
		if c.Status != nil && *c.Status != it.Status {
			said = append(said, fmt.Sprintf("%s → %s", it.Status.FR(), c.Status.FR()))
			it.Status = *c.Status
		}
		if c.Assignee != nil && *c.Assignee != it.Assignee {
			said = append(said, "confiée à "+*c.Assignee)
			it.Assignee = *c.Assignee
		}
		if c.Note != nil && *c.Note != it.Note {
			said = append(said, "note : "+*c.Note)
			it.Note = *c.Note
		}
		out = *it
		if len(said) == 0 {
			return nil
		}
		now := s.now().UTC().Truncate(time.Millisecond)
		it.UpdatedAt, it.UpdatedBy = now, by
		if err := tx.SaveItem(ctx, *it); err != nil {
			return err
		}
		out = *it
		_, err = tx.Append(ctx, journal.Draft{Author: by, Kind: journal.Action,
			Text: fmt.Sprintf("Fiche, action %s (%s) « %s » : %s.", it.ItemID, it.Def.Priority, it.Def.TitleFR, strings.Join(said, " ; "))}, now)
		return err
	})
	if err != nil {
		return ChecklistItem{}, fmt.Errorf("incident %d: checklist: %w", id, err)
	}
	return out, nil
}

// ItemChange edits a checklist item; nil fields are left alone.
type ItemChange struct {
	Status   *ItemStatus
	Assignee *string
	Note     *string
}
