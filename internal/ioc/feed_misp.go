package ioc

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// mispKinds maps MISP attribute types to indicator kinds (MISP core
// format, "Attribute" types). "a|b" composite types keep their first
// half, the one the kind names.
var mispKinds = map[string]Kind{
	"ip-src": KindIP, "ip-dst": KindIP, "ip-src|port": KindIP, "ip-dst|port": KindIP,
	"domain": KindDomain, "domain|ip": KindDomain, "hostname": KindHost, "hostname|port": KindHost,
	"url": KindURL, "uri": KindURL, "link": KindURL,
	"email": KindEmail, "email-src": KindEmail, "email-reply-to": KindEmail,
	"sha256": KindSHA256, "filename|sha256": KindSHA256,
}

type mispTag struct {
	Name string `json:"name"`
}

type mispAttribute struct {
	Type    string    `json:"type"`
	Value   string    `json:"value"`
	Comment string    `json:"comment"`
	ToIDS   *bool     `json:"to_ids"`
	Deleted bool      `json:"deleted"`
	Tag     []mispTag `json:"Tag"`
}

type mispEvent struct {
	Info      string          `json:"info"`
	Attribute []mispAttribute `json:"Attribute"`
	Object    []struct {
		Attribute []mispAttribute `json:"Attribute"`
	} `json:"Object"`
	Tag []mispTag `json:"Tag"`
}

// misp reads a MISP event ({"Event": {...}}), a bare event, or a list of
// them (the API's {"response": [...]}). Each attribute of a supported type
// becomes a record: to_ids false imports in watch mode, the comment (else
// the event's info) is the reason, tlp: tags give the TLP and the other
// tags carry over. Attributes of other types (md5, filename, text...) are
// reported and skipped; deleted ones are skipped. Entry numbers count
// events.
func (fr *feedReader) misp(r io.Reader) error {
	data, err := io.ReadAll(io.LimitReader(r, MaxDocument))
	if err != nil {
		return fmt.Errorf("ioc: read %s: %w", fr.opts.Name, err)
	}
	var top struct {
		Event    *mispEvent        `json:"Event"`
		Response []json.RawMessage `json:"response"`
	}
	trimmed := strings.TrimSpace(string(data))
	if strings.HasPrefix(trimmed, "[") {
		return fr.jsonArray(strings.NewReader(trimmed), nil, fr.mispEventRaw)
	}
	if err := json.Unmarshal(data, &top); err != nil {
		return fmt.Errorf("ioc: %s: %w: not a MISP event: %v", fr.opts.Name, ErrBadDocument, err)
	}
	switch {
	case top.Event != nil:
		fr.line = 1
		return fr.mispEvent(top.Event)
	case top.Response != nil:
		for i, raw := range top.Response {
			fr.line = i + 1
			if err := fr.mispEventRaw(i+1, raw); err != nil {
				return err
			}
		}
		return nil
	}
	var ev mispEvent
	if err := json.Unmarshal(data, &ev); err != nil || ev.Attribute == nil && ev.Object == nil {
		return fmt.Errorf("ioc: %s: %w: no MISP Event in it", fr.opts.Name, ErrBadDocument)
	}
	fr.line = 1
	return fr.mispEvent(&ev)
}

func (fr *feedReader) mispEventRaw(_ int, raw json.RawMessage) error {
	var w struct {
		Event *mispEvent `json:"Event"`
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return err
	}
	if w.Event == nil {
		var ev mispEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			return err
		}
		w.Event = &ev
	}
	return fr.mispEvent(w.Event)
}

func (fr *feedReader) mispEvent(ev *mispEvent) error {
	tags, tlp := mispTags(ev.Tag, nil, "")
	attrs := ev.Attribute
	for _, o := range ev.Object {
		attrs = append(attrs, o.Attribute...)
	}
	for _, a := range attrs {
		if a.Deleted {
			continue
		}
		k, ok := mispKinds[a.Type]
		if !ok {
			fr.bad(fr.line, fmt.Errorf("attribute %s %q: type not supported", a.Type, clip(a.Value)))
			continue
		}
		v := a.Value
		if strings.Contains(a.Type, "|") {
			if i := strings.IndexByte(v, '|'); i >= 0 {
				if strings.HasPrefix(a.Type, "filename|") {
					v = v[i+1:]
				} else {
					v = v[:i]
				}
			}
		}
		rec := Record{Kind: k, Reason: clipReason(a.Comment)}
		if rec.Reason == "" {
			rec.Reason = clipReason(ev.Info)
		}
		rec.Tags, rec.TLP = mispTags(a.Tag, tags, tlp)
		if a.ToIDS != nil && !*a.ToIDS {
			rec.Mode = Watch // MISP: not for detection rules, context only
		}
		var err error
		if rec.Value, err = Parse(k, v); err != nil {
			fr.bad(fr.line, err)
			continue
		}
		if err := fr.emit(rec); err != nil {
			return err
		}
	}
	return nil
}

// mispTags splits MISP tags into a TLP and the other tags, over the
// event's.
func mispTags(list []mispTag, tags []string, tlp string) ([]string, string) {
	out := append([]string(nil), tags...)
	for _, t := range list {
		n := strings.ToLower(strings.TrimSpace(t.Name))
		if rest, ok := strings.CutPrefix(n, "tlp:"); ok {
			if v, err := ParseTLP(rest); err == nil {
				tlp = v
			}
			continue
		}
		out = append(out, n)
	}
	return NormalizeTags(out...), tlp
}
