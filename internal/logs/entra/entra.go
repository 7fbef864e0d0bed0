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
	"bufio"
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"
	"sync/atomic"

	"vigie.dev/vigie/internal/logs"
)

// Dialect is Entra ID sign-in records.
var Dialect = logs.Dialect{Format: logs.Entra, Records: records{}}

// Parser reads Entra sign-in logs: JSON records in any layout, or the admin
// center's CSV download.
var Parser = logs.ParserFunc(Parse)

// Parse reads a sign-in export, CSV or JSON.
func Parse(ctx context.Context, r io.Reader, file string, opts logs.Options, emit func(logs.Event)) (logs.Stats, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if head, _ := br.Peek(4096); IsCSV(head) {
		var st logs.Stats
		err := ParseCSV(ctx, br, file, &st, emit)
		return st, err
	}
	return logs.ParseWith(Dialect).Parse(ctx, br, file, opts, emit)
}

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

// signIn holds the raw fields hunting uses, found in one walk over the
// record (logs.EachField): names are matched case-insensitively, which covers
// exports that lower-case every key and Sentinel's capitalised columns; nested
// objects may be strings holding JSON (Sentinel).
type signIn struct {
	createdDateTime, timeGenerated, time                   []byte
	userPrincipalName, servicePrincipalName, servicePrinID []byte
	appDisplayName, ipAddress, callerIP, clientAppUsed     []byte
	userAgent, resultType, status, deviceDetail            []byte
	location, locationDetails, mfaDetail, authDetails      []byte
	riskDuring, riskAggregated, riskState                  []byte
	riskEvents, riskEventsV2, category, typ, properties    []byte
}

func (s *signIn) field(k, v []byte) bool {
	if len(k) >= 32 || fieldLengths&(1<<len(k)) == 0 {
		return true // no field read here is named so long
	}
	if s.set(k, v) { // names as Graph writes them
		return true
	}
	var buf [32]byte
	upper := false
	for i, c := range k {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
			upper = true
		}
		buf[i] = c
	}
	if upper { // a lower-case name was in the switch already
		s.set(buf[:len(k)], v) // names matched whatever their case, without allocating
	}
	return true
}

// fieldLengths has bit n set when a field set reads is n bytes long: a name
// added to set needs its length here (TestFieldLengths checks the names).
const fieldLengths = 1<<4 | 1<<6 | 1<<8 | 1<<9 | 1<<10 | 1<<12 | 1<<13 | 1<<14 | 1<<15 | 1<<17 | 1<<18 | 1<<19 | 1<<20 | 1<<21

// set files the value of a field named k (camel-case or lower-case); false
// for another name. k stays bytes: a switch on string(k) compares without
// the copy that converting it for a call made.
func (s *signIn) set(k, v []byte) bool {
	switch string(k) {
	case "createdDateTime", "createddatetime":
		s.createdDateTime = v
	case "timeGenerated", "timegenerated":
		s.timeGenerated = v
	case "time":
		s.time = v
	case "userPrincipalName", "userprincipalname":
		s.userPrincipalName = v
	case "servicePrincipalName", "serviceprincipalname":
		s.servicePrincipalName = v
	case "servicePrincipalId", "serviceprincipalid":
		s.servicePrinID = v
	case "appDisplayName", "appdisplayname":
		s.appDisplayName = v
	case "ipAddress", "ipaddress":
		s.ipAddress = v
	case "callerIpAddress", "calleripaddress":
		s.callerIP = v
	case "clientAppUsed", "clientappused":
		s.clientAppUsed = v
	case "userAgent", "useragent":
		s.userAgent = v
	case "resultType", "resulttype":
		if s.resultType == nil {
			s.resultType = v
		}
	case "status":
		s.status = v
	case "deviceDetail", "devicedetail":
		s.deviceDetail = v
	case "location":
		s.location = v
	case "locationDetails", "locationdetails":
		s.locationDetails = v
	case "mfaDetail", "mfadetail":
		s.mfaDetail = v
	case "authenticationDetails", "authenticationdetails":
		s.authDetails = v
	case "riskLevelDuringSignIn", "risklevelduringsignin":
		s.riskDuring = v
	case "riskLevelAggregated", "risklevelaggregated":
		s.riskAggregated = v
	case "riskState", "riskstate":
		s.riskState = v
	case "riskEventTypes", "riskeventtypes":
		s.riskEvents = v
	case "riskEventTypes_v2", "riskeventtypes_v2":
		s.riskEventsV2 = v
	case "category":
		s.category = v
	case "type":
		s.typ = v
	case "properties":
		s.properties = v
	default:
		return false
	}
	return true
}

type status struct {
	errorCode                        []byte
	failureReason, additionalDetails string
}

type authDetail struct {
	AuthenticationMethod           string `json:"authenticationMethod"`
	Succeeded                      *bool  `json:"succeeded"`
	AuthenticationStepResultDetail string `json:"authenticationStepResultDetail"`
}

