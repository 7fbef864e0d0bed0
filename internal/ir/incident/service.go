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

// Service is the incident-response business layer: every change to an
// incident, every report and every export goes through it, and each is
// journaled by it.
type Service struct {
	repo        Repository
	playbooks   *playbook.Catalogue
	evidence    *evidence.Store
	maxEvidence int64
	scanner     Scanner
	sink        IndicatorSink
	trace       TraceSearcher
	mailLogs    MailLogs
	renderer    Renderer
	passage     PassageExplainer
	suppliers   SupplierHistory
	profile     Profile
	sealer      journal.Sealer
	witness     *journal.Witness
	now         func() time.Time
	log         *slog.Logger
}

// Options wire a Service. Repo is required; the others enable the
// operations that need them (AddEvidence needs Evidence, Block needs
// Indicators, Hunt needs Trace, Report needs Renderer) and those fail with
// a clear error without.
type Options struct {
	Repo      Repository
	Playbooks *playbook.Catalogue // nil: the embedded playbooks
	Evidence  *evidence.Store
	// MaxEvidence bounds one piece of evidence (0: DefaultMaxEvidence).
	MaxEvidence int64
	Scanner     Scanner // extracts indicators from reported messages
	Indicators  IndicatorSink
	Trace       TraceSearcher
	MailLogs    MailLogs // reads mail logs for what an account sent (fiche InterCERT 4.b)
	Renderer    Renderer // produces the reports (internal/ir/report)
	// Passage says why the campaign got through, for the reports that
	// have the section (internal/ir/bridge over internal/posture; nil: none).
	Passage PassageExplainer
	// Suppliers gives the supplier register's history of the suppliers a
	// reported invoice-fraud message concerns (nil: none attached).
	Suppliers SupplierHistory
	Profile   Profile // the organisation and its contacts, for reports
	// Sealer seals every journal entry with a key kept outside the
	// database (nil: no seal).
	Sealer journal.Sealer
	// Witness keeps a copy of every head outside the database (nil: none).
	Witness *journal.Witness
	Now     func() time.Time
	Log     *slog.Logger
}

// DefaultMaxEvidence bounds one piece of evidence: a mailbox export or a
// log archive fits, /dev/zero does not fill the disk.
const DefaultMaxEvidence = 512 << 20

// New returns a Service.
func New(o Options) (*Service, error) {
	if o.Repo == nil {
		return nil, errors.New("incident: no repository")
	}
	s := &Service{repo: o.Repo, playbooks: o.Playbooks, evidence: o.Evidence, maxEvidence: o.MaxEvidence,
		scanner: o.Scanner, sink: o.Indicators, trace: o.Trace, mailLogs: o.MailLogs, renderer: o.Renderer, passage: o.Passage, suppliers: o.Suppliers,
		profile: o.Profile, sealer: o.Sealer, witness: o.Witness, now: o.Now, log: o.Log}
	if s.playbooks == nil {
		c, err := playbook.Load()
		if err != nil {
			return nil, err
		}
		s.playbooks = c
	}
	if s.maxEvidence <= 0 {
		s.maxEvidence = DefaultMaxEvidence
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

// Profile returns the organisation profile reports use.
func (s *Service) Profile() Profile { return s.profile }

// Now is the service's clock (UTC, millisecond precision).
func (s *Service) Now() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// change runs fn on an open incident (closed ones are refused unless
// allowClosed) and records the journal head it leaves in the witness.
func (s *Service) change(ctx context.Context, id int64, allowClosed bool, fn func(tx Tx, j *journaler) error) error {
	var head journal.Head
	err := s.repo.Update(ctx, id, func(tx Tx) error {
		if inc := tx.Incident(); inc.Status == Closed && !allowClosed {
			return closedError(inc)
		}
		j := &journaler{s: s, tx: tx}
		if err := fn(tx, j); err != nil {
			return err
		}
		head = j.head
		return nil
	})
	if err == nil && head.Seq > 0 {
		s.witnessHead(id, head)
	}
	return err
}

func (s *Service) witnessHead(id int64, h journal.Head) {
	if s.witness == nil {
		return
	}
	if err := s.witness.Record(id, h); err != nil {
		s.log.Error("journal witness not written", "incident", id, "err", err)
	}
}

// journaler appends entries within one transaction: each carries the
// digest of the case as it stands and, with a key, a seal.
type journaler struct {
	s    *Service
	tx   Tx
	head journal.Head
}

func (j *journaler) append(ctx context.Context, d journal.Draft, now time.Time) (journal.Entry, error) {
	state, err := txState(ctx, j.tx)
	if err != nil {
		return journal.Entry{}, err
	}
	d.State = state
	prev, err := j.tx.Last(ctx)
	if err != nil {
		return journal.Entry{}, err
	}
	id := j.tx.Incident().ID
	e, err := journal.Seal(id, prev, d, now)
	if err != nil {
		return e, err
	}
	if j.s.sealer != nil {
		if e.Seal, err = j.s.sealer.Seal(id, e.Head()); err != nil {
			return e, err
		}
	}
	if err := j.tx.Append(ctx, e); err != nil {
		return e, err
	}
	j.head = e.Head()
	return e, nil
}

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
	AwareAt                    time.Time // zero: now; never in the future
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
		return Incident{}, fail(nil, "un titre est obligatoire", "a title is required")
	}
	if strings.TrimSpace(r.By) == "" {
		return Incident{}, fail(nil, "l'auteur de l'ouverture est obligatoire", "who opens it is required")
	}
	now := s.Now()
	if err := journal.CheckNotFuture("la prise de connaissance (--aware-at)", r.AwareAt, now); err != nil {
		return Incident{}, err
	}
	pb, err := s.playbooks.ForType(string(typ))
	if err != nil {
		return Incident{}, err
	}
	defs, err := s.playbooks.Checklist(string(typ))
	if err != nil {
		return Incident{}, err
	}
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
	text := fmt.Sprintf("Ouverture de l'incident (%s) « %s » : %s (périmètre %s, impact %s, urgence %s) ; fiche « %s », %d actions ; prise de connaissance le %s.",
		typ.FR(), inc.Title, inc.Severity, inc.Perimeter.Label(Perimeter), inc.Impact.Label(Impact),
		inc.Urgency.Label(Urgency), pb.TitleFR, len(items), journal.FormatTime(inc.AwareAt))
	if d, ok := inc.CNILDeadline(); ok {
		text += " Données personnelles possiblement en cause : notification CNIL avant le " + journal.FormatTime(d) + "."
	}
	var head journal.Head
	inc, err = s.repo.Create(ctx, inc, items, func(tx Tx) error {
		j := &journaler{s: s, tx: tx}
		_, err := j.append(ctx, journal.Draft{Author: r.By, Kind: journal.Decision, Accounts: inc.Accounts,
			Machines: inc.Machines, Text: text}, now)
		head = j.head
		return err
	})
	if err != nil {
		return Incident{}, fmt.Errorf("incident: open: %w", err)
	}
	inc.Journal = head
	s.witnessHead(inc.ID, head)
	s.log.Info("incident opened", "incident", inc.ID, "type", inc.Type, "severity", inc.Severity.EN(), "by", r.By)
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
	AwareAt                    *time.Time // never in the future
}

