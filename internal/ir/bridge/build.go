package bridge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/ir/evidence"
	"vigie.dev/vigie/internal/ir/incident"
	"vigie.dev/vigie/internal/ir/journal"
	"vigie.dev/vigie/internal/ir/report"
	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/ingest"
	"vigie.dev/vigie/internal/posture"
	"vigie.dev/vigie/internal/suppliers"
)

// Deps are what the incident service is built from (package app gathers
// them from the store).
type Deps struct {
	Config     config.Config
	Incidents  incident.Repository
	Indicators *ioc.Service         // the guarded indicator service
	Trace      Searcher             // the message trace (nil: no retro-hunt)
	Suppliers  suppliers.Repository // the supplier register
	Audits     posture.Runs         // stored posture reports and selftests
	Scanner    incident.Scanner     // nil: reported messages are kept but not analysed
	Log        *slog.Logger
	Now        func() time.Time
}

// WitnessFile is the journal witness kept in the data directory.
const WitnessFile = "journal-witness.log"

// NewService builds the incident service: the one place where its
// repository, evidence store, indicator store, trace, mail-log reader,
// report renderer, organisation profile, journal key and witness are put
// together. The CLI, the console and the log hunter all get their
// service from here, through package app.
func NewService(d Deps) (*incident.Service, error) {
	cfg := d.Config
	ev, err := evidence.Open(filepath.Join(cfg.DataDir, "evidence"))
	if err != nil {
		return nil, err
	}
	o := incident.Options{
		Repo: d.Incidents, Evidence: ev, MaxEvidence: int64(cfg.Incidents.MaxEvidence), Scanner: d.Scanner,
		MailLogs: MailLogs{Log: d.Log}, Renderer: report.Renderer{}, Profile: Profile(cfg.Incidents.Profile),
		Witness: journal.OpenWitness(filepath.Join(cfg.DataDir, WitnessFile)), Now: d.Now, Log: d.Log,
	}
	if d.Indicators == nil {
		return nil, errors.New("bridge: the incident service needs the indicator service")
	}
	o.Indicators = Indicators{Service: d.Indicators}
	o.Renderer = report.Renderer{Exclude: o.Indicators.(Indicators).Exclude}
	if d.Trace != nil {
		o.Trace = Trace{Log: d.Trace}
	}
	o.Suppliers = Suppliers{Store: d.Suppliers, Limits: cfg.MessageLimits()}
	o.Passage = Passage{Trace: d.Trace, Runs: d.Audits, OrgDomains: cfg.Org.Domains, QuarantineAt: cfg.Policy.QuarantineAt}
	if k := cfg.Incidents.JournalKey; k != "" {
		if o.Sealer, err = journal.LoadKey(k); err != nil {
			return nil, fmt.Errorf("incidents.journal_key: %w", err)
		}
	}
	return incident.New(o)
}

// Profile turns the configured profile into the reports' profile, its
// contacts laid over the built-in annex.
func Profile(p config.IncidentProfile) incident.Profile {
	out := incident.Profile{Org: p.Org, FINESS: p.FINESS, Region: p.Region, Reporter: p.Reporter, Email: p.Email,
		Phone: p.Phone, HelpDesk: p.HelpDesk}
	var own []incident.Contact
	for _, c := range p.Contacts {
		own = append(own, incident.Contact{Role: c.Role, Name: c.Name, How: c.How, When: c.When, Notes: c.Notes})
	}
	out.Contacts = report.MergeContacts(report.DefaultContacts(), own)
	return out
}

// MailLogs reads mail server logs (Postfix, and the other formats
// internal/logs knows) for what an account sent.
type MailLogs struct{ Log *slog.Logger }

// SentBy implements incident.MailLogs: the messages submitted by the
// account after authenticating (or locally), between since and until.
func (m MailLogs) SentBy(ctx context.Context, paths []string, account string, since, until time.Time) ([]incident.SentMail, error) {
	// Postfix adds the recipients to an event from the delivery lines that
	// follow it: keep the events and read them once the files are read.
	var sent []*logs.MailSent
	reports, err := ingest.Read(ctx, paths, ingest.Config{Logger: m.Log}, func(e logs.Event) {
		s, ok := e.(*logs.MailSent)
		if !ok || !s.Authenticated || !strings.EqualFold(strings.Trim(s.Sender, "<>"), account) {
			return
		}
		if s.Time.Before(since) || s.Time.After(until.Add(journal.MaxSkew)) {
			return
		}
		sent = append(sent, s)
	})
	if err != nil {
		return nil, err
	}
	var out []incident.SentMail
	for _, s := range sent {
		out = append(out, incident.SentMail{Time: s.Time, Sender: account, Recipients: s.Recipients, Source: s.Src.String()})
	}
	for _, r := range reports {
		if r.Err != "" {
			return out, fmt.Errorf("bridge: mail log %s: %s", r.File, r.Err)
		}
	}
	return out, nil
}
