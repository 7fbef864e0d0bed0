// Package m365 parses Microsoft 365 Unified Audit Log records and Entra ID
// directory audits into sign-ins, mailbox changes, directory changes and mail
// reads. It reads every form an admin gets them in: the Purview "Audit →
// Export" CSV (the AuditData column holds each record's JSON), PowerShell's
// Search-UnifiedAuditLog results (Export-Csv, or ConvertTo-Json where AuditData
// is a string inside each result), AuditData records one per line, in arrays
// or pages, the Management Activity API, Sentinel's OfficeActivity and
// AuditLogs tables, Graph's directoryAudits, and Defender's CloudAppEvents
// (RawEventData). Field names follow Microsoft's "Office 365 Management
// Activity API schema" (common, Exchange admin, Exchange mailbox and Azure AD
// schemas).
package m365

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/netip"
	"strings"
	"time"

	"vigie.dev/vigie/internal/logs"
)

// Dialect is audit records in JSON; CSV exports are read by ParseCSV.
var Dialect = logs.Dialect{Format: logs.M365, Records: records{}}

// Parser reads an audit export, CSV or JSON.
var Parser = logs.ParserFunc(Parse)

// Parse reads an audit export, CSV or JSON in any layout.
func Parse(ctx context.Context, r io.Reader, file string, opts logs.Options, emit func(logs.Event)) (logs.Stats, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(4096)
	head = bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n")
	if IsCSV(head) {
		var st logs.Stats
		err := ParseCSV(ctx, br, file, &st, emit)
		return st, err
	}
	return logs.ParseWith(Dialect).Parse(ctx, br, file, opts, emit)
}

type records struct{}

// Claims: an operation with the audit schema's time, type or user; a Graph or
// Sentinel directory audit; a PowerShell result wrapping AuditData.
func (records) Claims(rec []byte) bool {
	if logs.HasKey(rec, "AuditData", "auditdata") {
		return true
	}
	if logs.HasKey(rec, "createdDateTime", "createddatetime") || logs.ContainsFold(rec, `signinlogs"`) {
		return false // a sign-in: Entra's
	}
	if logs.HasKey(rec, "Operation", "operation") &&
		logs.HasKey(rec, "CreationTime", "creationtime", "RecordType", "recordtype", "Workload", "workload", "UserId", "userid", "TimeGenerated") {
		return true
	}
	if logs.HasKey(rec, "activityDisplayName", "ActivityDisplayName") {
		return true
	}
	return logs.HasKey(rec, "OperationName", "operationName") && logs.HasKey(rec, "TargetResources", "targetResources", "InitiatedBy", "initiatedBy")
}

// ParseRecord reads one audit record.
func (records) ParseRecord(src logs.Source, rec []byte, emit func(logs.Event)) error {
	if err := logs.CheckRecord(rec); err != nil {
		return err
	}
	evs, err := parseRecord(rec)
	if err != nil {
		return err
	}
	for _, ev := range evs {
		logs.SetSource(ev, src)
		emit(ev)
	}
	return nil
}

// nameValue is the {Name, Value} pair of Parameters, ExtendedProperties and
// OperationProperties, and the {Name, OldValue, NewValue} of ModifiedProperties
// (displayName/oldValue/newValue in directory audits).
type nameValue struct {
	Name        string `json:"Name"`
	Value       string `json:"Value"`
	NewValue    any    `json:"NewValue"`
	OldValue    any    `json:"OldValue"`
	DisplayName string `json:"displayName"`
}

type idType struct {
	ID   string `json:"ID"`
	Type any    `json:"Type"`
}

