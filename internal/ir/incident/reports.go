package incident

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"vigie.dev/vigie/internal/ir/evidence"
	"vigie.dev/vigie/internal/ir/journal"
	"vigie.dev/vigie/internal/posture"
)

// Profile is what reports say about the organisation: its name, its
// health-establishment number when it is one, who reports, the help desk,
// and the contacts annex (CERT Santé, ARS, CNIL, insurer, police…).
type Profile struct {
	Org      string    `yaml:"org" json:"org"`
	FINESS   string    `yaml:"finess" json:"finess,omitempty"` // set for a health establishment
	Region   string    `yaml:"region" json:"region,omitempty"` // its ARS region
	Reporter string    `yaml:"reporter" json:"reporter,omitempty"`
	Email    string    `yaml:"email" json:"email,omitempty"` // the reporting mailbox (abuse desk, RSSI)
	Phone    string    `yaml:"phone" json:"phone,omitempty"`
	HelpDesk string    `yaml:"help_desk" json:"help_desk,omitempty"`
	Contacts []Contact `yaml:"contacts" json:"contacts,omitempty"`
}

// Health reports whether the organisation is a health establishment (it
// then owes the CERT Santé / ARS report).
func (p Profile) Health() bool { return p.FINESS != "" }

// Contact is one line of the contacts annex.
type Contact struct {
	Role  string `yaml:"role" json:"role"` // cert-sante, ars, cnil, anssi, assureur, police, csirt…
	Name  string `yaml:"name" json:"name"`
	How   string `yaml:"how" json:"how"`   // address, telephone, portal
	When  string `yaml:"when" json:"when"` // in which case, with which deadline
	Notes string `yaml:"notes" json:"notes,omitempty"`
}

// ReportRequest asks for one document.
type ReportRequest struct {
	Format string
	Lang   string // fr (default) or en, for the documents written for people
	TLP    string // misp, stix, xarf: the sharing level (TLP 2.0, French or English names)
	Org    string // misp, stix: the sharing organisation ("": the profile's)
	// From, To, ReportingMTA address an abuse report (arf, xarf).
	From, To, ReportingMTA string
	Evidence               string // arf: the reported message's SHA-256 ("": the first one)
	Indicator              string // xarf: the phishing URL to report ("": the first one)
	Target                 string // phishtank: the brand the campaign imitates
	Account                string // avertissement-correspondants: the compromised account
	Contact                string // warnings: how users reach the help desk
	By                     string
}

// ReportInput is what a Renderer renders.
type ReportInput struct {
	Case    Case
	Request ReportRequest
	Profile Profile
	Now     func() time.Time
	// Messages are the reported messages, for the formats that carry them
	// (arf, signal-spam, xarf): an RFC 5322 message's original bytes, an
	// Outlook .msg rebuilt as one (ReportedMessageBytes).
	Messages []ReportedMessage
	// Correspondents are the addresses the compromised account wrote to,
	// from the newest search recorded in the journal.
	Correspondents []string
	// Passage says why the campaign got through (formats with NeedsPassage).
	Passage *posture.Passage
}

// ReportedMessage is a reported message of the evidence.
type ReportedMessage struct {
	Record evidence.Record
	Raw    []byte
}

// Document is a rendered report.
type Document struct {
	Format    string
	LabelFR   string // for the main courante: "bundle STIX 2.1"
	Label     string // in the request's language, for the person who asked
	MediaType string
	FileName  string
	Recipient string // who it is for, when it names one
	Data      []byte
}

// Format describes one report format.
type Format struct {
	Name          string
	LabelFR       string
	LabelEN       string
	NeedsMessages bool
	NeedsPassage  bool // has the "pourquoi le message est passé" section
}

// Renderer produces the reports (internal/ir/report implements it).
type Renderer interface {
	Formats() []Format
	Render(in ReportInput) (Document, error)
}

// ReportFormats lists the formats the service produces.
func (s *Service) ReportFormats() []Format {
	if s.renderer == nil {
		return nil
	}
	return s.renderer.Formats()
}

// Report renders one document of an incident and journals its production
// with the document's SHA-256, so what was handed out can be matched
// later. It is the one way the CLI and the console produce reports.
func (s *Service) Report(ctx context.Context, id int64, r ReportRequest) (Document, error) {
	if s.renderer == nil {
		return Document{}, errors.New("incident: no report renderer configured")
	}
	i := slices.IndexFunc(s.renderer.Formats(), func(f Format) bool { return f.Name == r.Format })
	if i < 0 {
		var names []string
		for _, f := range s.renderer.Formats() {
			names = append(names, f.Name)
		}
		return Document{}, fail(nil, "format de rapport %q inconnu (%s)", "unknown report format %q (%s)", r.Format, strings.Join(names, ", "))
	}
	f := s.renderer.Formats()[i]
	in, err := s.reportInput(ctx, id, r, f.NeedsMessages)
	if err != nil {
		return Document{}, err
	}
	if f.NeedsPassage && s.passage != nil {
		if in.Passage, err = s.passage.Explain(ctx, in.Case); err != nil {
			return Document{}, fmt.Errorf("incident %d: %w", id, err)
		}
	}
	doc, err := s.renderer.Render(in)
	if err != nil {
		return Document{}, err
	}
	sum := sha256.Sum256(doc.Data)
	text := "Production : " + f.LabelFR
	if doc.Recipient != "" {
		text += " pour " + doc.Recipient
	}
	text += fmt.Sprintf(" (%s, %d octets, SHA-256 %s).", doc.FileName, len(doc.Data), hex.EncodeToString(sum[:]))
	if _, err := s.journalAny(ctx, id, journal.Draft{Author: r.By, Kind: journal.Communication, Text: text}); err != nil {
		return Document{}, err
	}
	return doc, nil
}

