// Package gen writes a small organisation's logs — Entra sign-ins, an M365 audit
// CSV export, a Squid access.log and a Postfix maillog — with, on request, the
// traces of one compromised account planted in them: a click on the phishing
// URL (GET then POST), a sign-in from a foreign network, an inbox rule that
// forwards and hides mail, and a spam burst. The same seed gives the same clean
// baseline with or without the attack, so tests can check that every planted
// event is found and nothing else is.
package gen

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"vigie.dev/vigie/internal/geo"
)

// Config chooses what to write.
type Config struct {
	Seed   uint64
	Users  int       // default 8
	Days   int       // default 21
	Start  time.Time // a Monday, default 2025-03-03 00:00 Europe/Paris
	Attack bool
}

// Plan says what was written and, with Attack, what was planted.
type Plan struct {
	Domain      string
	Users       []string
	Victim      string
	IncidentURL string
	AttackerIP  netip.Addr
	AttackTime  time.Time
	ForwardTo   string
	SpamCount   int
	// Files written, by name: entra.ndjson, audit.csv, access.log, maillog.
	Files []string
}

// Addresses of the fake internet (documentation ranges).
var (
	officeNet   = netip.MustParsePrefix("192.0.2.0/24")    // FR, Paris, AS64500
	homeNet     = netip.MustParsePrefix("198.51.100.0/24") // FR, Paris suburbs, AS64501
	attackerNet = netip.MustParsePrefix("203.0.113.0/24")  // NG, Lagos, AS64502
)

// Geo is the locator of the fake internet the logs use.
func Geo() *geo.Static {
	var s geo.Static
	s.Add(officeNet, geo.Location{Country: "FR", City: "Paris", Lat: 48.8566, Lon: 2.3522, HasCoords: true, ASN: 64500, ASOrg: "Office ISP"})
	s.Add(homeNet, geo.Location{Country: "FR", City: "Boulogne", Lat: 48.8397, Lon: 2.2399, HasCoords: true, ASN: 64501, ASOrg: "Home ISP"})
	s.Add(attackerNet, geo.Location{Country: "NG", City: "Lagos", Lat: 6.5244, Lon: 3.3792, HasCoords: true, ASN: 64502, ASOrg: "Offshore Hosting"})
	return &s
}

func ip(p netip.Prefix, n int) netip.Addr {
	a := p.Addr().As4()
	a[3] = byte(n%250 + 2)
	return netip.AddrFrom4(a)
}

// Write writes the logs into dir.
func Write(dir string, cfg Config) (*Plan, error) {
	if cfg.Users == 0 {
		cfg.Users = 8
	}
	if cfg.Days == 0 {
		cfg.Days = 21
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return nil, fmt.Errorf("gen: %w", err)
	}
	if cfg.Start.IsZero() {
		cfg.Start = time.Date(2025, 3, 3, 0, 0, 0, 0, paris)
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 7))
	p := &Plan{Domain: "cabinet-durand.example"}
	first := []string{"alice", "bruno", "chloe", "david", "emma", "farid", "gaelle", "hugo", "ines", "jules", "karim", "lea"}
	for i := 0; i < cfg.Users; i++ {
		p.Users = append(p.Users, fmt.Sprintf("%s.%c@%s", first[i%len(first)], 'a'+i/len(first), p.Domain))
	}
	p.Victim = p.Users[0]
	w := &writers{dir: dir, plan: p}
	if err := w.open(); err != nil {
		return nil, err
	}
	defer w.close()

	attackDay := cfg.Days - 4 // a Thursday with the defaults
	for d := 0; d < cfg.Days; d++ {
		day := cfg.Start.AddDate(0, 0, d)
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		for u, user := range p.Users {
			home := day.Weekday() == time.Monday || day.Weekday() == time.Thursday
			src := ip(officeNet, u)
			if home {
				src = ip(homeNet, u)
			}
			client := netip.AddrFrom4([4]byte{10, 0, 1, byte(u + 10)})
			for k, hh := range []int{8, 10, 13, 16} {
				t := day.Add(time.Duration(hh)*time.Hour + time.Duration(r.IntN(50))*time.Minute)
				if r.IntN(12) == 0 { // a typo, then the right password
					w.signIn(t.Add(-time.Minute), user, src, 50126, "")
				}
				w.signIn(t, user, src, 0, "")
				// Browsing through the proxy, and some mail.
				for j := 0; j < 20; j++ {
					w.web(t.Add(time.Duration(j)*time.Minute), client, user, "GET", fmt.Sprintf("https://%s/%s", normalHosts[r.IntN(len(normalHosts))], pathsFor(r)), 200)
				}
				for j := 0; j < 1+r.IntN(3); j++ {
					w.mail(t.Add(time.Duration(5+j)*time.Minute), user, src, 1+r.IntN(3))
				}
				if d == 2 && k == 1 && u%3 == 0 { // benign rules
					w.inboxRule(t.Add(2*time.Minute), user, src, "Newsletters", map[string]string{"From": "news@lettre.example", "MoveToFolder": "Newsletters"})
				}
				if d == 4 && k == 2 && u == 1 {
					w.inboxRule(t.Add(2*time.Minute), user, src, "Factures vers compta", map[string]string{"SubjectContainsWords": "facture", "ForwardTo": p.Users[2]})
				}
			}
		}
		if cfg.Attack && d == attackDay {
			if err := w.attack(day, paris, r); err != nil {
				return nil, err
			}
		}
	}
	return p, w.close()
}