// record is the union of the audit fields hunting uses.
type record struct {
	ID               string `json:"Id"`
	OfficeID         string `json:"OfficeId"` // Sentinel OfficeActivity
	CreationTime     string `json:"CreationTime"`
	TimeGenerated    string `json:"TimeGenerated"`
	Operation        string `json:"Operation"`
	OperationName    string `json:"OperationName"` // Entra audit (Sentinel AuditLogs)
	Activity         string `json:"activityDisplayName"`
	ActivityTime     string `json:"activityDateTime"`
	UserID           string `json:"UserId"`
	ClientIP         string `json:"ClientIP"`
	ClientIPAddr     string `json:"Client_IPAddress"` // Sentinel OfficeActivity
	ActorIP          string `json:"ActorIpAddress"`
	ObjectID         string `json:"ObjectId"`
	ResultStatus     string `json:"ResultStatus"`
	Result           string `json:"Result"`
	LogonError       string `json:"LogonError"`
	Workload         string `json:"Workload"`
	OrganizationName string `json:"OrganizationName"`
	MailboxOwnerUPN  string `json:"MailboxOwnerUPN"`
	ClientInfo       string `json:"ClientInfoString"`
	ClientAppID      string `json:"ClientAppId"`
	AppID            string `json:"AppId"`
	OperationCount   int    `json:"OperationCount"`
	// These hold either a JSON array or a string containing one (Sentinel).
	Parameters          json.RawMessage `json:"Parameters"`
	ExtendedProperties  json.RawMessage `json:"ExtendedProperties"`
	OperationProperties json.RawMessage `json:"OperationProperties"`
	ModifiedProperties  json.RawMessage `json:"ModifiedProperties"`
	Target              json.RawMessage `json:"Target"`
	InitiatedBy         json.RawMessage `json:"InitiatedBy"`
	TargetResources     json.RawMessage `json:"TargetResources"`
	Folders             json.RawMessage `json:"Folders"`
	// Wrappers: PowerShell's Search-UnifiedAuditLog result, Defender's CloudAppEvents.
	AuditData    json.RawMessage `json:"AuditData"`
	RawEventData json.RawMessage `json:"RawEventData"`
}

type recordError string

func (e recordError) Error() string { return string(e) }

// ctx is one record with its decoded lists, shared by the operation handlers.
type ctx struct {
	r      record
	op     string // as logged, trimmed
	lop    string // lower-cased, "–" as "-"
	user   string
	params map[string]string
	mods   map[string]modProp
}

type modProp struct{ Old, New string }

func (c *ctx) ip() netip.Addr {
	if ip := logs.ParseIP(logs.FirstNonEmpty(c.r.ClientIP, c.r.ClientIPAddr, c.r.ActorIP)); ip.IsValid() {
		return ip
	}
	var ib struct {
		User struct {
			IP string `json:"ipAddress"`
		} `json:"user"`
	}
	logs.UnmarshalMaybeString(c.r.InitiatedBy, &ib)
	return logs.ParseIP(ib.User.IP)
}

func parseRecord(rec []byte) ([]logs.Event, error) {
	var r record
	if err := json.Unmarshal(rec, &r); err != nil {
		return nil, recordError("bad audit record: " + err.Error())
	}
	if inner := unwrap(r.AuditData); inner != nil {
		return parseRecord(inner)
	}
	if inner := unwrap(r.RawEventData); inner != nil && bytes.Contains(inner, []byte(`"Operation"`)) {
		return parseRecord(inner)
	}
	op := strings.TrimSuffix(strings.TrimSpace(logs.FirstNonEmpty(r.Operation, r.OperationName, r.Activity)), ".")
	if op == "" {
		return nil, recordError("audit record without Operation")
	}
	t, ok := logs.ParseTime(logs.FirstNonEmpty(r.CreationTime, r.ActivityTime, r.TimeGenerated))
	if !ok {
		return nil, recordError("audit record without a valid CreationTime")
	}
	if f := strings.ToLower(logs.FirstNonEmpty(r.ResultStatus, r.Result)); (f == "failed" || f == "failure" || f == "false") && !strings.HasPrefix(strings.ToLower(op), "userlog") {
		return nil, nil // the change was not made
	}
	c := &ctx{r: r, op: op, lop: strings.ReplaceAll(strings.ToLower(op), "–", "-")}
	c.user = strings.ToLower(r.UserID)
	if c.user == "" && len(r.InitiatedBy) > 0 {
		var ib struct {
			User struct {
				UPN string `json:"userPrincipalName"`
			} `json:"user"`
			App struct {
				Name string `json:"displayName"`
			} `json:"app"`
		}
		logs.UnmarshalMaybeString(r.InitiatedBy, &ib)
		c.user = strings.ToLower(logs.FirstNonEmpty(ib.User.UPN, ib.App.Name))
	}
	c.params = pairs(r.Parameters)
	c.mods = modifiedProperties(r)
	evs := mailboxEvents(c)
	if evs == nil {
		evs = adminEvents(c)
	}
	id := logs.FirstNonEmpty(r.ID, r.OfficeID)
	for _, ev := range evs {
		setTime(ev, t)
		switch e := ev.(type) {
		case *logs.MailboxChange:
			e.ID = id
		case *logs.AdminChange:
			e.ID = id
		case *logs.MailAccess:
			e.ID = id
		}
	}
	return evs, nil
}

