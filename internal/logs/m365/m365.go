// Package m365 parses Microsoft 365 Unified Audit Log records into sign-ins and
// mailbox changes. It reads the Purview "Audit → Export" CSV (the AuditData column
// holds each record's JSON), and JSON records one per line or as an array (what
// Search-UnifiedAuditLog | ConvertTo-Json, the Management Activity API and
// Sentinel's OfficeActivity/AuditLogs tables give). Field names follow Microsoft's
// "Office 365 Management Activity API schema" (common schema, Exchange admin
// schema, Azure AD schema).
package m365

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"

	"vigie.dev/vigie/internal/logs"
)

// Parse reads an audit export, CSV or JSON.
func Parse(ctx context.Context, r io.Reader, file string, opts logs.Options, emit func(logs.Event)) (logs.Stats, error) {
	var st logs.Stats
	br := bufioReader(r)
	head, _ := br.Peek(4096)
	head = bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n")
	handle := func(src logs.Source, rec []byte) {
		evs, err := parseRecord(rec)
		if err != nil {
			st.Errorf(src, "%v", err)
			return
		}
		for _, ev := range evs {
			setSource(ev, src)
			st.Events++
			emit(ev)
		}
	}
	if len(head) > 0 && head[0] != '{' && head[0] != '[' {
		return st, parseCSV(ctx, br, file, &st, handle)
	}
	return st, logs.JSONRecords(ctx, br, file, &st, handle)
}

// Parser is Parse as a logs.Parser.
var Parser = logs.ParserFunc(Parse)

// nameValue is the {Name, Value} pair of Parameters, ExtendedProperties,
// OperationProperties and ModifiedProperties (NewValue).
type nameValue struct {
	Name        string `json:"Name"`
	Value       string `json:"Value"`
	NewValue    string `json:"NewValue"`
	DisplayName string `json:"displayName"`
}

// record is the union of the audit fields hunting uses.
type record struct {
	CreationTime  string `json:"CreationTime"`
	TimeGenerated string `json:"TimeGenerated"`
	Operation     string `json:"Operation"`
	OperationName string `json:"OperationName"` // Entra audit (Sentinel AuditLogs)
	Activity      string `json:"activityDisplayName"`
	ActivityTime  string `json:"activityDateTime"`
	UserID        string `json:"UserId"`
	ClientIP      string `json:"ClientIP"`
	ClientIPAddr  string `json:"Client_IPAddress"` // Sentinel OfficeActivity
	ActorIP       string `json:"ActorIpAddress"`
	ObjectID      string `json:"ObjectId"`
	ResultStatus  string `json:"ResultStatus"`
	LogonError    string `json:"LogonError"`
	Workload      string `json:"Workload"`
	// These hold either a JSON array or a string containing one (Sentinel).
	Parameters          json.RawMessage `json:"Parameters"`
	ExtendedProperties  json.RawMessage `json:"ExtendedProperties"`
	OperationProperties json.RawMessage `json:"OperationProperties"`
	ModifiedProperties  json.RawMessage `json:"ModifiedProperties"`
	Target              json.RawMessage `json:"Target"`
	InitiatedBy         json.RawMessage `json:"InitiatedBy"`
	TargetResources     json.RawMessage `json:"TargetResources"`
}

type recordError string

func (e recordError) Error() string { return string(e) }