var normalHosts = []string{"www.service-public.fr", "www.impots.gouv.fr", "outlook.office.com", "login.microsoftonline.com",
	"www.legifrance.gouv.fr", "fonts.gstatic.com", "www.lemonde.fr", "teams.microsoft.com", "www.google.com", "cdn.jsdelivr.net"}

func pathsFor(r *rand.Rand) string {
	return []string{"", "index.html", "static/app.js", "api/v1/items?page=2", "img/logo.png"}[r.IntN(5)]
}

// attack plants the compromise of the victim on day.
func (w *writers) attack(day time.Time, paris *time.Location, r *rand.Rand) error {
	p := w.plan
	p.IncidentURL = "https://m365-secure-verify.example/owa/auth.php"
	p.AttackerIP = ip(attackerNet, 43)
	p.ForwardTo = "recup.compta@proton-mail.example"
	client := netip.AddrFrom4([4]byte{10, 0, 1, 10})
	click := day.Add(9*time.Hour + 14*time.Minute)
	w.web(click, client, p.Victim, "GET", p.IncidentURL+"?id=8f3a", 200)
	w.web(click.Add(40*time.Second), client, p.Victim, "POST", p.IncidentURL, 302)
	// The attacker signs in that night, from abroad.
	p.AttackTime = day.Add(23*time.Hour + 42*time.Minute)
	w.signIn(p.AttackTime, p.Victim, p.AttackerIP, 0, "")
	w.inboxRule(p.AttackTime.Add(4*time.Minute), p.Victim, p.AttackerIP, ".", map[string]string{
		"ForwardTo": p.ForwardTo, "DeleteMessage": "True", "SubjectContainsWords": "virement;RIB;paiement"})
	// Spam burst: 30 messages of 20 recipients in 40 minutes.
	p.SpamCount = 0
	for i := 0; i < 30; i++ {
		w.mail(p.AttackTime.Add(10*time.Minute+time.Duration(i*80)*time.Second), p.Victim, p.AttackerIP, 20)
		p.SpamCount += 20
	}
	// The next morning, while the victim works from the office in Paris, the
	// attacker signs in again from Lagos.
	w.signIn(day.AddDate(0, 0, 1).Add(9*time.Hour+55*time.Minute), p.Victim, p.AttackerIP, 0, "")
	return nil
}

type writers struct {
	dir                  string
	plan                 *Plan
	entra, squid, postfx *os.File
	audit                *csv.Writer
	auditF               *os.File
	qid                  int
	err                  error
}

