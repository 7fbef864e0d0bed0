// Package entra parses Entra ID (Azure AD) sign-in logs into sign-in events:
// the Microsoft Graph signIn resource (auditLogs/signIns, "Download → JSON" in
// the Entra admin center) in any layout, the Azure Monitor diagnostic form
// (category SignInLogs, NonInteractiveUserSignInLogs, ServicePrincipalSignInLogs,
// ManagedIdentitySignInLogs) that wraps the same fields in "properties", and
// Sentinel's SigninLogs tables (TimeGenerated, ResultType, LocationDetails).
// Service-principal and managed-identity sign-ins are applications, not
// people: their events say so (logs.PrincipalService).
package entra

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"vigie.dev/vigie/internal/logs"
)

// Dialect is Entra ID sign-in records.
var Dialect = logs.Dialect{Format: logs.Entra, Records: records{}}

// Parser reads Entra sign-in records.
var Parser = logs.ParseWith(Dialect)

type records struct{}

// Claims: a sign-in's creation time with a principal or an address, or a
// sign-in log category or table name.
func (records) Claims(rec []byte) bool {
	if logs.HasKey(rec, "createdDateTime", "createddatetime", "CreatedDateTime") &&
		logs.HasKey(rec, "userPrincipalName", "userprincipalname", "UserPrincipalName", "servicePrincipalName", "servicePrincipalId", "serviceprincipalname", "ipAddress", "ipaddress", "IPAddress") {
		return true
	}
	return logs.ContainsFold(rec, `signinlogs"`) && (logs.HasKey(rec, "properties") || logs.HasKey(rec, "UserPrincipalName", "ServicePrincipalName", "ResultType", "resultType"))
}

// signIn holds the fields hunting uses. encoding/json matches names
// case-insensitively, which also covers exports that lower-case every key and
// Sentinel's capitalised columns. Nested objects are raw: Sentinel writes
// them as strings holding JSON.
type signIn struct {
	CreatedDateTime       string          `json:"createdDateTime"`
	TimeGenerated         string          `json:"TimeGenerated"`
	UserPrincipalName     string          `json:"userPrincipalName"`
	ServicePrincipalName  string          `json:"servicePrincipalName"`
	ServicePrincipalID    string          `json:"servicePrincipalId"`
	AppDisplayName        string          `json:"appDisplayName"`
	IPAddress             string          `json:"ipAddress"`
	ClientAppUsed         string          `json:"clientAppUsed"`
	UserAgent             string          `json:"userAgent"`
	ResultType            json.RawMessage `json:"ResultType"`
	Status                json.RawMessage `json:"status"`
	DeviceDetail          json.RawMessage `json:"deviceDetail"`
	Location              json.RawMessage `json:"location"`
	LocationDetails       json.RawMessage `json:"LocationDetails"`
	MFADetail             json.RawMessage `json:"mfaDetail"`
	AuthenticationDetails json.RawMessage `json:"authenticationDetails"`
	RiskLevelDuringSignIn string          `json:"riskLevelDuringSignIn"`
	RiskLevelAggregated   string          `json:"riskLevelAggregated"`
	RiskState             string          `json:"riskState"`
	RiskEventTypes        json.RawMessage `json:"riskEventTypes"`
	RiskEventTypesV2      json.RawMessage `json:"riskEventTypes_v2"`
	Category              string          `json:"category"`
	Type                  string          `json:"Type"`
}

type status struct {
	ErrorCode         json.RawMessage `json:"errorCode"`
	FailureReason     string          `json:"failureReason"`
	AdditionalDetails string          `json:"additionalDetails"`
}

type location struct {
	CountryOrRegion string `json:"countryOrRegion"`
	GeoCoordinates  struct {
		Latitude  *float64 `json:"latitude"`
		Longitude *float64 `json:"longitude"`
	} `json:"geoCoordinates"`
}

type authDetail struct {
	AuthenticationMethod           string `json:"authenticationMethod"`
	Succeeded                      *bool  `json:"succeeded"`
	AuthenticationStepResultDetail string `json:"authenticationStepResultDetail"`
}