// names interns the application and client names records repeat.
var names logs.Interner

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
	var s signIn
	if err := logs.EachField(rec, s.field); err != nil {
		return nil, recordError("bad sign-in record: " + err.Error())
	}
	category := logs.Str(s.category)
	if props := logs.Object(s.properties); props != nil {
		// The Azure Monitor envelope: the sign-in is in "properties".
		if category != "" && !strings.Contains(strings.ToLower(category), "signin") {
			return nil, nil
		}
		env := s
		s = signIn{}
		if err := logs.EachField(props, s.field); err != nil {
			return nil, recordError("bad sign-in properties: " + err.Error())
		}
		s.time, s.callerIP = env.time, env.callerIP
		if s.resultType == nil {
			s.resultType = env.resultType
		}
		if s.category == nil {
			s.category = env.category
		}
	}
	if typ := logs.Str(s.typ); typ != "" && !strings.Contains(strings.ToLower(typ), "signin") {
		return nil, nil // another Sentinel table
	}
	t, ok := logs.ParseTimeBytes(logs.StrBytes(s.createdDateTime))
	if !ok {
		if t, ok = logs.ParseTime(logs.FirstNonEmpty(logs.Str(s.time), logs.Str(s.timeGenerated))); !ok {
			return nil, recordError("sign-in record without a valid createdDateTime")
		}
	}
	st := parseStatus(s.status)
	country, lat, lon, hasCoords := parseLocation(s.location)
	if len(country) == 0 && !hasCoords {
		country, lat, lon, hasCoords = parseLocation(s.locationDetails)
	}
	ev := logs.NewSignIn()
	ev.Time = t
	ev.User = logs.LowerString(logs.StrBytes(s.userPrincipalName))
	ev.IP = logs.ParseIPBytes(logs.StrBytes(s.ipAddress))
	ev.App = names.Str(s.appDisplayName)
	ev.Country = logs.CountryString(country)
	ev.FailureReason = st.failureReason
	category = strings.ToLower(logs.FirstNonEmpty(category, logs.Str(s.category), logs.Str(s.typ)))
	spn, spID := logs.Str(s.servicePrincipalName), logs.Str(s.servicePrinID)
	if ev.User == "" || strings.Contains(category, "serviceprincipal") || strings.Contains(category, "managedidentity") {
		if spn != "" || spID != "" || strings.Contains(category, "serviceprincipal") || strings.Contains(category, "managedidentity") {
			ev.Principal = logs.PrincipalService
			ev.User = logs.FirstNonEmpty(spn, ev.App, spID)
		}
	}
	if !ev.IP.IsValid() {
		ev.IP = logs.ParseIP(logs.Str(s.callerIP))
	}
	if hasCoords && (lat != 0 || lon != 0) {
		ev.Lat, ev.Lon, ev.HasCoords = lat, lon, true
	}
	clientApp, ua := names.Str(s.clientAppUsed), logs.Str(s.userAgent)
	ev.Client = ua
	if ev.Client == "" {
		var browser, osName []byte
		if dev := logs.Object(s.deviceDetail); dev != nil {
			logs.EachField(dev, func(k, v []byte) bool {
				switch {
				case logs.KeyIs(k, "browser"):
					browser = logs.StrBytes(v)
				case logs.KeyIs(k, "operatingSystem"):
					osName = logs.StrBytes(v)
				}
				return true
			})
		}
		ev.Client = clientString(clientApp, browser, osName)
	}
	ev.Legacy = Legacy(clientApp, ua)
	ev.Risk = risk(&s)
	code, ok := logs.Int(st.errorCode)
	if !ok {
		code, _ = logs.Int(s.resultType)
	}
	ev.Result, ev.MFAResult = classify(code, &s, &st)
	if ev.Result == logs.Failure && ev.FailureReason == "" {
		ev.FailureReason = errorReason(code)
	}
	return ev, nil
}

// lastError is the last failure reason made from an error code: the
// failures of a log mostly carry the same few codes (50126, a wrong
// password), so the string is made once per run of one code rather than
// once per failure.
var lastError atomic.Pointer[codeReason]

type codeReason struct {
	code   int
	reason string
}

// errorReason is "error " + strconv.Itoa(code).
func errorReason(code int) string {
	if c := lastError.Load(); c != nil && c.code == code {
		return c.reason
	}
	c := &codeReason{code, "error " + strconv.Itoa(code)}
	lastError.Store(c)
	return c.reason
}

func parseStatus(raw []byte) status {
	var st status
	if code, ok := bytes.CutPrefix(raw, []byte(`{"errorCode":`)); ok && len(code) > 1 && code[len(code)-1] == '}' && digits(code[:len(code)-1]) {
		st.errorCode = code[:len(code)-1] // most sign-ins: what the walk below finds
		return st
	}
	if obj := logs.Object(raw); obj != nil {
		logs.EachField(obj, func(k, v []byte) bool {
			switch {
			case logs.KeyIs(k, "errorCode"):
				st.errorCode = v
			case logs.KeyIs(k, "failureReason"):
				st.failureReason = logs.Str(v)
			case logs.KeyIs(k, "additionalDetails"):
				st.additionalDetails = logs.Str(v)
			}
			return true
		})
	}
	return st
}

