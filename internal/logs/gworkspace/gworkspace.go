// Package gworkspace parses Google Workspace audit activities, as the Admin SDK
// Reports API returns them (activities.list: {"items": [activity…]}) or as log
// shippers write them one per line: login events (applicationName "login":
// login_success, login_failure, login_challenge, login_verification,
// suspicious_login) become sign-ins; email_forwarding_out_of_domain becomes a
// forwarding change and token "authorize" an OAuth consent.
package gworkspace

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"vigie.dev/vigie/internal/logs"
)

type param struct {
	Name       string          `json:"name"`
	Value      json.RawMessage `json:"value"`
	BoolValue  *bool           `json:"boolValue"`
	IntValue   json.RawMessage `json:"intValue"`
	MultiValue []string        `json:"multiValue"`
}

type event struct {
	Type       string          `json:"type"`
	Name       string          `json:"name"`
	Parameters json.RawMessage `json:"parameters"`
}

type activity struct {
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
	event
}

// Parse reads Reports API activities.
func Parse(ctx context.Context, r io.Reader, file string, opts logs.Options, emit func(logs.Event)) (logs.Stats, error) {
	var st logs.Stats
	err := logs.JSONRecords(ctx, r, file, &st, func(src logs.Source, rec []byte) {
		evs, err := parseActivity(rec)
		if err != nil {
			st.Errorf(src, "%v", err)
			return
		}
		for _, ev := range evs {
			switch e := ev.(type) {
			case *logs.SignIn:
				e.Src = src
			case *logs.MailboxChange:
				e.Src = src
			}
			st.Events++
			emit(ev)
		}
	})
	return st, err
}

// Parser is Parse as a logs.Parser.
var Parser = logs.ParserFunc(Parse)

type activityError string

func (e activityError) Error() string { return string(e) }

func parseActivity(rec []byte) ([]logs.Event, error) {
	var a activity
	if err := json.Unmarshal(rec, &a); err != nil {
		return nil, activityError("bad activity: " + err.Error())
	}
	var events []event
	switch b := bytes.TrimSpace(a.Events); {
	case len(b) > 0 && b[0] == '[':
		if err := json.Unmarshal(b, &events); err != nil {
			return nil, activityError("bad events: " + err.Error())
		}
	case len(b) > 0 && b[0] == '{':
		var e event
		if err := json.Unmarshal(b, &e); err != nil {
			return nil, activityError("bad events: " + err.Error())
		}
		events = []event{e}
	case a.event.Name != "":
		events = []event{a.event}
	}
	t, ok := logs.ParseTime(a.ID.Time)
	if !ok && len(events) > 0 {
		return nil, activityError("activity without a valid id.time")
	}
	user := strings.ToLower(a.Actor.Email)
	ip := logs.ParseIP(a.IPAddress)
	app := a.ID.ApplicationName
	var out []logs.Event
	for _, e := range events {
		p := params(e.Parameters)
		switch e.Name {
		case "login_success", "login_failure", "login_challenge", "login_verification":
			if app != "" && app != "login" {
				continue
			}
			ev := &logs.SignIn{Time: t, User: user, IP: ip, Result: logs.Success, App: "Google " + firstNonEmpty(p["login_type"], "login"), Client: p["login_type"]}
			status := strings.ToLower(p["login_challenge_status"])
			switch e.Name {
			case "login_failure":
				ev.Result = logs.Failure
				ev.FailureReason = firstNonEmpty(p["login_failure_type"], "login failure")
			case "login_challenge", "login_verification":
				second := p["is_second_factor"] == "true" || e.Name == "login_verification"
				if strings.Contains(status, "fail") {
					ev.Result = logs.Failure
					ev.FailureReason = "challenge failed: " + p["login_challenge_method"]
					if second {
						ev.MFAResult = logs.MFAFailed
					}
				} else {
					ev.Result = logs.Interrupted // a step of a login, whose success is logged apart
					if second {
						ev.MFAResult = logs.MFAPassed
					}
				}
			}
			out = append(out, ev)
		case "suspicious_login", "suspicious_login_less_secure_app", "suspicious_programmatic_login":
			target := firstNonEmpty(p["affected_email_address"], user)
			out = append(out, &logs.SignIn{Time: t, User: strings.ToLower(target), IP: ip, Result: logs.Interrupted, FailureReason: "Google flagged: " + e.Name, App: "Google login"})
		case "email_forwarding_out_of_domain":
			ev := &logs.MailboxChange{Time: t, User: user, IP: ip, Kind: logs.KindForwarding, Operation: e.Name, Target: user}
			ev.Actions = []logs.RuleAction{{Kind: "forward-to", Value: strings.ToLower(p["email_forwarding_destination_address"])}}
			out = append(out, ev)
		case "authorize":
			if app != "" && app != "token" {
				continue
			}
			ev := &logs.MailboxChange{Time: t, User: user, IP: ip, Kind: logs.KindOAuthConsent, Operation: e.Name,
				Target: firstNonEmpty(p["app_name"], p["client_id"]), Permissions: p["scope"]}
			out = append(out, ev)
		}
	}
	return out, nil
}

// params flattens a parameter list (or a flattened name→value object).
func params(raw json.RawMessage) map[string]string {
	m := map[string]string{}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return m
	}
	if raw[0] == '{' {
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) == nil {
			for k, v := range obj {
				m[k] = scalar(v)
			}
		}
		return m
	}
	var list []param
	if json.Unmarshal(raw, &list) != nil {
		return m
	}
	for _, p := range list {
		switch {
		case len(p.Value) > 0:
			m[p.Name] = scalar(p.Value)
		case p.BoolValue != nil:
			m[p.Name] = strconv.FormatBool(*p.BoolValue)
		case len(p.IntValue) > 0:
			m[p.Name] = scalar(p.IntValue)
		case len(p.MultiValue) > 0:
			m[p.Name] = strings.Join(p.MultiValue, " ")
		}
	}
	return m
}

func scalar(v json.RawMessage) string {
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

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
