package hunt_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/hunt"
	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/ingest"
)

// timePlace is where a fuzzed sign-in comes from: far enough apart that
// any two of them within hours are impossible travel.
var timePlaces = []struct {
	cc       string
	lat, lon float64
	ip       string
}{
	{"FR", 48.85, 2.35, "192.0.2.10"},
	{"NG", 6.45, 3.39, "203.0.113.45"},
	{"AU", -33.87, 151.21, "198.51.100.7"},
	{"CA", 45.50, -73.57, "198.51.100.99"},
}

// fuzzStamp is the time of the next fuzzed line: after, before or equal to
// the previous one, missing, at the ends of the calendar, in another zone,
// or a stamp the fuzzer wrote.
func fuzzStamp(choice, offset byte, cur *time.Time, raw string) (stamp string, ok bool) {
	switch choice % 8 {
	case 0:
		*cur = cur.Add(time.Duration(int8(offset)) * 7 * time.Minute)
	case 1: // the same instant as the previous line
	case 2:
		return "", false
	case 3:
		return "0000-01-01T00:00:00Z", true
	case 4:
		return "9999-12-31T23:59:59Z", true
	case 5:
		zones := []string{"+14:00", "-12:00", "+05:45", "-00:30"}
		z := zones[int(offset)%len(zones)]
		loc, _ := time.Parse("-07:00", z)
		return cur.In(loc.Location()).Format(time.RFC3339), true
	case 6:
		return raw, true
	case 7:
		*cur = cur.Add(-time.Duration(offset) * 24 * time.Hour) // days back: out of order
	}
	return cur.Format(time.RFC3339), true
}

// undated marks a sign-in whose source gives no time: the fuzz target hands
// it to the hunt itself, with a zero time, as a parser of such a source does.
const undated = "undated"

// timeLines renders a fuzzer's plan as three logs: Graph sign-ins, a Squid
// access log and Postfix submission lines. Each line takes three bytes: the
// kind (low two bits) and time choice, who (low bit), where and whether it
// failed (high bit), and an offset.
func timeLines(plan []byte, raw string) (entra, squid, postfix string) {
	var e, s, p strings.Builder
	cur := time.Date(2025, 3, 20, 8, 0, 0, 0, time.UTC)
	raw = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, raw)
	for i := 0; i+2 < len(plan) && i < 3*400; i += 3 {
		kind, who, off := plan[i], plan[i+1], plan[i+2]
		stamp, dated := fuzzStamp(kind>>2, off, &cur, raw)
		user := fmt.Sprintf("user%d@hopital.example", who&1)
		pl := timePlaces[int(who>>1)%len(timePlaces)]
		switch kind & 3 {
		case 0, 3:
			code := 0
			if who&0x80 != 0 {
				code = 50126
			}
			rec := map[string]any{"userPrincipalName": user, "ipAddress": pl.ip, "appDisplayName": "Office 365 Exchange Online",
				"status":   map[string]any{"errorCode": code},
				"location": map[string]any{"countryOrRegion": pl.cc, "geoCoordinates": map[string]any{"latitude": pl.lat, "longitude": pl.lon}}}
			if dated {
				rec["createdDateTime"] = stamp
			} else {
				// Graph refuses a record without a time; other sources
				// leave it unknown. The hunt reads this marker as one.
				rec["createdDateTime"] = undated
			}
			b, _ := json.Marshal(rec)
			e.Write(b)
			e.WriteByte('\n')
		case 1:
			t, ok := logs.ParseTime(stamp)
			unix := "-"
			if ok {
				unix = fmt.Sprintf("%d.%03d", t.Unix(), t.Nanosecond()/1e6)
			} else if dated {
				unix = stamp
			}
			fmt.Fprintf(&s, "%s 120 %s TCP_MISS/200 5120 POST https://m365-secure-verify.example/owa/auth.php %s HIER_DIRECT/93.184.216.34 text/html\n",
				unix, pl.ip, strings.Split(user, "@")[0])
		case 2:
			if !dated {
				stamp = "Mar 20 08:00:00" // syslog always has a stamp; this one lacks the year
			}
			fmt.Fprintf(&p, "%s mx postfix/submission/smtpd[2101]: 4B%07X: client=unknown[%s], sasl_method=PLAIN, sasl_username=%s\n", stamp, i, pl.ip, user)
			fmt.Fprintf(&p, "%s mx postfix/qmgr[998]: 4B%07X: from=<%s>, size=4000, nrcpt=%d (queue active)\n", stamp, i, user, 1+int(off))
		}
	}
	return e.String(), s.String(), p.String()
}