func (s *Service) reportInput(ctx context.Context, id int64, r ReportRequest, messages bool) (ReportInput, error) {
	c, err := s.Load(ctx, id)
	if err != nil {
		return ReportInput{}, err
	}
	in := ReportInput{Case: c, Request: r, Profile: s.profile, Now: s.Now}
	if r.Org == "" {
		in.Request.Org = s.profile.Org
	}
	if messages {
		if s.evidence == nil {
			return in, errors.New("incident: no evidence store configured")
		}
		for _, rec := range c.Evidence {
			if !IsReportedMessage(rec.MediaType) || (r.Evidence != "" && rec.SHA256 != r.Evidence) {
				continue
			}
			raw, err := s.evidence.ReadAll(rec.SHA256)
			if err == nil {
				raw, err = ReportedMessageBytes(rec.MediaType, raw)
			}
			if err != nil {
				return in, fmt.Errorf("incident %d: %w", id, err)
			}
			in.Messages = append(in.Messages, ReportedMessage{Record: rec, Raw: raw})
		}
		if len(in.Messages) == 0 {
			return in, fail(ErrNotFound, "l'incident %d n'a pas de message signalé parmi ses preuves%s (vigie incident add-evidence %d FICHIER.eml)",
				"incident %d has no reported message among its evidence%s (vigie incident add-evidence %d FILE.eml)", id, sumNote(r.Evidence), id)
		}
	}
	in.Correspondents = Correspondents(c.Journal, r.Account)
	return in, nil
}

func sumNote(sum string) string {
	if sum == "" {
		return ""
	}
	return " " + sum
}

// journalAny appends an entry even to a closed incident: producing a
// report or an export is recorded whatever the state.
func (s *Service) journalAny(ctx context.Context, id int64, d journal.Draft) (journal.Entry, error) {
	var e journal.Entry
	now := s.Now()
	err := s.change(ctx, id, true, func(tx Tx, j *journaler) error {
		var err error
		e, err = j.append(ctx, d, now)
		return err
	})
	if err != nil {
		return e, fmt.Errorf("incident %d: %w", id, err)
	}
	return e, nil
}

// Export writes the incident's evidence, its journal, case file and
// reports (Markdown and HTML), and a manifest of hashes with the chain of
// custody to dir, after checking the journal; every copy is re-read and
// checked. The export itself is journaled first, so the manifest's journal
// head covers it: publish that head (send it to the CERT) to anchor the
// journal outside the database.
func (s *Service) Export(ctx context.Context, id int64, dir, by string) (evidence.Manifest, error) {
	if s.evidence == nil {
		return evidence.Manifest{}, errors.New("incident: no evidence store configured")
	}
	if _, err := s.Verify(ctx, id, VerifyRequest{}); err != nil {
		return evidence.Manifest{}, fail(err, "export refusé", "export refused")
	}
	if _, err := s.journalAny(ctx, id, journal.Draft{Author: by, Kind: journal.Action,
		Text: "Export des preuves, de la main courante et du dossier vers " + dir + "."}); err != nil {
		return evidence.Manifest{}, err
	}
	c, err := s.Load(ctx, id)
	if err != nil {
		return evidence.Manifest{}, err
	}
	atts, err := caseAttachments(c)
	if err != nil {
		return evidence.Manifest{}, err
	}
	if s.renderer != nil {
		for _, f := range []string{"md", "html"} {
			doc, err := s.renderer.Render(ReportInput{Case: c, Request: ReportRequest{Format: f, By: by}, Profile: s.profile, Now: s.Now})
			if err != nil {
				return evidence.Manifest{}, err
			}
			atts = append(atts, evidence.Attachment{Name: "rapport." + f, Data: doc.Data})
		}
	}
	m := evidence.Manifest{IncidentID: id, ExportedAt: s.Now(), ExportedBy: by,
		JournalHead: c.Incident.Journal.Hash, JournalSeq: c.Incident.Journal.Seq}
	m, err = s.evidence.Export(dir, m, c.Evidence, atts)
	if err != nil {
		return m, fmt.Errorf("incident %d: export: %w", id, err)
	}
	return m, nil
}

// EvidenceBytes returns a piece of the incident's evidence, checked
// against its hash; sum "" picks the first reported message.
func (s *Service) EvidenceBytes(ctx context.Context, id int64, sum string) (evidence.Record, []byte, error) {
	if s.evidence == nil {
		return evidence.Record{}, nil, errors.New("incident: no evidence store configured")
	}
	c, err := s.repo.Load(ctx, id)
	if err != nil {
		return evidence.Record{}, nil, err
	}
	for _, r := range c.Evidence {
		if r.SHA256 == sum || (sum == "" && IsReportedMessage(r.MediaType)) {
			b, err := s.evidence.ReadAll(r.SHA256)
			return r, b, err
		}
	}
	return evidence.Record{}, nil, fail(ErrNotFound, "l'incident %d n'a pas la preuve %s", "incident %d: evidence %s not found", id, sum)
}