func parseRecord(rec []byte) ([]logs.Event, error) {
	var r record
	if err := json.Unmarshal(rec, &r); err != nil {
		return nil, recordError("bad audit record: " + err.Error())
	}
	op := strings.TrimSuffix(strings.TrimSpace(firstNonEmpty(r.Operation, r.OperationName, r.Activity)), ".")
	if op == "" {
		return nil, recordError("audit record without Operation")
	}
	t, ok := logs.ParseTime(firstNonEmpty(r.CreationTime, r.ActivityTime, r.TimeGenerated))
	if !ok {
		return nil, recordError("audit record without a valid CreationTime")
	}
	user := strings.ToLower(r.UserID)
	ip := logs.ParseIP(firstNonEmpty(r.ClientIP, r.ClientIPAddr, r.ActorIP))
	if user == "" && len(r.InitiatedBy) > 0 {
		var ib struct {
			User struct {
				UPN string `json:"userPrincipalName"`
				IP  string `json:"ipAddress"`
			} `json:"user"`
		}
		unmarshalMaybeString(r.InitiatedBy, &ib)
		user = strings.ToLower(ib.User.UPN)
		if !ip.IsValid() {
			ip = logs.ParseIP(ib.User.IP)
		}
	}
	params := pairs(r.Parameters)
	mc := func(kind string) *logs.MailboxChange {
		return &logs.MailboxChange{Time: t, User: user, IP: ip, Kind: kind, Operation: op}
	}
	switch strings.ToLower(op) {
	case "userloggedin", "userloginfailed":
		ev := &logs.SignIn{Time: t, User: user, IP: ip, Result: logs.Success, App: r.Workload}
		ext := pairs(r.ExtendedProperties)
		ev.Client = ext["useragent"]
		if strings.EqualFold(op, "UserLoginFailed") {
			ev.Result = logs.Failure
			ev.FailureReason = firstNonEmpty(r.LogonError, ext["resultstatusdetail"], "login failed")
		}
		return []logs.Event{ev}, nil
	case "new-inboxrule", "set-inboxrule", "updateinboxrules", "enable-inboxrule":
		ev := mc(logs.KindInboxRule)
		if strings.EqualFold(op, "UpdateInboxRules") {
			inboxRuleFromOperationProperties(ev, pairs(r.OperationProperties))
		} else {
			inboxRuleFromParameters(ev, params)
		}
		return []logs.Event{ev}, nil
	case "set-mailbox":
		var evs []logs.Event
		if fwd := firstNonEmpty(params["forwardingsmtpaddress"], params["forwardingaddress"]); fwd != "" {
			ev := mc(logs.KindForwarding)
			ev.Target = firstNonEmpty(params["identity"], r.ObjectID)
			ev.Actions = []logs.RuleAction{{Kind: "forward-to", Value: stripSMTP(fwd)}}
			if strings.EqualFold(params["delivertomailboxandforward"], "false") {
				ev.Conditions = append(ev.Conditions, "no copy kept in the mailbox")
			}
			evs = append(evs, ev)
		}
		if d := params["grantsendonbehalfto"]; d != "" {
			ev := mc(logs.KindDelegation)
			ev.Target, ev.Delegate, ev.Permissions = firstNonEmpty(params["identity"], r.ObjectID), d, "SendOnBehalf"
			evs = append(evs, ev)
		}
		return evs, nil
	case "add-mailboxpermission", "add-recipientpermission", "add-mailboxfolderpermission", "addfolderpermissions", "add-adpermission":
		ev := mc(logs.KindDelegation)
		ev.Target = firstNonEmpty(params["identity"], r.ObjectID)
		ev.Delegate = firstNonEmpty(params["user"], params["trustee"])
		ev.Permissions = firstNonEmpty(params["accessrights"], params["extendedrights"])
		return []logs.Event{ev}, nil
	case "consent to application", "add delegated permission grant", "add app role assignment grant to user", "add oauth2permissiongrant":
		ev := mc(logs.KindOAuthConsent)
		oauthTarget(ev, r)
		return []logs.Event{ev}, nil
	}
	return nil, nil
}

func inboxRuleFromParameters(ev *logs.MailboxChange, p map[string]string) {
	ev.RuleName = firstNonEmpty(p["name"], p["identity"])
	for _, k := range []string{"from", "fromaddresscontainswords", "subjectcontainswords", "bodycontainswords", "subjectorbodycontainswords", "sentto", "headercontainswords", "hasattachment"} {
		if v := p[k]; v != "" {
			ev.Conditions = append(ev.Conditions, k+"="+v)
		}
	}
	for _, k := range []string{"forwardto", "forwardasattachmentto", "redirectto"} {
		if v := p[k]; v != "" {
			kind := "forward-to"
			if k == "redirectto" {
				kind = "redirect-to"
			}
			ev.Actions = append(ev.Actions, logs.RuleAction{Kind: kind, Value: stripSMTP(v)})
		}
	}
	if isTrue(p["deletemessage"]) || isTrue(p["softdeletemessage"]) {
		ev.Actions = append(ev.Actions, logs.RuleAction{Kind: "delete"})
	}
	if isTrue(p["markasread"]) {
		ev.Actions = append(ev.Actions, logs.RuleAction{Kind: "mark-read"})
	}
	if v := p["movetofolder"]; v != "" {
		ev.Actions = append(ev.Actions, logs.RuleAction{Kind: "move-to", Value: folderName(v)})
	}
	if isTrue(p["stopprocessingrules"]) {
		ev.Conditions = append(ev.Conditions, "stop processing more rules")
	}
}

