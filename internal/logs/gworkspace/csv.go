package gworkspace

import (
	"bufio"
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"vigie.dev/vigie/internal/logs"
)

// The Google Admin console's login audit export (Reporting → Audit and
// investigation → User log events, or the older Reports → Audit → Login,
// then Download → CSV). Column names as Google's help describes them (see
// testdata/README.md): "Event name" (or "Event"), "Event description" (or
// "Description"), the user ("User", or "Actor" in the audit and investigation
// tool), "IP address", "Login type" and "Date", in the admin's browser time
// zone; the audit and investigation tool adds a column per event parameter
// ("Affected email address", "Login challenge method", "Is suspicious"…).
// Events are named as the console shows them ("Failed login", "Suspicious
// login blocked"), or as the Reports API names them.

// IsCSV reports whether an input starts with the header of a login audit export.
func IsCSV(head []byte) bool {
	return csvLogins(logs.CSVColumns(logs.CSVHeader(head)))
}

func csvLogins(idx map[string]int) bool {
	return logs.HasColumns(idx, "ip address") && logs.Col(idx, "event name", "event") >= 0 && logs.Col(idx, "date") >= 0 &&
		logs.Col(idx, "event description", "description", "login type") >= 0
}

var errNotLogins = errors.New("CSV header is not a Google login audit export (Event name, Event description, IP address, Date)")

// consoleNames maps the event names the Admin console shows to the Reports
// API's (Google's help "Login audit log" and the Reports API's login
// activity events; Admin console wording changes, the API's names do not).
var consoleNames = map[string]string{
	"successful login": "login_success", "login success": "login_success",
	"failed login": "login_failure", "login failure": "login_failure",
	"login challenge": "login_challenge", "login verification": "login_verification", "logout": "logout",
	"suspicious login": "suspicious_login", "suspicious login blocked": "suspicious_login",
	"suspicious login (less secure app)": "suspicious_login_less_secure_app", "suspicious login from less secure app blocked": "suspicious_login_less_secure_app",
	"suspicious programmatic login": "suspicious_programmatic_login", "suspicious programmatic login blocked": "suspicious_programmatic_login",
	"leaked password": "account_disabled_password_leak", "government-backed attack": "gov_attack_warning",
	"user suspended (suspicious activity)": "account_disabled_hijacked",
	"2-step verification disable":          "2sv_disable", "2-step verification enroll": "2sv_enroll",
	"account recovery email change": "recovery_email_edit", "account recovery phone change": "recovery_phone_edit",
	"account recovery secret question/answer change": "recovery_secret_qa_edit",
	"out of domain email forwarding":                 "email_forwarding_out_of_domain",
}

// paramColumns are the event parameters the audit and investigation tool
// exports as columns, by the parameter's API name.
var paramColumns = map[string]string{
	"login_type": "login type", "affected_email_address": "affected email address",
	"login_challenge_method": "login challenge method", "login_challenge_status": "login challenge status",
	"login_failure_type": "login failure type", "is_suspicious": "is suspicious", "is_second_factor": "is second factor",
}

// ParseCSV reads a login audit export; dates without a zone are in opts.Location.
func ParseCSV(ctx context.Context, br *bufio.Reader, file string, opts logs.Options, st *logs.Stats, emit func(logs.Event)) error {
	loc := opts.Location
	if loc == nil {
		loc = time.UTC
	}
	return logs.ReadCSV(ctx, br, file, st, func(header []string) (logs.CSVRow, error) {
		idx := logs.CSVColumns(header)
		if !csvLogins(idx) {
			return nil, errNotLogins
		}
		name, desc := logs.Col(idx, "event name", "event"), logs.Col(idx, "event description", "description")
		user, ip, date := logs.Col(idx, "user", "actor", "actor email", "user email"), logs.Col(idx, "ip address"), logs.Col(idx, "date")
		params := map[string]int{}
		for p, col := range paramColumns {
			if i := logs.Col(idx, col); i >= 0 {
				params[p] = i
			}
		}
		return func(src logs.Source, row []string) error {
			t, err := consoleTime(logs.Cell(row, date), loc)
			if err != nil {
				return err
			}
			ev := strings.ToLower(logs.Cell(row, name))
			if api, ok := consoleNames[ev]; ok {
				ev = api
			}
			p := map[string]string{}
			for k, i := range params {
				if v := logs.Cell(row, i); v != "" {
					p[k] = v
				}
			}
			// "Google Password" as the console shows it, google_password as the API names it.
			p["login_type"] = strings.ReplaceAll(strings.ToLower(p["login_type"]), " ", "_")
			if p["login_type"] == "" {
				delete(p, "login_type")
			}
			who := strings.ToLower(logs.Cell(row, user))
			if who == "" {
				who = emailIn(logs.Cell(row, desc))
			}
			e := event(ev, p, "login", who, logs.ParseIP(logs.Cell(row, ip)), t)
			if e == nil {
				return nil // an event hunting does not use (logout)
			}
			logs.SetSource(e, src)
			st.Events++
			emit(e)
			return nil
		}, nil
	})
}

