package entra

import (
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/logstest"
)

// refRecords are real records and the bench's shape: what the reference
// decoder and the fast one must read alike.
func refRecords(t testing.TB) []string {
	recs := strings.Split(benchRecords(50), "\n")
	excerpt, err := os.ReadFile(logstest.SharedLogs + "/elastic-excerpts/entra_signinlogs.excerpt.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	recs = append(recs, strings.Split(string(excerpt), "\n")...)
	for _, file := range []string{"testdata/azure_failed_signins.yml", "testdata/azure_high_risk_signin.yml", logstest.SharedLogs + "/panther-labeled/azure_legacyauth.yml"} {
		for _, c := range logstest.PantherCases(t, file) {
			recs = append(recs, string(c.JSON))
		}
	}
	return append(recs,
		`{"createdDateTime":"2025-03-20T22:40:00Z","userPrincipalName":"Alice@Cabinet.example","ipAddress":"203.0.113.45","status":{"errorCode":500121,"additionalDetails":"MFA denied; user declined the authentication"}}`,
		`{"createdDateTime":"2025-03-20T22:42:00Z","userPrincipalName":"a@b.example","ipAddress":"203.0.113.45","status":{"errorCode":0},"mfaDetail":{"authMethod":"Mobile app notification"}}`,
		`{"createdDateTime":"2025-03-20T22:42:00Z","userPrincipalName":"a@b.example","appDisplayName":"Off\u00efce","clientAppUsed":"IMAP4","riskState":"atRisk","riskEventTypes_v2":["unfamiliarFeatures"],"authenticationDetails":[{"authenticationMethod":"SMS","succeeded":false,"authenticationStepResultDetail":"MFA denied"}]}`,
		`{"createdDateTime":"2025-03-20T22:42:00Z","servicePrincipalName":"svc","appDisplayName":"","clientAppUsed":"\"x\"","status":{"errorCode":"50053"}}`,
		`{"CreatedDateTime":"2025-03-20T22:42:00Z","USERPRINCIPALNAME":"A@B.example","IPAddress":"192.0.2.1","Status":{"errorCode":-1}}`,
		`{"createddatetime":"2025-03-20T22:42:00Z","userprincipalname":"a@b.example","status":{"errorCode":00},"status":{ "errorCode":50126 }}`,
		`{"createdDateTime":"2025-03-20T22:42:00Z","userPrincipalName":"a@b.example","status":"{\"errorCode\":50126}","resultType":"0"}`,
		`{"createdDateTime":"2025-03-20T22:42:00Z","userPrincipalName":"a@b.example","status":{"errorCode":1,"failureReason":"x"},"location":{"countryOrRegion":"fr","geoCoordinates":{"latitude":48.8,"longitude":2.3}}}`,
		`{"time":"2025-03-20T22:42:00Z","category":"SignInLogs","properties":{"userPrincipalName":"a@b.example","ipAddress":"192.0.2.1","status":{"errorCode":0}}}`,
		`{"TimeGenerated":"2025-03-20T22:42:00Z","Type":"SigninLogs","UserPrincipalName":"a@b.example","IPAddress":"192.0.2.1","ResultType":"50126","LocationDetails":"{\"countryOrRegion\":\"DE\"}"}`,
	)
}

// TestParseRecordAsReference: the decoder reads every record as the one
// before the fast paths did (refParseRecord, kept below).
func TestParseRecordAsReference(t *testing.T) {
	for _, rec := range refRecords(t) {
		sameAsReference(t, []byte(rec))
	}
}

// FuzzParseRecordAsReference holds parseRecord to refParseRecord on any input.
func FuzzParseRecordAsReference(f *testing.F) {
	for _, rec := range refRecords(f) {
		f.Add([]byte(rec))
	}
	f.Fuzz(func(t *testing.T, rec []byte) { sameAsReference(t, rec) })
}

// TestFieldLengths: every field the reference reads, in its Graph, lower-case
// and capitalised spellings, is read through fieldLengths' filter.
func TestFieldLengths(t *testing.T) {
	v := []byte(`"x"`)
	for _, name := range []string{"createdDateTime", "timeGenerated", "time", "userPrincipalName", "servicePrincipalName", "servicePrincipalId",
		"appDisplayName", "ipAddress", "callerIpAddress", "clientAppUsed", "userAgent", "resultType", "status", "deviceDetail", "location",
		"locationDetails", "mfaDetail", "authenticationDetails", "riskLevelDuringSignIn", "riskLevelAggregated", "riskState",
		"riskEventTypes", "riskEventTypes_v2", "category", "type", "properties"} {
		for _, k := range []string{name, strings.ToLower(name), strings.ToUpper(name[:1]) + name[1:]} {
			var got, want signIn
			got.field([]byte(k), v)
			want.refField([]byte(k), v)
			if reflect.DeepEqual(want, signIn{}) || !reflect.DeepEqual(got, want) {
				t.Errorf("%s: read as %+v, want %+v", k, got, want)
			}
		}
	}
}

func sameAsReference(t *testing.T, rec []byte) {
	t.Helper()
	for range 2 { // the second time, interned names come from their slots
		got, err := parseRecord(rec)
		want, werr := refParseRecord(rec)
		if (err == nil) != (werr == nil) || err != nil && err.Error() != werr.Error() || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s\n got %+v, %v\nwant %+v, %v", rec, got, err, want, werr)
		}
	}
}