// digits: b is one or more ASCII digits.
func digits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

// letters: b holds only ASCII letters (or nothing).
func letters(b []byte) bool {
	for _, c := range b {
		if (c|0x20) < 'a' || (c|0x20) > 'z' {
			return false
		}
	}
	return true
}

// parseLocation reads {countryOrRegion, geoCoordinates: {latitude, longitude}}.
func parseLocation(raw []byte) (country []byte, lat, lon float64, ok bool) {
	if cc, ok := bytes.CutPrefix(raw, []byte(`{"countryOrRegion":"`)); ok && len(cc) >= 2 && string(cc[len(cc)-2:]) == `"}` && letters(cc[:len(cc)-2]) {
		return cc[:len(cc)-2], 0, 0, false // most sign-ins: what the walk below finds
	}
	obj := logs.Object(raw)
	if obj == nil {
		return nil, 0, 0, false
	}
	var hasLat, hasLon bool
	logs.EachField(obj, func(k, v []byte) bool {
		switch {
		case logs.KeyIs(k, "countryOrRegion"):
			country = logs.StrBytes(v)
		case logs.KeyIs(k, "geoCoordinates"):
			if g := logs.Object(v); g != nil {
				logs.EachField(g, func(k, v []byte) bool {
					f, err := strconv.ParseFloat(logs.Str(v), 64)
					switch {
					case err != nil:
					case logs.KeyIs(k, "latitude"):
						lat, hasLat = f, true
					case logs.KeyIs(k, "longitude"):
						lon, hasLon = f, true
					}
					return true
				})
			}
		}
		return true
	})
	return country, lat, lon, hasLat && hasLon
}

// clientString is the client app, browser and system joined by spaces and
// trimmed (strings.TrimSpace).
func clientString(app string, browser, osName []byte) string {
	if len(browser) == 0 && len(osName) == 0 {
		return strings.TrimSpace(app)
	}
	var buf [128]byte
	b := append(append(append(append(append(buf[:0], app...), ' '), browser...), ' '), osName...)
	return string(bytes.TrimSpace(b))
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
	if clientApp == "Browser" && userAgent == "" { // most sign-ins
		return false
	}
	c := strings.TrimSpace(clientApp)
	if c != "" && !strings.EqualFold(c, "Browser") && !strings.EqualFold(c, "Mobile Apps and Desktop clients") { // the modern clients, most sign-ins
		for _, l := range legacyClients {
			if strings.EqualFold(c, l) {
				return true
			}
		}
	}
	return strings.EqualFold(strings.TrimSpace(userAgent), "BAV2ROPC")
}

func risk(s *signIn) *logs.Risk {
	if s.riskDuring == nil && s.riskAggregated == nil && s.riskEvents == nil && s.riskEventsV2 == nil && s.riskState == nil {
		return nil // most sign-ins
	}
	level := strings.ToLower(logs.Str(s.riskDuring))
	if agg := strings.ToLower(logs.Str(s.riskAggregated)); riskRank(agg) > riskRank(level) {
		level = agg
	}
	events := stringList(s.riskEventsV2)
	if len(events) == 0 {
		events = stringList(s.riskEvents)
	}
	state := logs.Str(s.riskState)
	if riskRank(level) == 0 && len(events) == 0 && (state == "" || strings.EqualFold(state, "none")) {
		return nil
	}
	return &logs.Risk{Level: level, State: state, Events: events}
}

// stringList decodes a list of strings, maybe written as a string holding
// JSON; nothing is allocated for an absent or empty one (most sign-ins).
func stringList(raw []byte) []string {
	if len(raw) <= 2 {
		return nil
	}
	var l []string
	logs.UnmarshalMaybeString(raw, &l)
	return l
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

func classify(code int, s *signIn, st *status) (logs.Result, string) {
	if len(s.authDetails) <= 2 && s.mfaDetail == nil { // most sign-ins
		return verdict(code, strings.ToLower(st.additionalDetails), "")
	}
	mfa := ""
	detail := strings.ToLower(st.additionalDetails)
	for _, d := range authDetails(s.authDetails) {
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
	authMethod := ""
	if obj := logs.Object(s.mfaDetail); obj != nil {
		logs.EachField(obj, func(k, v []byte) bool {
			if logs.KeyIs(k, "authMethod") {
				authMethod = logs.Str(v)
			}
			return true
		})
	}
	if authMethod != "" && mfa == "" && code == 0 {
		mfa = logs.MFAPassed
	}
	return verdict(code, detail, mfa)
}

// authDetails decodes authenticationDetails, allocating only when there
// are some.
func authDetails(raw []byte) []authDetail {
	if len(raw) <= 2 {
		return nil
	}
	var steps []authDetail
	logs.UnmarshalMaybeString(raw, &steps)
	return steps
}

// verdict is a sign-in's result from its Entra error code, and its second
// factor's from what the log says about it (detail, lower-case) or what was
// found already (mfa).
func verdict(code int, detail, mfa string) (logs.Result, string) {
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