// Update applies header changes and journals each one.
func (s *Service) Update(ctx context.Context, id int64, c Changes, by string) (Incident, error) {
	now := s.Now()
	if c.AwareAt != nil {
		if err := journal.CheckNotFuture("la prise de connaissance (--aware-at)", *c.AwareAt, now); err != nil {
			return Incident{}, err
		}
	}
	var out Incident
	err := s.change(ctx, id, false, func(tx Tx, j *journaler) error {
		inc := tx.Incident()
		var said []string
		if c.Title != nil && strings.TrimSpace(*c.Title) != "" && *c.Title != inc.Title {
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
			said = append(said, fmt.Sprintf("responsable « %s » → « %s »", inc.Assignee, *c.Assignee))
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
				said = append(said, "violation de données personnelles possible : notification CNIL sous 72 h")
			} else {
				said = append(said, "pas de données personnelles en cause")
			}
			inc.PersonalData = *c.PersonalData
		}
		if c.AwareAt != nil && !c.AwareAt.Truncate(time.Millisecond).Equal(inc.AwareAt) {
			at := c.AwareAt.UTC().Truncate(time.Millisecond)
			said = append(said, fmt.Sprintf("prise de connaissance %s → %s", journal.FormatTime(inc.AwareAt), journal.FormatTime(at)))
			inc.AwareAt = at
		}
		if d, ok := inc.CNILDeadline(); ok && (c.AwareAt != nil || c.PersonalData != nil) && len(said) > 0 {
			said = append(said, "échéance CNIL : "+journal.FormatTime(d))
		}
		out = inc
		if len(said) == 0 {
			return nil
		}
		if err := tx.SaveIncident(ctx, inc); err != nil {
			return err
		}
		e, err := j.append(ctx, journal.Draft{Author: by, Kind: journal.Decision, Accounts: accts, Machines: machs,
			Text: "Incident mis à jour : " + strings.Join(said, " ; ") + "."}, now)
		out.Journal = e.Head()
		return err
	})
	if err != nil {
		return Incident{}, fmt.Errorf("incident %d: update: %w", id, err)
	}
	return out, nil
}

// Log adds a manual entry to the main courante. d.EventAt, when set, is
// when the thing happened; it may be earlier than other entries but not in
// the future.
func (s *Service) Log(ctx context.Context, id int64, d journal.Draft) (journal.Entry, error) {
	now := s.Now()
	if err := journal.CheckNotFuture("l'heure de l'événement (--at)", d.EventAt, now); err != nil {
		return journal.Entry{}, err
	}
	var e journal.Entry
	err := s.change(ctx, id, false, func(tx Tx, j *journaler) error {
		var err error
		e, err = j.append(ctx, d, now)
		return err
	})
	if err != nil {
		return journal.Entry{}, fmt.Errorf("incident %d: log: %w", id, err)
	}
	return e, nil
}

// Check changes a checklist item's status, assignee or note and journals
// the change.
func (s *Service) Check(ctx context.Context, id int64, itemID string, c ItemChange, by string) (ChecklistItem, error) {
	var out ChecklistItem
	now := s.Now()
	err := s.change(ctx, id, false, func(tx Tx, j *journaler) error {
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
			return fail(ErrNotFound, "la fiche n'a pas d'action %q (voir vigie incident checklist %d --all)",
				"checklist item %q not found (see vigie incident checklist %d --all)", itemID, id)
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
		it.UpdatedAt, it.UpdatedBy = now, by
		if err := tx.SaveItem(ctx, *it); err != nil {
			return err
		}
		out = *it
		_, err = j.append(ctx, journal.Draft{Author: by, Kind: journal.Action,
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
