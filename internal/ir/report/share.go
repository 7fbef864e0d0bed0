package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"vigie.dev/vigie/internal/ir/incident"
)

func bufioReader(b []byte) *bufio.Reader { return bufio.NewReader(bytes.NewReader(b)) }

// namespace derives stable identifiers, so exporting the same case twice
// gives the same MISP and STIX ids and a receiver updates rather than
// duplicates.
var namespace = uuid.MustParse("8b0f3c52-6a57-4e0d-9f59-4c1f5d6a7e21")

func stableUUID(parts ...string) uuid.UUID {
	return uuid.NewSHA1(namespace, []byte(strings.Join(parts, "\x00")))
}

// ShareOptions name the organisation sharing the indicators and the TLP
// level they are shared under.
type ShareOptions struct {
	Org string // "": "Vigie"
	// TLP is a TLP 2.0 level, English or French ("": amber); an unknown
	// level is refused.
	TLP string
	// Exclude, when set, leaves out what must not be shared: the values
	// the indicator store's guard refuses or calls shared infrastructure
	// (the same filter as extraction; bridge.Indicators.Exclude).
	Exclude func(kind, value string) bool
	// Lang "en" writes the comments for people in English (default French).
	Lang string
}

func (o *ShareOptions) parse() (TLP, error) {
	if o.Org == "" {
		o.Org = "Vigie"
	}
	return ParseTLP(o.TLP)
}

// shared returns the indicators worth sharing: the ones blocked or
// proposed, and the ones watched. A watched indicator (an attacker's IP
// seen signing in, a sender domain that may also send legitimate mail) is
// shared for correlation, marked not for blocking (MISP to_ids false, STIX
// anomalous-activity).
// Values the indicator store's guard refuses or calls shared
// infrastructure (o.Exclude) are not shared: the same filter as
// extraction.
func shared(c incident.Case, o ShareOptions) []incident.Indicator {
	if o.Exclude == nil {
		return c.Indicators
	}
	var out []incident.Indicator
	for _, ind := range c.Indicators {
		if !o.Exclude(ind.Kind, ind.Value) {
			out = append(out, ind)
		}
	}
	return out
}

func watched(ind incident.Indicator) bool {
	return ind.Mode == "watch" || (ind.State == incident.Proposed && ind.Suggested == "watch")
}

// modified is when an indicator last changed: proposed, then pushed.
func modified(ind incident.Indicator, fallback time.Time) (created, mod time.Time) {
	created = ind.AddedAt
	if created.IsZero() {
		created = fallback
	}
	mod = created
	if ind.PushedAt.After(mod) {
		mod = ind.PushedAt
	}
	return created.UTC(), mod.UTC()
}

// caseModified is the newest change to what is shared.
func caseModified(c incident.Case) time.Time {
	m := c.Incident.OpenedAt
	for _, ind := range c.Indicators {
		if _, mod := modified(ind, c.Incident.OpenedAt); mod.After(m) {
			m = mod
		}
	}
	if c.Incident.ClosedAt.After(m) {
		m = c.Incident.ClosedAt
	}
	return m.UTC()
}

var mispTypes = map[string][2]string{ // kind → category, type
	incident.KindEmail:  {"Payload delivery", "email-src"},
	incident.KindIP:     {"Network activity", "ip-src"},
	incident.KindDomain: {"Network activity", "domain"},
	incident.KindHost:   {"Network activity", "hostname"},
	incident.KindURL:    {"Network activity", "url"},
	incident.KindSHA256: {"Payload delivery", "sha256"},
	incident.KindFuzzy:  {"Other", "text"},
}

type mispAttribute struct {
	ID             string    `json:"id"`
	UUID           string    `json:"uuid"`
	EventID        string    `json:"event_id"`
	ObjectID       string    `json:"object_id"`
	Category       string    `json:"category"`
	Type           string    `json:"type"`
	Value          string    `json:"value"`
	ToIDS          bool      `json:"to_ids"`
	Comment        string    `json:"comment"`
	Timestamp      string    `json:"timestamp"`
	Distribution   string    `json:"distribution"`
	SharingGroupID string    `json:"sharing_group_id"`
	Deleted        bool      `json:"deleted"`
	Tag            []mispTag `json:"Tag,omitempty"`
}

type mispOrg struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	UUID string `json:"uuid"`
}