func (w *writers) open() error {
	create := func(name string) *os.File {
		f, err := os.Create(filepath.Join(w.dir, name))
		if err != nil && w.err == nil {
			w.err = fmt.Errorf("gen: %w", err)
		}
		w.plan.Files = append(w.plan.Files, filepath.Join(w.dir, name))
		return f
	}
	w.entra, w.squid, w.postfx, w.auditF = create("entra.ndjson"), create("access.log"), create("maillog"), create("audit.csv")
	if w.err != nil {
		return w.err
	}
	w.audit = csv.NewWriter(w.auditF)
	w.audit.Write([]string{"RecordId", "CreationDate", "RecordType", "Operation", "UserId", "AuditData"})
	return nil
}

func (w *writers) close() error {
	if w.audit != nil {
		w.audit.Flush()
		w.audit = nil
	}
	for _, f := range []*os.File{w.entra, w.squid, w.postfx, w.auditF} {
		if f != nil {
			if err := f.Close(); err != nil && w.err == nil && !strings.Contains(err.Error(), "already closed") {
				w.err = err
			}
		}
	}
	return w.err
}

// signIn writes a Graph signIn record (errorCode 0: success).
func (w *writers) signIn(t time.Time, user string, addr netip.Addr, code int, reason string) {
	if code == 50126 {
		reason = "Error validating credentials due to invalid username or password."
	}
	rec := map[string]any{
		"id": fmt.Sprintf("%x", t.UnixNano()), "createdDateTime": t.UTC().Format(time.RFC3339),
		"userPrincipalName": user, "appDisplayName": "Office 365 Exchange Online", "ipAddress": addr.String(),
		"clientAppUsed": "Browser", "status": map[string]any{"errorCode": code, "failureReason": reason},
		"deviceDetail": map[string]any{"browser": "Firefox 128.0", "operatingSystem": "Windows10"},
	}
	b, _ := json.Marshal(rec)
	fmt.Fprintf(w.entra, "%s\n", b)
}

func (w *writers) web(t time.Time, client netip.Addr, user, method, url string, status int) {
	fmt.Fprintf(w.squid, "%d.%03d %6d %s TCP_MISS/%03d %d %s %s %s HIER_DIRECT/93.184.216.34 text/html\n",
		t.Unix(), t.Nanosecond()/1e6, 120, client, status, 5120, method, url, strings.SplitN(user, "@", 2)[0])
}

func (w *writers) mail(t time.Time, user string, addr netip.Addr, rcpts int) {
	w.qid++
	q := fmt.Sprintf("4B%07X", w.qid)
	stamp := t.In(time.UTC).Format(time.Stamp)
	fmt.Fprintf(w.postfx, "%s mx postfix/submission/smtpd[2101]: %s: client=unknown[%s], sasl_method=PLAIN, sasl_username=%s\n", stamp, q, addr, user)
	fmt.Fprintf(w.postfx, "%s mx postfix/qmgr[998]: %s: from=<%s>, size=%d, nrcpt=%d (queue active)\n", stamp, q, user, 4000+w.qid%5000, rcpts)
}

func (w *writers) inboxRule(t time.Time, user string, addr netip.Addr, name string, params map[string]string) {
	list := []map[string]string{{"Name": "Name", "Value": name}, {"Name": "AlwaysDeleteOutlookRulesBlob", "Value": "False"}}
	for _, k := range []string{"From", "SubjectContainsWords", "ForwardTo", "DeleteMessage", "MoveToFolder"} {
		if v, ok := params[k]; ok {
			list = append(list, map[string]string{"Name": k, "Value": v})
		}
	}
	rec := map[string]any{
		"CreationTime": t.UTC().Format("2006-01-02T15:04:05"), "Id": fmt.Sprintf("%x", t.UnixNano()), "Operation": "New-InboxRule",
		"RecordType": 1, "ResultStatus": "True", "UserId": user, "Workload": "Exchange", "ClientIP": addr.String() + ":53211",
		"ObjectId": user + "\\" + name, "Parameters": list,
	}
	b, _ := json.Marshal(rec)
	w.audit.Write([]string{fmt.Sprintf("%x", t.UnixNano()), t.UTC().Format("2006-01-02T15:04:05.0000000Z"), "ExchangeAdmin", "New-InboxRule", user, string(b)})
}
