package entra

import (
	"bufio"
	"context"
	"errors"
	"strconv"
	"strings"

	"vigie.dev/vigie/internal/logs"
)

// The Entra admin center's sign-in download (Monitoring & health → Sign-in
// logs → Download → CSV) writes one file per log: interactive and
// non-interactive user sign-ins, service principal and managed identity
// sign-ins. Column names as the portal writes them (see testdata/README.md
// for the sources): "Date (UTC)" (or "Date"), "Request ID", "Username",
// "IP address", "Location" ("City, Region, CC"), "Status", "Sign-in error
// code", "Failure reason", "Client app", "User agent", "Application",
// "Multifactor authentication result"; service principal files name
// "Service principal ID" and "Service principal name" instead of a user.

// IsCSV reports whether an input starts with the header of a sign-in download.
func IsCSV(head []byte) bool {
	return csvSignIns(logs.CSVColumns(logs.CSVHeader(head)))
}

func csvSignIns(idx map[string]int) bool {
	return logs.HasColumns(idx, "request id", "ip address", "status") &&
		logs.Col(idx, "date (utc)", "date") >= 0 &&
		logs.Col(idx, "username", "service principal id", "service principal name") >= 0
}

var errNotSignIns = errors.New("CSV header is not an Entra sign-in download (Date (UTC), Request ID, IP address, Status, Username)")

// csvCols are the columns read, as indexes (-1: absent).
type csvCols struct {
	date, user, spName, spID, ip, location, status, code, reason   int
	clientApp, userAgent, browser, osName, app, mfaResult, mfaMeth int
}

// ParseCSV reads a sign-in download.
func ParseCSV(ctx context.Context, br *bufio.Reader, file string, st *logs.Stats, emit func(logs.Event)) error {
	return logs.ReadCSV(ctx, br, file, st, func(header []string) (logs.CSVRow, error) {
		idx := logs.CSVColumns(header)
		if !csvSignIns(idx) {
			return nil, errNotSignIns
		}
		c := csvCols{
			date: logs.Col(idx, "date (utc)", "date"), user: logs.Col(idx, "username"),
			spName: logs.Col(idx, "service principal name"), spID: logs.Col(idx, "service principal id"),
			ip: logs.Col(idx, "ip address"), location: logs.Col(idx, "location"), status: logs.Col(idx, "status"),
			code: logs.Col(idx, "sign-in error code"), reason: logs.Col(idx, "failure reason"),
			clientApp: logs.Col(idx, "client app"), userAgent: logs.Col(idx, "user agent"),
			browser: logs.Col(idx, "browser"), osName: logs.Col(idx, "operating system"), app: logs.Col(idx, "application"),
			mfaResult: logs.Col(idx, "multifactor authentication result"), mfaMeth: logs.Col(idx, "multifactor authentication auth method"),
		}
		return func(src logs.Source, row []string) error {
			ev, err := c.signIn(row)
			if err != nil {
				return err
			}
			ev.Src = src
			st.Events++
			emit(ev)
			return nil
		}, nil
	})
}

func (c csvCols) signIn(row []string) (*logs.SignIn, error) {
	cell := func(i int) string { return logs.Cell(row, i) }
	t, ok := logs.ParseTime(cell(c.date))
	if !ok {
		return nil, recordError("sign-in row without a valid date: " + strconv.Quote(cell(c.date)))
	}
	ev := &logs.SignIn{Time: t, User: strings.ToLower(cell(c.user)), IP: logs.ParseIP(cell(c.ip)), App: cell(c.app), FailureReason: cell(c.reason)}
	if ev.User == "" {
		if sp := logs.FirstNonEmpty(cell(c.spName), cell(c.spID)); sp != "" {
			ev.User, ev.Principal = sp, logs.PrincipalService
		}
	}
	// "Paris, Ile-De-France, FR": the country is the last part.
	if loc := cell(c.location); loc != "" {
		cc := strings.TrimSpace(loc[strings.LastIndexByte(loc, ',')+1:])
		if len(cc) == 2 {
			ev.Country = strings.ToUpper(cc)
		}
	}
	clientApp, ua := cell(c.clientApp), cell(c.userAgent)
	ev.Client = logs.FirstNonEmpty(ua, strings.Join(strings.Fields(clientApp+" "+cell(c.browser)+" "+cell(c.osName)), " "))
	ev.Legacy = Legacy(clientApp, ua)
	mfa := ""
	code, err := strconv.Atoi(cell(c.code))
	if err == nil && code == 0 && cell(c.mfaMeth) != "" {
		mfa = logs.MFAPassed
	}
	ev.Result, ev.MFAResult = verdict(code, strings.ToLower(ev.FailureReason+" "+cell(c.mfaResult)), mfa)
	if err != nil { // no code: the status word says
		switch strings.ToLower(cell(c.status)) {
		case "success":
			ev.Result = logs.Success
		case "interrupted":
			ev.Result = logs.Interrupted
		case "failure":
			ev.Result = logs.Failure
		default:
			return nil, recordError("sign-in row without an error code or a status")
		}
	}
	if ev.Result == logs.Failure && ev.FailureReason == "" {
		ev.FailureReason = "error " + logs.FirstNonEmpty(cell(c.code), "?")
	}
	return ev, nil
}