type mispEvent struct {
	ID                 string          `json:"id"`
	UUID               string          `json:"uuid"`
	Info               string          `json:"info"`
	Date               string          `json:"date"`
	ThreatLevelID      string          `json:"threat_level_id"`
	Analysis           string          `json:"analysis"`
	Distribution       string          `json:"distribution"`
	SharingGroupID     string          `json:"sharing_group_id"`
	Published          bool            `json:"published"`
	Timestamp          string          `json:"timestamp"`
	PublishTimestamp   string          `json:"publish_timestamp"`
	OrgID              string          `json:"org_id"`
	OrgcID             string          `json:"orgc_id"`
	Org                mispOrg         `json:"Org"`
	Orgc               mispOrg         `json:"Orgc"`
	Attribute          []mispAttribute `json:"Attribute"`
	Tag                []mispTag       `json:"Tag"`
	AttributeCount     string          `json:"attribute_count"`
	DisableCorrelation bool            `json:"disable_correlation"`
}

type mispTag struct {
	Name string `json:"name"`
}

// MISP writes the incident's indicators as a MISP event (MISP core
// format), unpublished, to be imported and reviewed on a MISP instance.
// Watched indicators are attributes with to_ids false. Timestamps are the
// indicators' own, so exporting an unchanged case twice gives the same
// event.
func MISP(w io.Writer, c incident.Case, o ShareOptions) error {
	tlp, err := o.parse()
	if err != nil {
		return err
	}
	id := strconv.FormatInt(c.Incident.ID, 10)
	org := mispOrg{ID: "1", Name: o.Org, UUID: stableUUID("org", o.Org).String()}
	threat := map[incident.Severity]string{incident.Anomaly: "3", incident.Minor: "2", incident.Major: "1", incident.Crisis: "1"}[c.Incident.Severity]
	if threat == "" {
		threat = "4"
	}
	analysis := "1"
	if c.Incident.Status == incident.Closed {
		analysis = "2"
	}
	ev := mispEvent{
		ID: id, UUID: stableUUID("misp-event", o.Org, id).String(),
		Info:          fmt.Sprintf("%s : %s", c.Incident.Type.FR(), oneLine(c.Incident.Title)),
		Date:          c.Incident.OpenedAt.UTC().Format("2006-01-02"),
		ThreatLevelID: threat, Analysis: analysis, Distribution: "0", SharingGroupID: "0",
		Timestamp: strconv.FormatInt(caseModified(c).Unix(), 10), PublishTimestamp: "0",
		OrgID: org.ID, OrgcID: org.ID, Org: org, Orgc: org,
		Tag:       []mispTag{{"tlp:" + string(tlp)}, {`rsit:fraud="phishing"`}},
		Attribute: []mispAttribute{},
	}
	if c.Incident.Type == incident.MailboxCompromise {
		ev.Tag[1] = mispTag{`rsit:intrusions="unprivileged-account-compromise"`}
	}
	for _, ind := range shared(c, o) {
		ct, ok := mispTypes[ind.Kind]
		if !ok {
			continue
		}
		_, mod := modified(ind, c.Incident.OpenedAt)
		comment := ind.Origin
		if watched(ind) {
			comment += pickLang(o.Lang, " (surveillé, ne pas bloquer sans vérification)", " (watched, do not block without checking)")
		}
		ev.Attribute = append(ev.Attribute, mispAttribute{
			ID: strconv.FormatInt(max(ind.ID, 0), 10), UUID: stableUUID("misp-attr", ev.UUID, ind.Kind, ind.Value).String(),
			EventID: id, ObjectID: "0", Category: ct[0], Type: ct[1], Value: ind.Value,
			ToIDS: ind.Kind != incident.KindFuzzy && !watched(ind), Comment: comment,
			Timestamp: strconv.FormatInt(mod.Unix(), 10), Distribution: "5", SharingGroupID: "0",
		})
	}
	ev.AttributeCount = strconv.Itoa(len(ev.Attribute))
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"Event": ev}); err != nil {
		return fmt.Errorf("report: misp: %w", err)
	}
	return nil
}

// stixTime formats a STIX timestamp (RFC 3339, UTC, milliseconds).
func stixTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// identityCreated dates the sharing organisation's identity object: its
// id derives from the name, so one fixed version keeps it stable.
const identityCreated = "2024-01-01T00:00:00.000Z"