// The decoder before its fast paths (field names matched as written before
// being lower-cased, the usual status and location read without a walk,
// risk and classification of sign-ins without risk or second factor,
// interned names): the reference above.
func refParseRecord(rec []byte) (*logs.SignIn, error) {
	var s signIn
	if err := logs.EachField(rec, s.refField); err != nil {
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
		if err := logs.EachField(props, s.refField); err != nil {
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
	st := refParseStatus(s.status)
	country, lat, lon, hasCoords := refParseLocation(s.location)
	if len(country) == 0 && !hasCoords {
		country, lat, lon, hasCoords = refParseLocation(s.locationDetails)
	}
	ev := logs.NewSignIn()
	ev.Time = t
	ev.User = logs.LowerString(logs.StrBytes(s.userPrincipalName))
	ev.IP = logs.ParseIPBytes(logs.StrBytes(s.ipAddress))
	ev.App = logs.Str(s.appDisplayName)
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
	clientApp, ua := logs.Str(s.clientAppUsed), logs.Str(s.userAgent)
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
	ev.Legacy = legacyReference(clientApp, ua)
	ev.Risk = refRisk(&s)
	code, ok := logs.Int(st.errorCode)
	if !ok {
		code, _ = logs.Int(s.resultType)
	}
	ev.Result, ev.MFAResult = refClassify(code, &s, &st)
	if ev.Result == logs.Failure && ev.FailureReason == "" {
		ev.FailureReason = "error " + strconv.Itoa(code)
	}
	return ev, nil
}

func refRisk(s *signIn) *logs.Risk {
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

func refClassify(code int, s *signIn, st *status) (logs.Result, string) {
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

func (s *signIn) refField(k, v []byte) bool {
	var buf [32]byte
	if len(k) > len(buf) {
		return true
	}
	for i, c := range k {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	switch string(buf[:len(k)]) { // names matched whatever their case, without allocating
	case "createddatetime":
		s.createdDateTime = v
	case "timegenerated":
		s.timeGenerated = v
	case "time":
		s.time = v
	case "userprincipalname":
		s.userPrincipalName = v
	case "serviceprincipalname":
		s.servicePrincipalName = v
	case "serviceprincipalid":
		s.servicePrinID = v
	case "appdisplayname":
		s.appDisplayName = v
	case "ipaddress":
		s.ipAddress = v
	case "calleripaddress":
		s.callerIP = v
	case "clientappused":
		s.clientAppUsed = v
	case "useragent":
		s.userAgent = v
	case "resulttype":
		if s.resultType == nil {
			s.resultType = v
		}
	case "status":
		s.status = v
	case "devicedetail":
		s.deviceDetail = v
	case "location":
		s.location = v
	case "locationdetails":
		s.locationDetails = v
	case "mfadetail":
		s.mfaDetail = v
	case "authenticationdetails":
		s.authDetails = v
	case "risklevelduringsignin":
		s.riskDuring = v
	case "risklevelaggregated":
		s.riskAggregated = v
	case "riskstate":
		s.riskState = v
	case "riskeventtypes":
		s.riskEvents = v
	case "riskeventtypes_v2":
		s.riskEventsV2 = v
	case "category":
		s.category = v
	case "type":
		s.typ = v
	case "properties":
		s.properties = v
	}
	return true
}

func refParseStatus(raw []byte) status {
	var st status
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

func refParseLocation(raw []byte) (country []byte, lat, lon float64, ok bool) {
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

// legacyReference is Legacy before its fast path for a browser without a
// user agent.
func legacyReference(clientApp, userAgent string) bool {
	c := strings.TrimSpace(clientApp)
	if c != "" && !strings.EqualFold(c, "Browser") && !strings.EqualFold(c, "Mobile Apps and Desktop clients") {
		for _, l := range legacyClients {
			if strings.EqualFold(c, l) {
				return true
			}
		}
	}
	return strings.EqualFold(strings.TrimSpace(userAgent), "BAV2ROPC")
}

// FuzzLegacy holds Legacy to legacyReference, and errorReason to the
// string it spares making.
func FuzzLegacy(f *testing.F) {
	f.Add("Browser", "", 50126)
	f.Add("IMAP4", "BAV2ROPC", 0)
	f.Add(" Browser", " bav2ropc ", -1)
	f.Fuzz(func(t *testing.T, app, ua string, code int) {
		if got, want := Legacy(app, ua), legacyReference(app, ua); got != want {
			t.Fatalf("Legacy(%q, %q) = %v, want %v", app, ua, got, want)
		}
		for range 2 {
			if got, want := errorReason(code), "error "+strconv.Itoa(code); got != want {
				t.Fatalf("errorReason(%d) = %q, want %q", code, got, want)
			}
		}
	})
}
