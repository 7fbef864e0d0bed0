package report

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"vigie.dev/vigie/internal/ir/incident"
)

// XARFOptions address an X-ARF report.
type XARFOptions struct {
	Org     string // the reporting organisation
	Contact string // its abuse mailbox (an e-mail address)
	URL     string // the phishing URL to report ("": the first one of the case)
	Lang    string // "en": the evidence described in English only (default: French, then English)
	Now     time.Time
}

// XARF writes an X-ARF v4 report (content / phishing) for one phishing
// URL of the incident, with the reported message attached as evidence:
// the JSON abuse report hosting providers and registrars read
// automatically. X-ARF reports one abuse per document; run it once per
// URL.
func XARF(w io.Writer, c incident.Case, msgs []incident.ReportedMessage, o XARFOptions) error {
	if o.Org == "" || o.Contact == "" {
		return &reportError{en: "xarf: the reporting organisation and its abuse mailbox are required (incidents.profile org and email, or --from)",
			fr: "x-arf : l'organisation déclarante et sa boîte abuse sont obligatoires (incidents.profile org et email, ou --from)"}
	}
	_, domain, ok := strings.Cut(o.Contact, "@")
	if !ok || domain == "" {
		return &reportError{en: fmt.Sprintf("xarf: contact %q is not an e-mail address", o.Contact),
			fr: fmt.Sprintf("x-arf : le contact %q n'est pas une adresse électronique", o.Contact)}
	}
	var target *incident.Indicator
	for i, ind := range c.Indicators {
		if ind.Kind == incident.KindURL && (o.URL == "" || ind.Value == o.URL) && !watched(ind) {
			target = &c.Indicators[i]
			break
		}
	}
	if target == nil {
		return &reportError{en: "xarf: the incident has no phishing URL to report" + urlNote(o.URL),
			fr: "x-arf : l'incident n'a pas d'URL d'hameçonnage à signaler" + urlNote(o.URL)}
	}
	u, err := url.Parse(target.Value)
	if err != nil || u.Hostname() == "" {
		return fmt.Errorf("report: xarf: %q is not an absolute URL", target.Value)
	}
	seen := target.AddedAt
	var evidence []map[string]any
	for _, m := range msgs {
		if target.Evidence != "" && m.Record.SHA256 != target.Evidence {
			continue
		}
		if t, ok := dateOf(m.Raw); ok {
			seen = t
		}
		evidence = append(evidence, map[string]any{
			"content_type": "message/rfc822",
			"description":  pickLang(o.Lang, "Message d'hameçonnage signalé, en-têtes complets / reported phishing message, full headers", "reported phishing message, full headers"),
			"payload":      base64.StdEncoding.EncodeToString(m.Raw),
			"hash":         "sha256:" + m.Record.SHA256,
		})
	}
	if seen.IsZero() {
		seen = c.Incident.AwareAt
	}
	contact := map[string]any{"org": o.Org, "contact": o.Contact, "domain": strings.ToLower(domain)}
	rep := map[string]any{
		"xarf_version":      "4.2.0",
		"report_id":         stableUUID("xarf", o.Org, fmt.Sprint(c.Incident.ID), target.Value).String(),
		"timestamp":         seen.UTC().Format(time.RFC3339),
		"reporter":          contact,
		"sender":            contact,
		"source_identifier": u.Hostname(),
		"category":          "content",
		"type":              "phishing",
		"evidence_source":   "user_report",
		"url":               target.Value,
		"description":       fmt.Sprintf("Phishing page linked from a campaign received by %s (incident %d).", o.Org, c.Incident.ID),
		"confidence":        0.9,
		"tags":              []string{"technique:credential_harvesting"},
	}
	if len(evidence) > 0 {
		rep["evidence"] = evidence
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rep); err != nil {
		return fmt.Errorf("report: xarf: %w", err)
	}
	return nil
}

func urlNote(u string) string {
	if u == "" {
		return ""
	}
	return " (" + u + ")"
}

// reportError is a refusal with its French text.
type reportError struct{ en, fr string }

func (e *reportError) Error() string { return "report: " + e.en }

// FR is the message in French.
func (e *reportError) FR() string { return e.fr }
