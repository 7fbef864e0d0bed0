// Package gworkspace parses Google Workspace audit activities, as the Admin SDK
// Reports API returns them (activities.list: {"items": [activity…]}) or as log
// shippers write them one per line: login events (applicationName "login":
// login_success, login_failure, login_challenge, login_verification,
// suspicious_login) become sign-ins; email_forwarding_out_of_domain becomes a
// forwarding change and token "authorize" an OAuth consent.
package gworkspace

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"

	"vigie.dev/vigie/internal/logs"
)

// Dialect is Reports API activities.
var Dialect = logs.Dialect{Format: logs.GWorkspace, Records: records{}}

// Parser reads Reports API activities in any layout, or the Admin console's
// login audit CSV export.
var Parser = logs.ParserFunc(Parse)

// Parse reads an activity export, CSV or JSON.
func Parse(ctx context.Context, r io.Reader, file string, opts logs.Options, emit func(logs.Event)) (logs.Stats, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if head, _ := br.Peek(4096); IsCSV(head) {
		var st logs.Stats
		err := ParseCSV(ctx, br, file, opts, &st, emit)
		return st, err
	}
	return logs.ParseWith(Dialect).Parse(ctx, br, file, opts, emit)
}

type records struct{}

// Claims: the Reports API's kind, or an activity's application name or events.
func (records) Claims(rec []byte) bool {
	return bytes.Contains(rec, []byte("admin#reports#activity")) || logs.HasKey(rec, "applicationName") ||
		logs.HasKey(rec, "actor") && logs.HasKey(rec, "events")
}

// ParseRecord reads one activity.
func (records) ParseRecord(src logs.Source, rec []byte, emit func(logs.Event)) error {
	if err := logs.CheckRecord(rec); err != nil {
		return err
	}
	evs, err := parseActivity(rec)
	if err != nil {
		return err
	}
	for _, ev := range evs {
		logs.SetSource(ev, src)
		emit(ev)
	}
	return nil
}

type activityError string

func (e activityError) Error() string { return string(e) }

// activity is what Vigie reads of a Reports API activity: raw JSON values
// found by a walk of the record (logs.EachField), decoded only where read.
// Field names match whatever their case, as encoding/json's did.
type activity struct {
	time, app, email, ip []byte
	events               []byte
	// Some shippers flatten the single event into the activity.
	flat gevent
}

// gevent is one event of an activity.
type gevent struct {
	name, parameters []byte
}

func (e *gevent) field(k, v []byte) bool {
	switch {
	case logs.KeyIs(k, "name"):
		e.name = v
	case logs.KeyIs(k, "parameters"):
		e.parameters = v
	}
	return true
}

func parseActivity(rec []byte) ([]logs.Event, error) {
	var a activity
	var bad string
	err := logs.EachField(rec, func(k, v []byte) bool {
		switch {
		case logs.KeyIs(k, "id"):
			bad = sub(v, "id", func(k, v []byte) {
				switch {
				case logs.KeyIs(k, "time"):
					a.time = v
				case logs.KeyIs(k, "applicationName"):
					a.app = v
				}
			})
		case logs.KeyIs(k, "actor"):
			bad = sub(v, "actor", func(k, v []byte) {
				if logs.KeyIs(k, "email") {
					a.email = v
				}
			})
		case logs.KeyIs(k, "ipAddress"):
			a.ip = v
		case logs.KeyIs(k, "events"):
			a.events = v
		default:
			a.flat.field(k, v)
		}
		return bad == ""
	})
	if err != nil {
		return nil, activityError("bad activity: " + err.Error())
	}
	if bad != "" {
		return nil, activityError("bad activity: " + bad)
	}
	var events []gevent
	switch b := bytes.TrimSpace(a.events); {
	case len(b) > 0 && b[0] == '[':
		err = logs.EachElement(b, func(v []byte) bool {
			var e gevent
			if bytes.Equal(v, []byte("null")) {
				events = append(events, e)
				return true
			}
			if logs.EachField(v, e.field) != nil {
				bad = "an event is not an object"
				return false
			}
			events = append(events, e)
			return true
		})
		if err != nil || bad != "" {
			return nil, activityError("bad events: " + logs.FirstNonEmpty(bad, fmt.Sprint(err)))
		}
	case len(b) > 0 && b[0] == '{':
		var e gevent
		if err := logs.EachField(b, e.field); err != nil {
			return nil, activityError("bad events: " + err.Error())
		}
		events = []gevent{e}
	case logs.Str(a.flat.name) != "":
		events = []gevent{a.flat}
	}
	timeStr := logs.Str(a.time)
	t, ok := logs.ParseTime(timeStr)
	if !ok && timeStr != "" {
		return nil, activityError("activity with a bad id.time")
	}
	// An activity without id.time (a forwarded alert, a test event) is still
	// read: its findings say the time is unknown.
	user := logs.LowerString(logs.StrBytes(a.email))
	ip := logs.ParseIPBytes(logs.StrBytes(a.ip))
	app := logs.Str(a.app)
	var out []logs.Event
	for _, e := range events {
		if ev := event(logs.Str(e.name), params(e.parameters), app, user, ip, t); ev != nil {
			out = append(out, ev)
		}
	}
	return out, nil
}

