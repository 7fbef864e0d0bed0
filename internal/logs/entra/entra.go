// Package entra parses Entra ID (Azure AD) sign-in logs into sign-in events: the
// Microsoft Graph signIn resource (auditLogs/signIns, "Download → JSON" in the Entra
// admin center), one record per line, as an array, or wrapped in {"value": […]}; and
// the Azure Monitor diagnostic form (category SignInLogs) that wraps the same
// fields in "properties".
package entra

import (
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"vigie.dev/vigie/internal/logs"
)

// signIn holds the Graph signIn fields hunting uses. encoding/json matches names
// case-insensitively, which also covers exports that lower-case every key.
type signIn struct {
	CreatedDateTime   string `json:"createdDateTime"`
	UserPrincipalName string `json:"userPrincipalName"`
	ServicePrincipal  string `json:"servicePrincipalName"`
	AppDisplayName    string `json:"appDisplayName"`
	IPAddress         string `json:"ipAddress"`
	ClientAppUsed     string `json:"clientAppUsed"`
	UserAgent         string `json:"userAgent"`
	Status            struct {
		ErrorCode         json.Number `json:"errorCode"`
		FailureReason     string      `json:"failureReason"`
		AdditionalDetails string      `json:"additionalDetails"`
	} `json:"status"`
	DeviceDetail struct {
		Browser         string `json:"browser"`
		OperatingSystem string `json:"operatingSystem"`
	} `json:"deviceDetail"`
	Location struct {
		CountryOrRegion string `json:"countryOrRegion"`
		GeoCoordinates  struct {
			Latitude  *float64 `json:"latitude"`
			Longitude *float64 `json:"longitude"`
		} `json:"geoCoordinates"`
	} `json:"location"`
	MFADetail struct {
		AuthMethod string `json:"authMethod"`
		AuthDetail string `json:"authDetail"`
	} `json:"mfaDetail"`
	AuthenticationDetails []struct {
		AuthenticationMethod           string `json:"authenticationMethod"`
		Succeeded                      *bool  `json:"succeeded"`
		AuthenticationStepResultDetail string `json:"authenticationStepResultDetail"`
	} `json:"authenticationDetails"`
}

// monitor is the Azure Monitor / Log Analytics envelope.
type monitor struct {
	Time            string          `json:"time"`
	Category        string          `json:"category"`
	CallerIPAddress string          `json:"callerIpAddress"`
	Properties      json.RawMessage `json:"properties"`
}

// Parse reads Entra sign-in records.
func Parse(ctx context.Context, r io.Reader, file string, opts logs.Options, emit func(logs.Event)) (logs.Stats, error) {
	var st logs.Stats
	err := logs.JSONRecords(ctx, r, file, &st, func(src logs.Source, rec []byte) {
		ev, err := parseRecord(rec)
		if err != nil {
			st.Errorf(src, "%v", err)
			return
		}
		if ev == nil {
			return // another category of record
		}
		ev.Src = src
		st.Events++
		emit(ev)
	})
	return st, err
}

// Parser is Parse as a logs.Parser.
var Parser = logs.ParserFunc(Parse)

type recordError string

func (e recordError) Error() string { return string(e) }

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
	t, ok := logs.ParseTime(s.CreatedDateTime)
	if !ok {
		if t, ok = logs.ParseTime(env.Time); !ok {
			return nil, recordError("sign-in record without a valid createdDateTime")
		}
	}
	ev := &logs.SignIn{
		Time:          t,
		User:          strings.ToLower(s.UserPrincipalName),
		IP:            logs.ParseIP(s.IPAddress),
		App:           s.AppDisplayName,
		Country:       strings.ToUpper(s.Location.CountryOrRegion),
		FailureReason: s.Status.FailureReason,
	}
	if ev.User == "" {
		ev.User = s.ServicePrincipal
	}
	if !ev.IP.IsValid() {
		ev.IP = logs.ParseIP(env.CallerIPAddress)
	}
	if c := s.Location.GeoCoordinates; c.Latitude != nil && c.Longitude != nil && (*c.Latitude != 0 || *c.Longitude != 0) {
		ev.Lat, ev.Lon, ev.HasCoords = *c.Latitude, *c.Longitude, true
	}
	ev.Client = s.UserAgent
	if ev.Client == "" {
		ev.Client = strings.TrimSpace(strings.Join([]string{s.ClientAppUsed, s.DeviceDetail.Browser, s.DeviceDetail.OperatingSystem}, " "))
	}
	code, _ := strconv.Atoi(s.Status.ErrorCode.String())
	ev.Result, ev.MFAResult = classify(code, s)
	if ev.Result == logs.Failure && ev.FailureReason == "" {
		ev.FailureReason = "error " + strconv.Itoa(code)
	}
	return ev, nil
}

// interrupts are Entra error codes that mean "more is needed" rather than a
// failure: MFA required (50074, 50076, 50079), keep-me-signed-in (50140),
// device or consent prompts (50072, 50097, 50125, 50129, 65001).
var interrupts = map[int]bool{50074: true, 50076: true, 50079: true, 50140: true, 50072: true, 50097: true, 50125: true, 50129: true, 65001: true}

func classify(code int, s signIn) (logs.Result, string) {
	mfa := ""
	detail := strings.ToLower(s.Status.AdditionalDetails)
	for _, d := range s.AuthenticationDetails {
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
	if s.MFADetail.AuthMethod != "" && mfa == "" && code == 0 {
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