// FuzzHuntTimeOrder feeds the hunt sign-in, proxy and mail lines whose times
// run backwards, repeat, are missing or absurd, and checks that it never
// fails, that its findings stay sorted and can be written as JSON, and that
// impossible travel is only ever reported between two dated sign-ins taken
// in time order.
func FuzzHuntTimeOrder(f *testing.F) {
	// Byte triples: kind | choice<<2, user | place<<1 | failed<<7, offset.
	f.Add([]byte{0, 0, 0, 0, 2, 1}, "")                                    // Paris then Lagos seven minutes later
	f.Add([]byte{8, 0, 0, 8, 2, 0, 8, 4, 0}, "")                           // undated sign-ins from afar
	f.Add([]byte{12, 0, 0, 0, 2, 9, 16, 4, 0}, "")                         // year 0, then 2025, then year 9999
	f.Add([]byte{0, 0, 0, 4, 2, 0, 20, 4, 1, 20, 6, 3}, "")                // equal times, other zones
	f.Add([]byte{0, 0, 0, 28, 2, 3, 0, 4, 5, 1, 2, 0, 2, 0, 250}, "")      // days backwards, proxy, a spike
	f.Add([]byte{0, 0, 0, 24, 2, 0, 25, 4, 0, 26, 0, 0}, "99999999999999") // a Unix stamp far ahead
	f.Add([]byte{0, 0, 0, 24, 2, 0, 25, 4, 0, 26, 0, 0}, "-0001-01-01T00:00:00Z")
	f.Add([]byte{0, 0, 0, 24, 2, 0, 25, 4, 0, 26, 0, 0}, "2025-03-20T08:00:00+23:59")
	parser := logs.ParseWith(ingest.Dialects()...)
	f.Fuzz(func(t *testing.T, plan []byte, raw string) {
		if len(raw) > 64 {
			return
		}
		entra, squid, postfix := timeLines(plan, raw)
		set := hunt.NewSet()
		if err := set.Add("https://m365-secure-verify.example/owa/auth.php"); err != nil {
			t.Fatal(err)
		}
		cfg := hunt.Config{MinBaseline: 1}
		if len(plan) > 0 && plan[0]&0x80 != 0 {
			cfg.Since = time.Date(2025, 3, 20, 0, 0, 0, 0, time.UTC)
		}
		h := hunt.New(cfg, set, nil, nil)
		when := map[logs.Source]time.Time{}
		opts := logs.Options{Year: 2025}
		for _, in := range []struct{ name, text string }{{"signins.json", entra}, {"access.log", squid}, {"mail.log", postfix}} {
			if in.name == "signins.json" {
				in.text = observeUndated(in.text, h.Observe)
			}
			_, err := parser.Parse(context.Background(), strings.NewReader(in.text), in.name, opts, func(ev logs.Event) {
				when[ev.Evidence()] = ev.When()
				h.Observe(ev)
			})
			if err != nil && !logs.IsBroken(err) {
				t.Fatalf("%s: %v", in.name, err)
			}
		}
		fs := h.Findings()
		if _, err := json.Marshal(fs); err != nil {
			t.Fatalf("findings cannot be written: %v", err)
		}
		for i := 1; i < len(fs); i++ {
			a, b := fs[i-1], fs[i]
			if a.Severity < b.Severity || a.Severity == b.Severity && b.Time.Before(a.Time) {
				t.Fatalf("findings out of order: %s %s %s before %s %s %s", a.ID, a.Severity, a.Time, b.ID, b.Severity, b.Time)
			}
		}
		for _, fd := range fs {
			if fd.ID != hunt.ImpossibleTravel {
				continue
			}
			if len(fd.Evidence) < 2 {
				t.Fatalf("travel without both sign-ins: %+v", fd)
			}
			t0, t1 := when[fd.Evidence[0]], when[fd.Evidence[1]]
			if t0.IsZero() || t1.IsZero() {
				t.Fatalf("travel from an undated sign-in: %s then %s: %s", t0, t1, fd.Detail)
			}
			if t1.Before(t0) {
				t.Fatalf("travel backwards in time: %s then %s: %s", t0, t1, fd.Detail)
			}
			if !fd.Time.Equal(t1) {
				t.Fatalf("travel dated %s, its second sign-in %s", fd.Time, t1)
			}
		}
	})
}

// observeUndated hands the hunt the undated sign-ins of a fuzzed Graph log as
// events with a zero time, and returns the other lines, blank lines in
// their place so that line numbers hold.
func observeUndated(text string, observe func(logs.Event)) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if !strings.Contains(l, `"createdDateTime":"`+undated+`"`) {
			continue
		}
		var rec struct {
			User     string `json:"userPrincipalName"`
			IP       string `json:"ipAddress"`
			Status   struct{ ErrorCode int }
			Location struct {
				Country string                                `json:"countryOrRegion"`
				Geo     struct{ Latitude, Longitude float64 } `json:"geoCoordinates"`
			}
		}
		if json.Unmarshal([]byte(l), &rec) != nil {
			continue
		}
		ev := &logs.SignIn{User: rec.User, IP: logs.ParseIP(rec.IP), Result: logs.Success, Country: rec.Location.Country,
			Lat: rec.Location.Geo.Latitude, Lon: rec.Location.Geo.Longitude, HasCoords: true}
		if rec.Status.ErrorCode != 0 {
			ev.Result = logs.Failure
		}
		ev.Src = logs.Source{File: "undated.log", Line: int64(i + 1)}
		observe(ev)
		lines[i] = ""
	}
	return strings.Join(lines, "\n")
}