// emailIn finds the account in a description ("alice@cabinet.example
// logged in"): the first local part, "@" and domain ending in a dot and two
// letters or more, as the expression [A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}
// finds it (the test holds it to that expression), without running one.
// A match's local part is the run of local-part characters just before an
// "@"; its domain is the longest run of domain characters after it that
// ends in a dot and letters.
func emailIn(s string) string {
	for from := 0; ; {
		i := strings.IndexByte(s[from:], '@')
		if i < 0 {
			return ""
		}
		at := from + i
		from = at + 1
		start := at
		for start > 0 && localPart(s[start-1]) {
			start--
		}
		if start == at {
			continue
		}
		end := at + 1
		for end < len(s) && domainPart(s[end]) {
			end++
		}
		// The last dot of the domain run that two letters follow; the
		// letters run on as far as they go.
		for dot := end - 1; dot > at+1; dot-- {
			if s[dot] != '.' || dot+2 >= end || !letter(s[dot+1]) || !letter(s[dot+2]) {
				continue
			}
			stop := dot + 1
			for stop < len(s) && letter(s[stop]) {
				stop++
			}
			return strings.ToLower(s[start:stop])
		}
	}
}

// localPart: c may be in a description's address before the "@".
func localPart(c byte) bool {
	return letter(c) || c >= '0' && c <= '9' || strings.IndexByte("._%+'-", c) >= 0
}

// domainPart: c may be in a description's address after the "@".
func domainPart(c byte) bool {
	return letter(c) || c >= '0' && c <= '9' || c == '.' || c == '-'
}

func letter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

// zoneSuffix reads the zone the console appends to a date ("… GMT+1",
// "UTC-03:30", "GMT+0530"): blanks, GMT or UTC, a sign, one or two digits
// of hours and optionally two of minutes (after a colon or not). It
// returns the offset in seconds and the date before the blanks.
func zoneSuffix(s string) (off int, rest string, ok bool) {
	digits := func(t string) bool {
		for i := 0; i < len(t); i++ {
			if t[i] < '0' || t[i] > '9' {
				return false
			}
		}
		return true
	}
	k := len(s)
	for k > 0 && (s[k-1] >= '0' && s[k-1] <= '9' || s[k-1] == ':') {
		k--
	}
	num := s[k:]
	var h, m string
	if c := strings.IndexByte(num, ':'); c >= 0 {
		h, m = num[:c], num[c+1:]
		if len(m) != 2 || !digits(h) || !digits(m) {
			return 0, s, false
		}
	} else {
		switch len(num) {
		case 1, 2:
			h = num
		case 3, 4:
			h, m = num[:len(num)-2], num[len(num)-2:]
		default:
			return 0, s, false
		}
	}
	if len(h) < 1 || len(h) > 2 || k < 4 {
		return 0, s, false
	}
	sign := s[k-1]
	if sign != '+' && sign != '-' || s[k-4:k-1] != "GMT" && s[k-4:k-1] != "UTC" {
		return 0, s, false
	}
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(m)
	off = hh*3600 + mm*60
	if sign == '-' {
		off = -off
	}
	k -= 4
	for k > 0 && strings.IndexByte("\t\n\f\r ", s[k-1]) >= 0 {
		k--
	}
	return off, s[:k], true
}

var (
	isoLayouts     = []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02 15:04"}
	consoleLayouts = []string{"Jan 2, 2006, 3:04:05 PM", "Jan 2, 2006 3:04:05 PM", "Jan 2, 2006, 15:04:05"}
)

// consoleTime reads the export's dates: ISO 8601 with or without a zone,
// or as the console writes them ("Mar 20, 2025, 11:40:00 PM GMT+1");
// without a zone, in loc.
func consoleTime(s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("row without a date")
	}
	iso := s[0] >= '0' && s[0] <= '9'
	if iso {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t.UTC(), nil
		}
	}
	if off, rest, ok := zoneSuffix(s); ok {
		loc, s = time.FixedZone("", off), rest
	} else if strings.HasSuffix(s, " UTC") || strings.HasSuffix(s, " GMT") || strings.HasSuffix(s, "Z") {
		loc, s = time.UTC, strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(s, "Z"), " UTC"), " GMT")
	}
	// ISO dates start with the year, the console's with the month: only
	// the layouts of the family can parse (a failed parse costs an error).
	layouts := consoleLayouts
	if iso {
		layouts = isoLayouts
	}
	for _, layout := range layouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("row with a date not understood: " + strconv.Quote(s))
}