// STIX writes a STIX 2.1 bundle: the sharing organisation's identity, the
// TLP 2.0 marking, one indicator per observable with a STIX pattern such
// as [url:value = '…'] (watched ones as anomalous-activity), and a report
// grouping them. Ids are stable; created is when Vigie first saw the
// indicator and modified moves only when it changes (pushed, closed), as
// STIX versioning requires (§3.6).
func STIX(w io.Writer, c incident.Case, o ShareOptions) error {
	tlp, err := o.parse()
	if err != nil {
		return err
	}
	marking := stixTLP[tlp]
	idn := "identity--" + stableUUID("identity", o.Org).String()
	incID := strconv.FormatInt(c.Incident.ID, 10)
	objs := []map[string]any{
		{"type": "identity", "spec_version": "2.1", "id": idn, "created": identityCreated, "modified": identityCreated,
			"name": o.Org, "identity_class": "organization"},
		stixMarking(tlp),
	}
	var refs []string
	for _, ind := range shared(c, o) {
		pattern, name := stixPattern(ind)
		if pattern == "" {
			continue
		}
		created, mod := modified(ind, c.Incident.OpenedAt)
		types := []string{"malicious-activity"}
		if watched(ind) {
			types = []string{"anomalous-activity"}
		}
		obj := map[string]any{
			"type": "indicator", "spec_version": "2.1",
			"id":      "indicator--" + stableUUID("stix-indicator", o.Org, incID, ind.Kind, ind.Value).String(),
			"created": stixTime(created), "modified": stixTime(mod), "created_by_ref": idn,
			"name": name, "description": fmt.Sprintf("%s (%s), incident %d", name, ind.Origin, c.Incident.ID),
			"indicator_types": types,
			"pattern":         pattern, "pattern_type": "stix", "pattern_version": "2.1",
			"valid_from":          stixTime(created),
			"object_marking_refs": []string{marking},
		}
		if !ind.ExpiresAt.IsZero() && ind.ExpiresAt.After(created) {
			obj["valid_until"] = stixTime(ind.ExpiresAt)
		}
		objs = append(objs, obj)
		refs = append(refs, obj["id"].(string))
	}
	mod := caseModified(c)
	if len(refs) > 0 {
		objs = append(objs, map[string]any{
			"type": "report", "spec_version": "2.1",
			"id":      "report--" + stableUUID("stix-report", o.Org, incID).String(),
			"created": stixTime(c.Incident.OpenedAt), "modified": stixTime(mod), "created_by_ref": idn,
			"name":         fmt.Sprintf(pickLang(o.Lang, "Incident %d : %s", "Incident %d: %s"), c.Incident.ID, oneLine(c.Incident.Title)),
			"report_types": []string{"campaign", "indicator"},
			"published":    stixTime(mod), "object_refs": refs,
			"object_marking_refs": []string{marking},
		})
	}
	bundle := map[string]any{
		"type":    "bundle",
		"id":      "bundle--" + stableUUID("stix-bundle", o.Org, incID, stixTime(mod)).String(),
		"objects": objs,
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(bundle); err != nil {
		return fmt.Errorf("report: stix: %w", err)
	}
	return nil
}

// stixPattern returns the STIX pattern of an indicator and a short name.
func stixPattern(ind incident.Indicator) (pattern, name string) {
	q := stixQuote(ind.Value)
	switch ind.Kind {
	case incident.KindURL:
		return "[url:value = '" + q + "']", "Phishing URL"
	case incident.KindHost, incident.KindDomain:
		return "[domain-name:value = '" + q + "']", "Phishing domain"
	case incident.KindEmail:
		return "[email-addr:value = '" + q + "']", "Phishing sender"
	case incident.KindIP:
		if strings.Contains(ind.Value, ":") {
			return "[ipv6-addr:value = '" + q + "']", "Attacker IP"
		}
		return "[ipv4-addr:value = '" + q + "']", "Attacker IP"
	case incident.KindSHA256:
		return "[file:hashes.'SHA-256' = '" + q + "']", "Malicious attachment"
	}
	return "", ""
}

// stixQuote escapes a string literal of a STIX pattern (backslash and
// single quote).
func stixQuote(s string) string {
	return strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s)
}