// inboxRuleFromOperationProperties reads the UpdateInboxRules (Outlook client)
// form, where RuleActions is a serialized list of action types.
func inboxRuleFromOperationProperties(ev *logs.MailboxChange, p map[string]string) {
	ev.RuleName = p["rulename"]
	if c := p["rulecondition"]; c != "" {
		ev.Conditions = append(ev.Conditions, c)
	}
	acts := p["ruleactions"]
	la := strings.ToLower(acts)
	switch {
	case strings.Contains(la, "redirect"):
		ev.Actions = append(ev.Actions, logs.RuleAction{Kind: "redirect-to", Value: addresses(acts)})
	case strings.Contains(la, "forward"):
		ev.Actions = append(ev.Actions, logs.RuleAction{Kind: "forward-to", Value: addresses(acts)})
	}
	if strings.Contains(la, "delete") {
		ev.Actions = append(ev.Actions, logs.RuleAction{Kind: "delete"})
	}
	if strings.Contains(la, "markasread") || strings.Contains(la, "mark as read") {
		ev.Actions = append(ev.Actions, logs.RuleAction{Kind: "mark-read"})
	}
	if strings.Contains(la, "move") {
		ev.Actions = append(ev.Actions, logs.RuleAction{Kind: "move-to", Value: folderName(firstNonEmpty(p["folder"], p["movetofolder"]))})
	}
}

func oauthTarget(ev *logs.MailboxChange, r record) {
	mods := pairs(r.ModifiedProperties)
	ev.Permissions = firstNonEmpty(mods["delegatedpermissiongrant.scope"], mods["consentaction.permissions"])
	var targets []struct {
		ID          string `json:"ID"`
		DisplayName string `json:"displayName"`
		Modified    []struct {
			DisplayName string `json:"displayName"`
			NewValue    string `json:"newValue"`
		} `json:"modifiedProperties"`
	}
	unmarshalMaybeString(r.TargetResources, &targets)
	for _, t := range targets {
		if ev.Target == "" {
			ev.Target = t.DisplayName
		}
		for _, m := range t.Modified {
			if ev.Permissions == "" && strings.EqualFold(m.DisplayName, "DelegatedPermissionGrant.Scope") {
				ev.Permissions = strings.Trim(m.NewValue, `"`)
			}
		}
	}
	if ev.Target == "" {
		unmarshalMaybeString(r.Target, &targets)
		for _, t := range targets {
			if t.ID != "" && !strings.Contains(t.ID, "-") {
				ev.Target = t.ID // the application name, as opposed to GUIDs
			}
		}
	}
	ev.Target = firstNonEmpty(ev.Target, r.ObjectID)
}

// pairs turns a Name/Value list (or a string holding one) into a map keyed by the
// lower-cased name.
func pairs(raw json.RawMessage) map[string]string {
	var list []nameValue
	unmarshalMaybeString(raw, &list)
	m := make(map[string]string, len(list))
	for _, nv := range list {
		name := strings.ToLower(firstNonEmpty(nv.Name, nv.DisplayName))
		m[name] = strings.Trim(firstNonEmpty(nv.Value, nv.NewValue), `"`)
	}
	return m
}

func unmarshalMaybeString(raw json.RawMessage, v any) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil || len(s) > logs.MaxRecord {
			return
		}
		raw = []byte(s)
	}
	_ = json.Unmarshal(raw, v) // optional detail: a malformed list just gives none
}

func setSource(ev logs.Event, src logs.Source) {
	switch e := ev.(type) {
	case *logs.SignIn:
		e.Src = src
	case *logs.MailboxChange:
		e.Src = src
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func isTrue(s string) bool { return strings.EqualFold(s, "true") }

func stripSMTP(s string) string {
	var out []string
	for _, a := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' }) {
		a = strings.TrimSpace(a)
		if len(a) > 5 && strings.EqualFold(a[:5], "smtp:") {
			a = a[5:]
		}
		if a != "" {
			out = append(out, strings.ToLower(a))
		}
	}
	return strings.Join(out, ";")
}

// folderName keeps the last element of a folder path ("mbx:\RSS Feeds" → "RSS Feeds").
func folderName(s string) string {
	if i := strings.LastIndexAny(s, `\/`); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}

// addresses pulls e-mail addresses out of free text.
func addresses(s string) string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(" ;,\"'<>[]{}():", r) }) {
		if strings.Count(f, "@") == 1 && strings.Contains(f[strings.IndexByte(f, '@'):], ".") {
			out = append(out, strings.ToLower(f))
		}
	}
	return strings.Join(out, ";")
}