// sub walks a nested object (id, actor); null is an absent one. It returns
// what is wrong with any other value.
func sub(v []byte, name string, fn func(k, v []byte)) string {
	if bytes.Equal(v, []byte("null")) {
		return ""
	}
	if logs.EachField(v, func(k, v []byte) bool { fn(k, v); return true }) != nil {
		return name + " is not an object"
	}
	return ""
}

// event turns one event of an activity, its name and parameters, into a
// Vigie event, or nil.
func event(name string, p map[string]string, app, user string, ip netip.Addr, t time.Time) logs.Event {
	admin := func(kind, target, detail string, removed bool) *logs.AdminChange {
		return &logs.AdminChange{Time: t, User: user, IP: ip, Kind: kind, Operation: name, Target: target, Detail: detail, Removed: removed}
	}
	switch name {
	case "login_success", "login_failure", "login_challenge", "login_verification":
		if app != "" && app != "login" {
			return nil
		}
		ev := &logs.SignIn{Time: t, User: user, IP: ip, Result: logs.Success, App: "Google " + logs.FirstNonEmpty(p["login_type"], "login"),
			Client: p["login_type"], LoginType: p["login_type"]}
		status := strings.ToLower(p["login_challenge_status"])
		switch name {
		case "login_failure":
			ev.Result = logs.Failure
			ev.FailureReason = logs.FirstNonEmpty(p["login_failure_type"], "login failure")
		case "login_challenge", "login_verification":
			second := p["is_second_factor"] == "true" || name == "login_verification"
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
		return ev
	case "suspicious_login", "suspicious_login_less_secure_app", "suspicious_programmatic_login", "account_disabled_password_leak",
		"account_disabled_hijacked", "gov_attack_warning":
		// Google's own warnings (account_warning events): the account may be in
		// someone else's hands.
		target := strings.ToLower(logs.FirstNonEmpty(p["affected_email_address"], user))
		return &logs.SignIn{Time: t, User: target, IP: ip, Result: logs.Interrupted, FailureReason: "Google flagged: " + name, App: "Google login",
			Legacy: name == "suspicious_login_less_secure_app", Risk: &logs.Risk{Flagged: true, Events: []string{name}}}
	case "2sv_disable", "titanium_unenroll":
		return admin(logs.KindMFAMethod, user, name, true)
	case "2sv_enroll", "recovery_email_edit", "recovery_phone_edit", "recovery_secret_qa_edit":
		return admin(logs.KindMFAMethod, user, name, false)
	case "email_forwarding_out_of_domain":
		ev := &logs.MailboxChange{Time: t, User: user, IP: ip, Kind: logs.KindForwarding, Operation: name, Target: user}
		ev.Actions = []logs.RuleAction{{Kind: "forward-to", Value: strings.ToLower(p["email_forwarding_destination_address"])}}
		return ev
	case "authorize":
		if app != "" && app != "token" {
			return nil
		}
		return &logs.MailboxChange{Time: t, User: user, IP: ip, Kind: logs.KindOAuthConsent, Operation: name,
			Target: logs.FirstNonEmpty(p["app_name"], p["client_id"]), Permissions: p["scope"]}
	// Admin console events (applicationName "admin").
	case "ASSIGN_ROLE", "GRANT_ADMIN_PRIVILEGE", "GRANT_DELEGATED_ADMIN_PRIVILEGES":
		return admin(logs.KindRoleAssignment, strings.ToLower(logs.FirstNonEmpty(p["USER_EMAIL"], p["GROUP_EMAIL"])), logs.FirstNonEmpty(p["ROLE_NAME"], name), false)
	case "AUTHORIZE_API_CLIENT_ACCESS":
		// Domain-wide delegation: the client may act as any user, mail included.
		ev := admin(logs.KindAppPermission, logs.FirstNonEmpty(p["API_CLIENT_NAME"], p["CLIENT_ID"]), p["API_SCOPES"], false)
		return ev
	case "CHANGE_SSO_SETTINGS", "CREATE_SSO_PROFILE", "UPDATE_SSO_PROFILE":
		return admin(logs.KindFederation, logs.FirstNonEmpty(p["DOMAIN_NAME"], p["SSO_PROFILE_NAME"]), logs.FirstNonEmpty(p["SETTING_NAME"], name), false)
	case "CREATE_EMAIL_MONITOR":
		ev := &logs.MailboxChange{Time: t, User: user, IP: ip, Kind: logs.KindForwarding, Operation: name, Target: strings.ToLower(p["USER_EMAIL"])}
		ev.Actions = []logs.RuleAction{{Kind: "forward-to", Value: strings.ToLower(p["EMAIL_MONITOR_DEST_EMAIL"])}}
		return ev
	case "CREATE_GMAIL_SETTING", "CHANGE_GMAIL_SETTING":
		if name := p["SETTING_NAME"]; strings.Contains(strings.ToUpper(name), "ROUT") || strings.Contains(strings.ToUpper(name), "COMPLIANCE") {
			return admin(logs.KindTransportRule, logs.FirstNonEmpty(p["ORG_UNIT_NAME"], name), name+" "+p["NEW_VALUE"], false)
		}
	case "CUSTOMER_TAKEOUT_CREATED":
		return admin(logs.KindExport, "whole organisation", "data export (takeout)", false)
	}
	return nil
}

// params flattens a parameter list (or a flattened name→value object).
func params(raw []byte) map[string]string {
	m := map[string]string{}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return m
	}
	if raw[0] == '{' {
		logs.EachField(raw, func(k, v []byte) bool {
			m[key(k)] = scalar(v)
			return true
		})
		return m
	}
	logs.EachElement(raw, func(v []byte) bool {
		var name, value, boolValue, intValue, multi []byte
		if logs.EachField(v, func(k, v []byte) bool {
			switch {
			case logs.KeyIs(k, "name"):
				name = v
			case logs.KeyIs(k, "value"):
				value = v
			case logs.KeyIs(k, "boolValue"):
				boolValue = v
			case logs.KeyIs(k, "intValue"):
				intValue = v
			case logs.KeyIs(k, "multiValue"):
				multi = v
			}
			return true
		}) != nil {
			return true
		}
		n := logs.Str(name)
		switch {
		case len(value) > 0:
			m[n] = scalar(value)
		case string(boolValue) == "true" || string(boolValue) == "false":
			m[n] = string(boolValue)
		case len(intValue) > 0:
			m[n] = scalar(intValue)
		case len(multi) > 0 && multi[0] == '[':
			if l := joinStrings(multi); l != "" {
				m[n] = l
			}
		}
		return true
	})
	return m
}

// key returns a member's name as text, its escapes decoded.
func key(k []byte) string {
	if bytes.IndexByte(k, '\\') < 0 {
		return string(k)
	}
	return logs.Str(append(append([]byte{'"'}, k...), '"'))
}

// scalar returns a parameter's value as text: a string, a list of strings
// joined by spaces, anything else as written.
func scalar(v []byte) string {
	switch {
	case string(v) == "null":
		return ""
	case v[0] == '"':
		return logs.Str(v)
	case v[0] == '[':
		return joinStrings(v)
	}
	return string(bytes.Trim(v, `"`))
}

// joinStrings joins the strings of a JSON list with spaces.
func joinStrings(list []byte) string {
	var b []byte
	n := 0
	logs.EachElement(list, func(v []byte) bool {
		if n++; n > 1 {
			b = append(b, ' ')
		}
		b = append(b, logs.StrBytes(v)...)
		return true
	})
	return string(b)
}
