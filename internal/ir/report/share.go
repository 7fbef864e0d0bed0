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

// ShareOptions name the organisation sharing the indicators.
type ShareOptions struct {
	Org string // "": "Vigie"
	Now time.Time
	// TLP is the Traffic Light Protocol level: clear, green, amber
	// (default) or red.
	TLP string
}

func (o *ShareOptions) defaults() {
	if o.Org == "" {
		o.Org = "Vigie"
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.TLP == "" {
		o.TLP = "amber"
	}
}

// shared returns the indicators worth sharing: those pushed in block mode
// and those still proposed (a partner may well block what we only watch,
// but our watch list stays ours).
func shared(c incident.Case) []incident.Indicator {
	var out []incident.Indicator
	for _, ind := range c.Indicators {
		if ind.State == incident.Pushed && ind.Mode == "watch" {
			continue
		}
		out = append(out, ind)
	}
	return out
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
	UUID         string `json:"uuid"`
	EventID      string `json:"event_id"`
	Category     string `json:"category"`
	Type         string `json:"type"`
	Value        string `json:"value"`
	ToIDS        bool   `json:"to_ids"`
	Comment      string `json:"comment"`
	Timestamp    string `json:"timestamp"`
	Distribution string `json:"distribution"`
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
func MISP(w io.Writer, c incident.Case, o ShareOptions) error {
	o.defaults()
	ts := strconv.FormatInt(o.Now.Unix(), 10)
	id := strconv.FormatInt(c.Incident.ID, 10)
	org := mispOrg{ID: "0", Name: o.Org, UUID: stableUUID("org", o.Org).String()}
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
		Info:          fmt.Sprintf("%s: %s", c.Incident.Type, c.Incident.Title),
		Date:          c.Incident.OpenedAt.UTC().Format("2006-01-02"),
		ThreatLevelID: threat, Analysis: analysis, Distribution: "0", SharingGroupID: "0",
		Timestamp: ts, PublishTimestamp: "0", OrgID: "0", OrgcID: "0", Org: org, Orgc: org,
		Tag: []mispTag{{"tlp:" + o.TLP}, {"rsit:fraud=\"phishing\""}},
	}
	for _, ind := range shared(c) {
		ct, ok := mispTypes[ind.Kind]
		if !ok {
			continue
		}
		ev.Attribute = append(ev.Attribute, mispAttribute{
			UUID: stableUUID("misp-attr", ev.UUID, ind.Kind, ind.Value).String(), EventID: id,
			Category: ct[0], Type: ct[1], Value: ind.Value, ToIDS: ind.Kind != incident.KindFuzzy,
			Comment: ind.Origin, Timestamp: ts, Distribution: "5",
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

// STIX writes a STIX 2.1 bundle: the sharing organisation's identity, one
// indicator per observable (the phishing URLs first among them) with a
// STIX pattern such as [url:value = '…'], and a report grouping them.
func STIX(w io.Writer, c incident.Case, o ShareOptions) error {
	o.defaults()
	ts := o.Now.UTC().Format("2006-01-02T15:04:05.000Z")
	idn := "identity--" + stableUUID("identity", o.Org).String()
	tlp := map[string]string{ // STIX 2.1 §7.2.1.4 predefined TLP markings
		"clear": "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
		"green": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
		"amber": "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
		"red":   "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
	}[o.TLP]
	objs := []map[string]any{{
		"type": "identity", "spec_version": "2.1", "id": idn, "created": ts, "modified": ts,
		"name": o.Org, "identity_class": "organization",
	}}
	var refs []string
	for _, ind := range shared(c) {
		pattern, name := stixPattern(ind)
		if pattern == "" {
			continue
		}
		obj := map[string]any{
			"type": "indicator", "spec_version": "2.1",
			"id":      "indicator--" + stableUUID("stix-indicator", o.Org, strconv.FormatInt(c.Incident.ID, 10), ind.Kind, ind.Value).String(),
			"created": ts, "modified": ts, "created_by_ref": idn,
			"name": name, "description": fmt.Sprintf("%s (%s), incident %d", name, ind.Origin, c.Incident.ID),
			"indicator_types": []string{"malicious-activity"},
			"pattern":         pattern, "pattern_type": "stix", "pattern_version": "2.1",
			"valid_from": c.Incident.OpenedAt.UTC().Format("2006-01-02T15:04:05.000Z"),
		}
		if !ind.ExpiresAt.IsZero() {
			obj["valid_until"] = ind.ExpiresAt.UTC().Format("2006-01-02T15:04:05.000Z")
		}
		if tlp != "" {
			obj["object_marking_refs"] = []string{tlp}
		}
		objs = append(objs, obj)
		refs = append(refs, obj["id"].(string))
	}
	if len(refs) > 0 {
		rep := map[string]any{
			"type": "report", "spec_version": "2.1",
			"id":      "report--" + stableUUID("stix-report", o.Org, strconv.FormatInt(c.Incident.ID, 10)).String(),
			"created": ts, "modified": ts, "created_by_ref": idn,
			"name":         fmt.Sprintf("Incident %d: %s", c.Incident.ID, c.Incident.Title),
			"report_types": []string{"campaign", "indicator"},
			"published":    ts, "object_refs": refs,
		}
		if tlp != "" {
			rep["object_marking_refs"] = []string{tlp}
		}
		objs = append(objs, rep)
	}
	bundle := map[string]any{
		"type":    "bundle",
		"id":      "bundle--" + stableUUID("stix-bundle", o.Org, strconv.FormatInt(c.Incident.ID, 10), ts).String(),
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
			return "[ipv6-addr:value = '" + q + "']", "Sending IP"
		}
		return "[ipv4-addr:value = '" + q + "']", "Sending IP"
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