// monitor is the Azure Monitor / Log Analytics envelope.
type monitor struct {
	Time            string          `json:"time"`
	Category        string          `json:"category"`
	CallerIPAddress string          `json:"callerIpAddress"`
	ResultType      json.RawMessage `json:"resultType"`
	Properties      json.RawMessage `json:"properties"`
}

type recordError string

func (e recordError) Error() string { return string(e) }

// ParseRecord reads one sign-in record; records of other categories (audit,
// risk events) in the same export give nothing.
func (records) ParseRecord(src logs.Source, rec []byte, emit func(logs.Event)) error {
	ev, err := parseRecord(rec)
	if err != nil || ev == nil {
		return err
	}
	ev.Src = src
	emit(ev)
	return nil
}

func parseRecord(rec []byte) (*logs.SignIn, error) {
	var env monitor
	if err := json.Unmarshal(rec, &env); err != nil {
		return nil, recordError("bad sign-in record: " + err.Error())
	}
	var s signIn
	body := rec
	if len(env.Properties) > 0 && env.Properties[0] == '{' {
		if env.Category != "" && !strings.Contains(strings.ToLower(env.Category), "signin") {
			return nil, nil
		}
		body = env.Properties
	}
	if err := json.Unmarshal(body, &s); err != nil {
		return nil, recordError("bad sign-in record: " + err.Error())
	}
	if s.Type != "" && !strings.Contains(strings.ToLower(s.Type), "signin") {
		return nil, nil // another Sentinel table
	}
	t, ok := logs.ParseTime(s.CreatedDateTime)
	if !ok {
		if t, ok = logs.ParseTime(logs.FirstNonEmpty(env.Time, s.TimeGenerated)); !ok {
			return nil, recordError("sign-in record without a valid createdDateTime")
		}
	}
	var st status
	logs.UnmarshalMaybeString(s.Status, &st)
	var loc location
	logs.UnmarshalMaybeString(s.Location, &loc)
	if loc.CountryOrRegion == "" {
		logs.UnmarshalMaybeString(s.LocationDetails, &loc)
	}
	ev := &logs.SignIn{
		Time:          t,
		User:          strings.ToLower(s.UserPrincipalName),
		IP:            logs.ParseIP(s.IPAddress),
		App:           s.AppDisplayName,
		Country:       strings.ToUpper(loc.CountryOrRegion),
		FailureReason: st.FailureReason,
	}
	category := strings.ToLower(logs.FirstNonEmpty(env.Category, s.Category, s.Type))
	if ev.User == "" || strings.Contains(category, "serviceprincipal") || strings.Contains(category, "managedidentity") {
		if s.ServicePrincipalName != "" || s.ServicePrincipalID != "" || strings.Contains(category, "serviceprincipal") || strings.Contains(category, "managedidentity") {
			ev.Principal = logs.PrincipalService
			ev.User = logs.FirstNonEmpty(s.ServicePrincipalName, s.AppDisplayName, s.ServicePrincipalID)
		}
	}
	if !ev.IP.IsValid() {
		ev.IP = logs.ParseIP(env.CallerIPAddress)
	}
	if c := loc.GeoCoordinates; c.Latitude != nil && c.Longitude != nil && (*c.Latitude != 0 || *c.Longitude != 0) {
		ev.Lat, ev.Lon, ev.HasCoords = *c.Latitude, *c.Longitude, true
	}
	ev.Client = s.UserAgent
	if ev.Client == "" {
		var dev struct {
			Browser         string `json:"browser"`
			OperatingSystem string `json:"operatingSystem"`
		}
		logs.UnmarshalMaybeString(s.DeviceDetail, &dev)
		ev.Client = strings.TrimSpace(strings.Join([]string{s.ClientAppUsed, dev.Browser, dev.OperatingSystem}, " "))
	}
	ev.Legacy = Legacy(s.ClientAppUsed, s.UserAgent)
	ev.Risk = risk(s)
	code, ok := errorCode(st.ErrorCode)
	if !ok {
		if code, ok = errorCode(s.ResultType); !ok {
			code, _ = errorCode(env.ResultType)
		}
	}
	ev.Result, ev.MFAResult = classify(code, s, st)
	if ev.Result == logs.Failure && ev.FailureReason == "" {
		ev.FailureReason = "error " + strconv.Itoa(code)
	}
	return ev, nil
}

