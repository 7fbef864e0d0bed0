package gworkspace

// The encoding/json reader the walk replaced (logs.EachField): the
// reference the walk must agree with on every record it reads.

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/logs"
)

type refParam struct {
	Name       string          `json:"name"`
	Value      json.RawMessage `json:"value"`
	BoolValue  *bool           `json:"boolValue"`
	IntValue   json.RawMessage `json:"intValue"`
	MultiValue []string        `json:"multiValue"`
}

type refGevent struct {
	Type       string          `json:"type"`
	Name       string          `json:"name"`
	Parameters json.RawMessage `json:"parameters"`
}

type refActivity struct {
	ID struct {
		Time            string `json:"time"`
		ApplicationName string `json:"applicationName"`
	} `json:"id"`
	Actor struct {
		Email string `json:"email"`
	} `json:"actor"`
	IPAddress string          `json:"ipAddress"`
	Events    json.RawMessage `json:"events"`
	// Some shippers flatten the single event into the activity.
	refGevent
}

func refParseActivity(rec []byte) ([]logs.Event, error) {
	var a refActivity
	if err := json.Unmarshal(rec, &a); err != nil {
		return nil, activityError("bad activity: " + err.Error())
	}
	var events []refGevent
	switch b := bytes.TrimSpace(a.Events); {
	case len(b) > 0 && b[0] == '[':
		if err := json.Unmarshal(b, &events); err != nil {
			return nil, activityError("bad events: " + err.Error())
		}
	case len(b) > 0 && b[0] == '{':
		var e refGevent
		if err := json.Unmarshal(b, &e); err != nil {
			return nil, activityError("bad events: " + err.Error())
		}
		events = []refGevent{e}
	case a.refGevent.Name != "":
		events = []refGevent{a.refGevent}
	}
	t, ok := logs.ParseTime(a.ID.Time)
	if !ok && a.ID.Time != "" {
		return nil, activityError("activity with a bad id.time")
	}
	// An activity without id.time (a forwarded alert, a test event) is still
	// read: its findings say the time is unknown.
	user := strings.ToLower(a.Actor.Email)
	ip := logs.ParseIP(a.IPAddress)
	app := a.ID.ApplicationName
	var out []logs.Event
	for _, e := range events {
		if ev := event(e.Name, refParams(e.Parameters), app, user, ip, t); ev != nil {
			out = append(out, ev)
		}
	}
	return out, nil
}

// params flattens a parameter list (or a flattened name→value object).
func refParams(raw json.RawMessage) map[string]string {
	m := map[string]string{}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return m
	}
	if raw[0] == '{' {
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) == nil {
			for k, v := range obj {
				m[k] = refScalar(v)
			}
		}
		return m
	}
	var list []refParam
	if json.Unmarshal(raw, &list) != nil {
		return m
	}
	for _, p := range list {
		switch {
		case len(p.Value) > 0:
			m[p.Name] = refScalar(p.Value)
		case p.BoolValue != nil:
			m[p.Name] = strconv.FormatBool(*p.BoolValue)
		case len(p.IntValue) > 0:
			m[p.Name] = refScalar(p.IntValue)
		case len(p.MultiValue) > 0:
			m[p.Name] = strings.Join(p.MultiValue, " ")
		}
	}
	return m
}

func refScalar(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	var list []string
	if json.Unmarshal(v, &list) == nil {
		return strings.Join(list, " ")
	}
	return string(bytes.Trim(v, `"`))
}

// FuzzWalkAgreesWithDecoder: on any record encoding/json decodes into the
// activity's shape, the walk reads the same events.
func FuzzWalkAgreesWithDecoder(f *testing.F) {
	for _, s := range []string{
		`{"id":{"time":"2020-10-02T15:00:00Z","applicationName":"login"},"actor":{"email":"Foo@Bar.com"},"ipAddress":"67.43.156.13","events":{"type":"login","name":"login_failure","parameters":[{"name":"login_failure_type","value":"x"},{"name":"login_type","value":"exchange"}]}}`,
		`{"ID":{"Time":"2025-02-27T05:59:58.481Z"},"events":[{"name":"login_verification","parameters":[{"multiValue":["security_key","x"],"name":"login_challenge_method"},{"boolValue":true,"name":"is_second_factor"}]}]}`,
		`{"name":"email_forwarding_out_of_domain","parameters":{"email_forwarding_destination_address":"a@b.example"},"actor":{"email":"u@x.example"}}`,
		`{"events":[{"name":"authorize","parameters":[{"name":"scope","multiValue":["a","b"]},{"name":"app_name","value":"App"},{"name":"n","intValue":"12"}]}],"id":{"applicationName":"token"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, rec []byte) {
		want, werr := refParseActivity(rec)
		if werr != nil || !wellTyped(rec) {
			return
		}
		got, err := parseActivity(rec)
		if err != nil {
			t.Fatalf("walk refused %s: %v", rec, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s:\nwalk    %#v\ndecoder %#v", rec, got, want)
		}
	})
}

// wellTyped: every parameter list of the record decodes as the decoder
// expects (the decoder drops a whole list for one odd element; the walk
// keeps the others).
func wellTyped(rec []byte) bool {
	var a refActivity
	if json.Unmarshal(rec, &a) != nil {
		return false
	}
	evs := []refGevent{a.refGevent}
	if b := bytes.TrimSpace(a.Events); len(b) > 0 && b[0] == '[' {
		json.Unmarshal(b, &evs)
	} else if len(b) > 0 {
		var e refGevent
		json.Unmarshal(b, &e)
		evs = []refGevent{e}
	}
	for _, e := range evs {
		p := bytes.TrimSpace(e.Parameters)
		if len(p) == 0 {
			continue
		}
		var list []refParam
		var obj map[string]json.RawMessage
		if json.Unmarshal(p, &list) != nil && json.Unmarshal(p, &obj) != nil {
			return false
		}
	}
	return true
}
