package ioc

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// stixTLP maps the TLP marking definitions of STIX 2.1 (TLP 1.0, spec
// §7.2.1.4) and of the TLP 2.0 extension to TLP names.
var stixTLP = map[string]string{
	"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "clear",
	"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "green",
	"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "amber",
	"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "red",
	"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": "clear",
	"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": "green",
	"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": "amber",
	"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": "amber+strict",
	"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": "red",
}

// stixPaths maps the object paths of equality comparisons Vigie can hold
// to indicator kinds.
var stixPaths = map[string]Kind{
	"ipv4-addr:value":                KindIP,
	"ipv6-addr:value":                KindIP,
	"domain-name:value":              KindDomain,
	"url:value":                      KindURL,
	"email-addr:value":               KindEmail,
	"email-message:from_ref.value":   KindEmail,
	"email-message:sender_ref.value": KindEmail,
	"file:hashes.'sha-256'":          KindSHA256,
	"file:hashes.sha256":             KindSHA256,
	"file:hashes.'sha256'":           KindSHA256,
}

type stixObject struct {
	Type          string    `json:"type"`
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	Description   string    `json:"description"`
	Pattern       string    `json:"pattern"`
	PatternType   string    `json:"pattern_type"`
	Confidence    *int      `json:"confidence"`
	Labels        []string  `json:"labels"`
	Types         []string  `json:"indicator_types"`
	ValidUntil    time.Time `json:"valid_until"`
	Revoked       bool      `json:"revoked"`
	ObjectMarking []string  `json:"object_marking_refs"`
}

// stix reads a STIX 2.1 bundle. Each indicator whose pattern is one
// equality comparison, or comparisons joined by OR, on an address, a
// domain name, a URL, an e-mail address or a SHA-256 becomes one record
// per value; any other pattern (AND, MATCHES, MD5, a time window...) says
// more than a value list can hold and is reported, not approximated.
// Revoked indicators are reported and skipped; objects other than
// indicators (reports, observed data, relationships) are not indicators
// and are passed over. Entry numbers stand for line numbers.
func (fr *feedReader) stix(r io.Reader) error {
	return fr.jsonArray(r, []string{"objects"}, func(_ int, raw json.RawMessage) error {
		var o stixObject
		if err := json.Unmarshal(raw, &o); err != nil {
			return err
		}
		if o.Type != "indicator" {
			return nil
		}
		if o.PatternType != "" && o.PatternType != "stix" {
			return fmt.Errorf("%s: pattern type %q not supported", o.ID, o.PatternType)
		}
		if o.Revoked {
			return fmt.Errorf("%s: revoked, not imported", o.ID)
		}
		values, err := stixValues(o.Pattern)
		if err != nil {
			return fmt.Errorf("%s: %w", o.ID, err)
		}
		base := Record{Reason: o.Name, Expires: o.ValidUntil, Tags: NormalizeTags(append(o.Types, o.Labels...)...)}
		if base.Reason == "" {
			base.Reason = o.Description
		}
		base.Reason = clipReason(base.Reason)
		if o.Confidence != nil {
			base.Confidence = max(0, min(100, *o.Confidence))
		}
		for _, m := range o.ObjectMarking {
			if t, ok := stixTLP[m]; ok {
				base.TLP = t
			}
		}
		for _, kv := range values {
			rec := base
			rec.Kind = kv.k
			if rec.Value, err = Parse(kv.k, kv.v); err != nil {
				return err
			}
			if err := fr.emit(rec); err != nil {
				return err
			}
		}
		return nil
	})
}

func clipReason(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 1024 {
		s = s[:1024]
	}
	return s
}

// stixValues reads a STIX pattern made only of equality comparisons on
// supported paths joined by OR, inside one or several observation
// expressions ("[a = 'x' OR b = 'y'] OR [c = 'z']").
func stixValues(p string) ([]kindValue, error) {
	var out []kindValue
	s := strings.TrimSpace(p)
	if s == "" {
		return nil, errors.New("empty pattern")
	}
	for s != "" {
		if s[0] != '[' {
			return nil, fmt.Errorf("pattern %q: only OR-ed comparisons can be imported", clip(p))
		}
		end, err := stixBracket(s)
		if err != nil {
			return nil, fmt.Errorf("pattern %q: %w", clip(p), err)
		}
		vals, err := stixComparisons(s[1:end])
		if err != nil {
			return nil, fmt.Errorf("pattern %q: %w", clip(p), err)
		}
		out = append(out, vals...)
		s = strings.TrimSpace(s[end+1:])
		if s == "" {
			break
		}
		rest, ok := cutWord(s, "OR")
		if !ok {
			return nil, fmt.Errorf("pattern %q: only OR-ed comparisons can be imported", clip(p))
		}
		s = rest
	}
	return out, nil
}

// stixBracket returns the index of the ']' closing the observation
// expression s opens, skipping quoted strings.
func stixBracket(s string) (int, error) {
	inQuote := false
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case inQuote && c == '\\':
			i++
		case c == '\'':
			inQuote = !inQuote
		case !inQuote && c == ']':
			return i, nil
		}
	}
	return 0, errors.New("unterminated [")
}

// stixComparisons reads "path = 'value' OR path = 'value'...".
func stixComparisons(s string) ([]kindValue, error) {
	var out []kindValue
	for {
		s = strings.TrimSpace(s)
		eq := strings.Index(s, "=")
		if eq <= 0 || eq > 0 && strings.ContainsAny(s[eq-1:eq], "!<>") {
			return nil, errors.New("only equality comparisons can be imported")
		}
		path := strings.ToLower(strings.TrimSpace(s[:eq]))
		if strings.ContainsAny(path, " \t") {
			return nil, errors.New("only equality comparisons can be imported")
		}
		k, ok := stixPaths[path]
		if !ok {
			return nil, fmt.Errorf("object path %s not supported", path)
		}
		rest := strings.TrimSpace(s[eq+1:])
		if rest == "" || rest[0] != '\'' {
			return nil, errors.New("value is not a quoted string")
		}
		var v strings.Builder
		i := 1
		for ; i < len(rest); i++ {
			c := rest[i]
			if c == '\\' && i+1 < len(rest) {
				i++
				v.WriteByte(rest[i])
				continue
			}
			if c == '\'' {
				break
			}
			v.WriteByte(c)
		}
		if i >= len(rest) {
			return nil, errors.New("unterminated string")
		}
		out = append(out, kindValue{k, v.String()})
		s = strings.TrimSpace(rest[i+1:])
		if s == "" {
			return out, nil
		}
		var ok2 bool
		if s, ok2 = cutWord(s, "OR"); !ok2 {
			return nil, errors.New("only comparisons joined by OR can be imported")
		}
	}
}

// cutWord removes a leading keyword (case-insensitive) followed by space
// or '['.
func cutWord(s, w string) (string, bool) {
	if len(s) > len(w) && strings.EqualFold(s[:len(w)], w) && (s[len(w)] == ' ' || s[len(w)] == '\t' || s[len(w)] == '[') {
		return strings.TrimSpace(s[len(w):]), true
	}
	return s, false
}