func errorCode(raw json.RawMessage) (int, bool) {
	v := strings.Trim(string(bytes.TrimSpace(raw)), `"`)
	if v == "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}

// legacyClients are the clientAppUsed values of protocols that cannot carry
// modern authentication, as Entra's sign-in logs name them ("Legacy
// authentication clients" in the Client app filter; Microsoft Learn, "Block
// legacy authentication with Conditional Access").
var legacyClients = []string{
	"authenticated smtp", "autodiscover", "exchange activesync", "exchange online powershell",
	"exchange web services", "imap4", "imap", "mapi over http", "offline address book", "other clients",
	"outlook anywhere (rpc over http)", "pop3", "pop", "reporting web services", "universal outlook",
}

// Legacy reports whether a sign-in used legacy authentication: a legacy client
// protocol, or the resource-owner password flow that Exchange's basic
// authentication translates to (user agent BAV2ROPC).
func Legacy(clientApp, userAgent string) bool {
	c := strings.ToLower(strings.TrimSpace(clientApp))
	for _, l := range legacyClients {
		if c == l {
			return true
		}
	}
	return strings.EqualFold(strings.TrimSpace(userAgent), "BAV2ROPC")
}

func risk(s signIn) *logs.Risk {
	level := strings.ToLower(s.RiskLevelDuringSignIn)
	if r := riskRank(strings.ToLower(s.RiskLevelAggregated)); r > riskRank(level) {
		level = strings.ToLower(s.RiskLevelAggregated)
	}
	var events []string
	logs.UnmarshalMaybeString(s.RiskEventTypesV2, &events)
	if len(events) == 0 {
		logs.UnmarshalMaybeString(s.RiskEventTypes, &events)
	}
	state := s.RiskState
	if riskRank(level) == 0 && len(events) == 0 && (state == "" || strings.EqualFold(state, "none")) {
		return nil
	}
	return &logs.Risk{Level: level, State: state, Events: events}
}

// riskRank orders Entra risk levels; none, hidden and unknownFutureValue rank 0.
func riskRank(l string) int {
	switch l {
	case "low":
		return 1
	case "medium":
		return 2
	case "high":
		return 3
	}
	return 0
}

// interrupts are Entra error codes that mean "more is needed" rather than a
// failure: MFA required (50074, 50076, 50079), keep-me-signed-in (50140),
// device or consent prompts (50072, 50097, 50125, 50129, 65001).
var interrupts = map[int]bool{50074: true, 50076: true, 50079: true, 50140: true, 50072: true, 50097: true, 50125: true, 50129: true, 65001: true}

func classify(code int, s signIn, st status) (logs.Result, string) {
	mfa := ""
	detail := strings.ToLower(st.AdditionalDetails)
	var steps []authDetail
	logs.UnmarshalMaybeString(s.AuthenticationDetails, &steps)
	for _, d := range steps {
		if d.AuthenticationMethod == "" || strings.EqualFold(d.AuthenticationMethod, "Password") {
			continue
		}
		if d.Succeeded != nil && *d.Succeeded {
			mfa = logs.MFAPassed
		}
		if detail == "" || (d.Succeeded != nil && !*d.Succeeded) {
			detail += " " + strings.ToLower(d.AuthenticationStepResultDetail)
		}
	}
	var mfaDetail struct {
		AuthMethod string `json:"authMethod"`
	}
	logs.UnmarshalMaybeString(s.MFADetail, &mfaDetail)
	if mfaDetail.AuthMethod != "" && mfa == "" && code == 0 {
		mfa = logs.MFAPassed
	}
	// 500121: "Authentication failed during strong authentication request": the
	// second factor was denied, not answered or wrong.
	if code == 500121 || strings.Contains(detail, "mfa denied") {
		switch {
		case strings.Contains(detail, "did not respond") || strings.Contains(detail, "timed out") || strings.Contains(detail, "timeout"):
			mfa = logs.MFATimeout
		case strings.Contains(detail, "declined") || strings.Contains(detail, "denied") || strings.Contains(detail, "fraud"):
			mfa = logs.MFADenied
		default:
			mfa = logs.MFAFailed
		}
	}
	switch {
	case code == 0:
		return logs.Success, mfa
	case interrupts[code]:
		return logs.Interrupted, mfa
	}
	return logs.Failure, mfa
}
