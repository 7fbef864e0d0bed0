package ioc

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// ErrBadDocument is returned when a JSON, STIX or MISP document cannot be
// read at all (not JSON, not the expected shape): nothing is imported.
var ErrBadDocument = errors.New("not a readable document")

// MaxDocument bounds a feed read as one document (JSON, STIX, MISP).
const MaxDocument = 512 << 20

// jsonEntries decodes a JSON array element by element, calling fn with
// each raw element and its 1-based position; a bad element is reported
// under its position ("line" of the result) and the rest still read. A
// top-level object holding the array under key is accepted too.
func (fr *feedReader) jsonArray(r io.Reader, keys []string, fn func(n int, raw json.RawMessage) error) error {
	dec := json.NewDecoder(io.LimitReader(r, MaxDocument))
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("ioc: %s: %w: not JSON: %v", fr.opts.Name, ErrBadDocument, err)
	}
	if d, ok := tok.(json.Delim); ok && d == '{' {
		// Walk the object to the first listed key holding an array.
		found := false
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return fmt.Errorf("ioc: %s: %w: %v", fr.opts.Name, ErrBadDocument, err)
			}
			k, _ := kt.(string)
			if contains(keys, k) {
				if tok, err = dec.Token(); err != nil {
					return fmt.Errorf("ioc: %s: %w: %v", fr.opts.Name, ErrBadDocument, err)
				}
				found = true
				break
			}
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return fmt.Errorf("ioc: %s: %w: %v", fr.opts.Name, ErrBadDocument, err)
			}
		}
		if !found {
			return fmt.Errorf("ioc: %s: %w: no %v array in the object", fr.opts.Name, ErrBadDocument, keys)
		}
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return fmt.Errorf("ioc: %s: %w: want a JSON array", fr.opts.Name, ErrBadDocument)
	}
	for n := 1; dec.More(); n++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			// The syntax is broken from here on: say where, stop.
			fr.bad(n, fmt.Errorf("entry %d: %w", n, err))
			return nil
		}
		fr.line = n
		if err := fn(n, raw); err != nil {
			var cb errCallback
			if errors.As(err, &cb) {
				return cb.err
			}
			fr.bad(n, fmt.Errorf("entry %d: %w", n, err))
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// json reads Vigie's own JSON export (ioc export --format json --all):
// every field is kept, so export then import is a backup and a restore.
// Line numbers in the result are entry numbers.
func (fr *feedReader) json(r io.Reader) error {
	return fr.jsonArray(r, []string{"indicators"}, func(_ int, raw json.RawMessage) error {
		var in Indicator
		if err := json.Unmarshal(raw, &in); err != nil {
			return err
		}
		k, err := ParseKind(string(in.Kind))
		if err != nil {
			return err
		}
		if in.Value, err = Parse(k, in.Value); err != nil {
			return err
		}
		if in.Mode, err = ParseMode(string(in.Mode)); err != nil {
			return err
		}
		in.Kind = k
		rec := Record{Kind: k, Value: in.Value, Mode: in.Mode, Expires: in.ExpiresAt, Reason: in.Reason,
			Tags: in.Tags, Confidence: in.Confidence, TLP: in.TLP, Source: in.Source, Code: byte(in.Code), Full: &in}
		return fr.emit(rec)
	})
}
