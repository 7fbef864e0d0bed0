package report

import (
	"bytes"
	"fmt"
	"time"

	"vigie.dev/vigie/internal/ir/incident"
)

// Renderer produces every report format of an incident; the incident
// service journals each production (incident.Renderer).
type Renderer struct {
	// Exclude leaves out of MISP and STIX exports what must not be
	// shared (see ShareOptions.Exclude); nil shares every indicator.
	Exclude func(kind, value string) bool
}

var formats = []incident.Format{
	{Name: "md", LabelFR: "rapport d'incident (Markdown)", LabelEN: "incident report (Markdown)", NeedsPassage: true},
	{Name: "html", LabelFR: "rapport d'incident (HTML)", LabelEN: "incident report (HTML)", NeedsPassage: true},
	{Name: "declarations", LabelFR: "liste des déclarations et échéances", LabelEN: "notifications and deadlines"},
	{Name: "health-report", LabelFR: "déclaration CERT Santé / ARS pré-remplie", LabelEN: "CERT Santé / ARS report, pre-filled"},
	{Name: "contacts", LabelFR: "annexe Contacts", LabelEN: "contacts annex"},
	{Name: "warning", LabelFR: "avertissement aux destinataires de la campagne", LabelEN: "warning to the campaign's recipients"},
	{Name: "warning-correspondents", LabelFR: "avertissement aux correspondants du compte compromis (InterCERT 4.b)", LabelEN: "warning to the compromised account's correspondents (InterCERT 4.b)"},
	{Name: "accounting-alert", LabelFR: "alerte à la comptabilité (leurre Chorus Pro : RIB et paiements)", LabelEN: "alert to accounting (Chorus Pro lure: bank details and payments)"},
	{Name: "arf", LabelFR: "signalement d'abus ARF", LabelEN: "ARF abuse report", NeedsMessages: true},
	{Name: "xarf", LabelFR: "signalement d'abus X-ARF v4", LabelEN: "X-ARF v4 abuse report", NeedsMessages: true},
	{Name: "signal-spam", LabelFR: "messages pour Signal Spam (mbox)", LabelEN: "messages for Signal Spam (mbox)", NeedsMessages: true},
	{Name: "phishtank", LabelFR: "URL pour PhishTank (CSV)", LabelEN: "URLs for PhishTank (CSV)"},
	{Name: "misp", LabelFR: "événement MISP", LabelEN: "MISP event"},
	{Name: "stix", LabelFR: "bundle STIX 2.1", LabelEN: "STIX 2.1 bundle"},
}

var fileTypes = map[string][2]string{ // format → extension, media type
	"md": {"md", "text/markdown; charset=utf-8"}, "html": {"html", "text/html; charset=utf-8"},
	"declarations": {"txt", "text/plain; charset=utf-8"}, "health-report": {"txt", "text/plain; charset=utf-8"},
	"contacts": {"txt", "text/plain; charset=utf-8"}, "warning": {"txt", "text/plain; charset=utf-8"},
	"warning-correspondents": {"txt", "text/plain; charset=utf-8"}, "accounting-alert": {"txt", "text/plain; charset=utf-8"},
	"arf": {"eml", "message/rfc822"}, "xarf": {"xarf.json", "application/json"},
	"signal-spam": {"mbox", "application/mbox"}, "phishtank": {"csv", "text/csv; charset=utf-8"},
	"misp": {"misp.json", "application/json"}, "stix": {"stix.json", "application/stix+json;version=2.1"},
}

// Formats implements incident.Renderer.
func (Renderer) Formats() []incident.Format { return formats }

// Render implements incident.Renderer.
func (rd Renderer) Render(in incident.ReportInput) (incident.Document, error) {
	r, c := in.Request, in.Case
	now := time.Now()
	if in.Now != nil {
		now = in.Now()
	}
	var b bytes.Buffer
	var err error
	doc := incident.Document{Format: r.Format}
	warn := WarningOptions{Contact: r.Contact, Lang: r.Lang}
	if warn.Contact == "" {
		warn.Contact = in.Profile.HelpDesk
	}
	switch r.Format {
	case "md":
		err = Markdown(&b, c, now, r.Lang)
	case "html":
		err = HTML(&b, c, now, r.Lang)
	case "declarations":
		err = WriteDeclarations(&b, c, now, r.Lang)
	case "health-report":
		err = HealthReport(&b, c, in.Profile, now, r.Lang)
		doc.Recipient = "le CERT Santé et l'ARS"
	case "contacts":
		err = Contacts(&b, in.Profile, r.Lang)
	case "warning":
		err = Warning(&b, c, warn)
	case "warning-correspondents":
		err = CorrespondentWarning(&b, c, r.Account, in.Correspondents, time.Time{}, warn)
		doc.Recipient = fmt.Sprintf("%d correspondant(s)", len(in.Correspondents))
	case "accounting-alert":
		err = AccountingAlert(&b, c, now, warn)
		doc.Recipient = "la comptabilité et les achats"
	case "arf":
		m := in.Messages[0]
		from := r.From
		if from == "" {
			from = in.Profile.Email
		}
		err = ARF(&b, c, m.Raw, m.Record.SHA256, ARFOptions{From: from, To: r.To, ReportingMTA: r.ReportingMTA, Now: now, Lang: r.Lang})
		doc.Recipient = r.To
	case "xarf":
		contact := r.From
		if contact == "" {
			contact = in.Profile.Email
		}
		err = XARF(&b, c, in.Messages, XARFOptions{Org: r.Org, Contact: contact, URL: r.Indicator, Now: now, Lang: r.Lang})
		doc.Recipient = r.To
	case "signal-spam":
		err = SignalSpam(&b, in.Messages)
	case "phishtank":
		err = PhishTank(&b, c, r.Target)
	case "misp":
		err = MISP(&b, c, ShareOptions{Org: r.Org, TLP: r.TLP, Exclude: rd.Exclude, Lang: r.Lang})
	case "stix":
		err = STIX(&b, c, ShareOptions{Org: r.Org, TLP: r.TLP, Exclude: rd.Exclude, Lang: r.Lang})
	default:
		return doc, fmt.Errorf("report: unknown format %q", r.Format)
	}
	if err == nil && in.Passage != nil {
		err = addPassage(&b, r.Format, in.Passage, r.Lang)
	}
	if err != nil {
		return doc, err
	}
	for _, f := range formats {
		if f.Name == r.Format {
			doc.LabelFR, doc.Label = f.LabelFR, pickLang(r.Lang, f.LabelFR, f.LabelEN)
		}
	}
	ft := fileTypes[r.Format]
	doc.FileName = fmt.Sprintf("incident-%d-%s.%s", c.Incident.ID, r.Format, ft[0])
	doc.MediaType = ft[1]
	doc.Data = b.Bytes()
	return doc, nil
}