// unwrap returns the record held in a wrapper field, as an object or a string.
func unwrap(raw json.RawMessage) []byte {
	raw = bytes.TrimSpace(raw)
	if len(raw) < 2 {
		return nil
	}
	if raw[0] == '{' {
		return raw
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil && strings.HasPrefix(strings.TrimSpace(s), "{") {
			return []byte(s)
		}
	}
	return nil
}

func setTime(ev logs.Event, t time.Time) {
	switch e := ev.(type) {
	case *logs.SignIn:
		e.Time = t
	case *logs.MailboxChange:
		e.Time = t
	case *logs.AdminChange:
		e.Time = t
	case *logs.MailAccess:
		e.Time = t
	}
}

// pairs turns a Name/Value list (or a string holding one) into a map keyed by
// the lower-cased name.
func pairs(raw json.RawMessage) map[string]string {
	var list []nameValue
	logs.UnmarshalMaybeString(raw, &list)
	m := make(map[string]string, len(list))
	for _, nv := range list {
		name := strings.ToLower(logs.FirstNonEmpty(nv.Name, nv.DisplayName))
		m[name] = strings.Trim(logs.FirstNonEmpty(nv.Value, str(nv.NewValue)), `"`)
	}
	return m
}

// modifiedProperties collects old and new values from the audit log's
// ModifiedProperties and from directory audits' targetResources.
func modifiedProperties(r record) map[string]modProp {
	m := map[string]modProp{}
	var list []nameValue
	logs.UnmarshalMaybeString(r.ModifiedProperties, &list)
	for _, nv := range list {
		m[strings.ToLower(logs.FirstNonEmpty(nv.Name, nv.DisplayName))] = modProp{str(nv.OldValue), str(nv.NewValue)}
	}
	for _, t := range targets(r) {
		for _, p := range t.Modified {
			m[strings.ToLower(p.DisplayName)] = modProp{str(p.OldValue), str(p.NewValue)}
		}
	}
	return m
}

type targetResource struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	Type        string `json:"type"`
	UPN         string `json:"userPrincipalName"`
	Modified    []struct {
		DisplayName string `json:"displayName"`
		OldValue    any    `json:"oldValue"`
		NewValue    any    `json:"newValue"`
	} `json:"modifiedProperties"`
}

func targets(r record) []targetResource {
	var t []targetResource
	logs.UnmarshalMaybeString(r.TargetResources, &t)
	return t
}

// str renders a property value: strings as they are (without the quotes
// directory audits wrap them in), anything else as JSON.
func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return strings.Trim(x, `"`)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func isTrue(s string) bool { return strings.EqualFold(s, "true") || s == "1" }

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

// Defender is Microsoft Defender XDR advanced hunting exports: its
// CloudAppEvents carry the audit record in RawEventData and are read as such;
// device and identity events (DeviceEvents, IdentityDirectoryEvents) are on-
// premises telemetry this package does not read, and are counted as ignored.
var Defender = logs.Dialect{Format: logs.Defender, Records: defender{}}

type defender struct{}

func (defender) Claims(rec []byte) bool {
	return logs.HasKey(rec, "ActionType") && logs.HasKey(rec, "RawEventData", "DeviceId", "DeviceName", "Application")
}

func (defender) ParseRecord(src logs.Source, rec []byte, emit func(logs.Event)) error {
	if err := logs.CheckRecord(rec); err != nil {
		return err
	}
	var r struct {
		RawEventData json.RawMessage `json:"RawEventData"`
	}
	if err := json.Unmarshal(rec, &r); err != nil {
		return recordError("bad Defender record: " + err.Error())
	}
	inner := unwrap(r.RawEventData)
	if inner == nil || !bytes.Contains(inner, []byte(`"Operation"`)) {
		return logs.ErrNotRead
	}
	return records{}.ParseRecord(src, inner, emit)
}
