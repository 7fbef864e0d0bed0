package incident

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"vigie.dev/vigie/internal/ir/journal"
)

// HuntRow is one recipient of one matching message.
type HuntRow struct {
	Time      time.Time `json:"time"`
	Recipient string    `json:"recipient"`
	Action    string    `json:"action"`
	From      string    `json:"from,omitempty"`
	Subject   string    `json:"subject,omitempty"`
	MessageID string    `json:"message_id,omitempty"`
	ClientIP  string    `json:"client_ip,omitempty"`
	Matched   []string  `json:"matched,omitempty"`
}

// HuntResult answers "who else received it?".
type HuntResult struct {
	IncidentID int64     `json:"incident_id"`
	Since      time.Time `json:"since"`
	Until      time.Time `json:"until"`
	Messages   int       `json:"messages"`
	Rows       []HuntRow `json:"rows"`
	// ToWarn are the recipients whose copy reached the mailbox (delivered
	// or only tagged): the users to warn.
	ToWarn []string `json:"to_warn"`
}

// Query builds the trace query of an incident's indicators.
func Query(inds []Indicator, since, until time.Time) TraceQuery {
	q := TraceQuery{Since: since, Until: until}
	for _, ind := range inds {
		switch ind.Kind {
		case KindEmail:
			q.Senders = append(q.Senders, ind.Value)
		case KindIP:
			q.IPs = append(q.IPs, ind.Value)
		case KindDomain:
			q.Domains = append(q.Domains, ind.Value)
		case KindHost:
			q.Hosts = append(q.Hosts, ind.Value)
		case KindURL:
			q.URLs = append(q.URLs, ind.Value)
		case KindSHA256:
			q.SHA256 = append(q.SHA256, ind.Value)
		case KindFuzzy:
			q.Fuzzy = append(q.Fuzzy, ind.Value)
		}
	}
	return q
}

// Hunt searches the message trace of the last days for every message that
// carries one of the incident's indicators and lists its recipients, then
// journals the result with the recipients as the accounts concerned.
func (s *Service) Hunt(ctx context.Context, id int64, days int, by string) (HuntResult, error) {
	if s.trace == nil {
		return HuntResult{}, errors.New("incident: no message trace configured")
	}
	if days <= 0 {
		return HuntResult{}, fail(nil, "recherche sur %d jour(s) : un nombre positif est attendu", "hunt over %d days: want a positive number", days)
	}
	c, err := s.repo.Load(ctx, id)
	if err != nil {
		return HuntResult{}, err
	}
	if c.Incident.Status == Closed {
		return HuntResult{}, closedError(c.Incident)
	}
	if len(c.Indicators) == 0 {
		return HuntResult{}, fail(nil, "l'incident %d n'a pas d'indicateurs à rechercher (ajoutez d'abord le message signalé)",
			"incident %d has no indicators to hunt for (add the reported message first)", id)
	}
	until := s.now().UTC()
	since := until.Add(-time.Duration(days) * 24 * time.Hour)
	recs, err := s.trace.Search(ctx, Query(c.Indicators, since, until))
	if err != nil {
		return HuntResult{}, fmt.Errorf("incident %d: hunt: %w", id, err)
	}
	res := HuntResult{IncidentID: id, Since: since, Until: until, Messages: len(recs)}
	warn := map[string]bool{}
	counts := map[string]int{}
	for _, r := range recs {
		for _, rcpt := range r.Recipients {
			res.Rows = append(res.Rows, HuntRow{Time: r.Time.UTC(), Recipient: rcpt, Action: r.Action, From: r.From,
				Subject: r.Subject, MessageID: r.MessageID, ClientIP: r.ClientIP, Matched: r.Matched})
			counts[r.Action]++
			if reachedMailbox(r.Action) && !warn[rcpt] {
				warn[rcpt] = true
				res.ToWarn = append(res.ToWarn, rcpt)
			}
		}
	}
	slices.SortStableFunc(res.Rows, func(a, b HuntRow) int { return a.Time.Compare(b.Time) })
	slices.Sort(res.ToWarn)
	var parts []string
	for _, a := range []string{"delivered", "tagged", "quarantined", "rejected", "deferred"} {
		if counts[a] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", actionFR(a), counts[a]))
		}
	}
	text := fmt.Sprintf("Recherche rétrospective sur %d jour(s) (%d indicateurs) : %d message(s), %d destinataire(s)",
		days, len(c.Indicators), res.Messages, len(res.Rows))
	if len(parts) > 0 {
		text += " (" + strings.Join(parts, ", ") + ")"
	}
	text += fmt.Sprintf(" ; %d utilisateur(s) à prévenir.", len(res.ToWarn))
	if _, err := s.Log(ctx, id, journal.Draft{Author: by, Kind: journal.Finding, Text: text, Accounts: res.ToWarn}); err != nil {
		return res, err
	}
	return res, nil
}

// reachedMailbox reports whether a trace action left the message in the
// user's mailbox.
func reachedMailbox(action string) bool {
	switch action {
	case "delivered", "accept", "tagged", "tag":
		return true
	}
	return false
}

// WriteTable prints the result for a terminal, in lang (fr or en); the
// attacker's text (sender, subject) is shown neutralised.
func (r HuntResult) WriteTable(w io.Writer, lang string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if lang == "en" {
		fmt.Fprintln(tw, "TIME (UTC)\tRECIPIENT\tACTION\tFROM\tSUBJECT")
	} else {
		fmt.Fprintln(tw, "HEURE (UTC)\tDESTINATAIRE\tACTION\tEXPÉDITEUR\tOBJET")
	}
	for _, row := range r.Rows {
		action := row.Action
		if lang != "en" {
			action = actionFR(action)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", row.Time.Format("2006-01-02 15:04:05"), journal.Printable(row.Recipient),
			action, journal.Printable(row.From), journal.Printable(row.Subject))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	format := "\n%d message(s), %d destinataire(s) ; à prévenir (%d) : %s\n"
	if lang == "en" {
		format = "\n%d message(s), %d recipient(s); to warn (%d): %s\n"
	}
	_, err := fmt.Fprintf(w, format, r.Messages, len(r.Rows), len(r.ToWarn), journal.Printable(strings.Join(r.ToWarn, ", ")))
	return err
}

// WriteJSON writes the result as one JSON document.
func (r HuntResult) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteCSV writes one line per recipient.
func (r HuntResult) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"time", "recipient", "action", "from", "subject", "message_id", "client_ip", "matched"})
	for _, row := range r.Rows {
		cw.Write([]string{row.Time.Format(time.RFC3339), row.Recipient, row.Action, row.From, row.Subject,
			row.MessageID, row.ClientIP, strings.Join(row.Matched, " ")})
	}
	cw.Flush()
	return cw.Error()
}
