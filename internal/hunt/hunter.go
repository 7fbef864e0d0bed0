package hunt

import (
	"log/slog"
	"net/netip"
	"slices"
	"strings"
	"time"

	"vigie.dev/vigie/internal/geo"
	"vigie.dev/vigie/internal/logs"
)

// Config tunes the detections. The zero value of every field means its default.
type Config struct {
	// Since: findings only for events at or after it; earlier events only feed
	// the baseline. Zero: findings for every event, and the baseline is the first
	// Baseline of the data.
	Since time.Time
	// Baseline is the window of history that defines a user's usual countries,
	// networks, hours and mail volume (default 14 days, ending at Since).
	Baseline time.Duration
	// MinBaseline is how many successful sign-ins a user needs in the baseline
	// before a new country, network or hour is reported (default 5).
	MinBaseline int
	// Location gives the local hours for HUNT_UNUSUAL_HOUR (default Europe/Paris).
	Location *time.Location
	// FailBurst failures within FailWindow, then a success (defaults 5, 30 min).
	FailBurst  int
	FailWindow time.Duration
	// BruteBurst failures of one account, or of one address when the log
	// names no account, within BruteWindow (defaults 10, 1 h: Panther's
	// "many failed sign-ins" rules).
	BruteBurst  int
	BruteWindow time.Duration
	// SprayAccounts distinct accounts failing from one address within
	// SprayWindow is a password spray (defaults 5, 1 h).
	SprayAccounts int
	SprayWindow   time.Duration
	// MFABurst MFA denials or timeouts within MFAWindow (defaults 3, 30 min).
	MFABurst  int
	MFAWindow time.Duration
	// TravelKmh: faster is impossible travel (default 900); pairs closer than
	// TravelMinKm are ignored, IP geolocation being imprecise (default 500).
	TravelKmh   float64
	TravelMinKm float64
	// SpikeMin recipients in one hour from one account is always reported
	// (default 200); SpikeFactor times the account's busiest baseline hour too,
	// when over SpikeFloor (defaults 5 and 50).
	SpikeMin    int
	SpikeFactor float64
	SpikeFloor  int
	// MailBurst items of one mailbox read by one client within a day is a
	// mass read (default 1000: above it Exchange itself throttles the audit).
	MailBurst int
	// InternalDomains are the organisation's mail domains; forwarding elsewhere is
	// external. Empty: the domains of the accounts seen in the logs (those that
	// signed in, made changes or sent mail), and their parents and subdomains.
	InternalDomains []string
	// KnownApps are OAuth application names or IDs consented to on purpose,
	// and applications allowed to read mail through the API.
	KnownApps []string
	// LegacyAllowed are accounts allowed to use legacy authentication.
	LegacyAllowed []string
	// LoginTypes are the approved Google login types (default: Google's
	// documented ones, google_password, saml, reauth, exchange, passkey,
	// unknown).
	LoginTypes []string
	// HideFolders are folder names that rules move mail to in order to hide it.
	HideFolders []string
}

func (c *Config) defaults() {
	def := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	dur := func(p *time.Duration, v time.Duration) {
		if *p == 0 {
			*p = v
		}
	}
	dur(&c.Baseline, 14*24*time.Hour)
	def(&c.MinBaseline, 5)
	if c.Location == nil {
		if l, err := time.LoadLocation("Europe/Paris"); err == nil {
			c.Location = l
		} else {
			c.Location = time.UTC
		}
	}
	def(&c.FailBurst, 5)
	dur(&c.FailWindow, 30*time.Minute)
	def(&c.BruteBurst, 10)
	dur(&c.BruteWindow, time.Hour)
	def(&c.SprayAccounts, 5)
	dur(&c.SprayWindow, time.Hour)
	def(&c.MFABurst, 3)
	dur(&c.MFAWindow, 30*time.Minute)
	if c.TravelKmh == 0 {
		c.TravelKmh = 900
	}
	if c.TravelMinKm == 0 {
		c.TravelMinKm = 500
	}
	def(&c.SpikeMin, 200)
	if c.SpikeFactor == 0 {
		c.SpikeFactor = 5
	}
	def(&c.SpikeFloor, 50)
	def(&c.MailBurst, 1000)
	if c.LoginTypes == nil {
		c.LoginTypes = []string{"google_password", "saml", "reauth", "exchange", "passkey", "unknown"}
	}
	if c.HideFolders == nil {
		c.HideFolders = []string{"RSS Feeds", "RSS Subscriptions", "Conversation History", "Archive", "Archives",
			"Flux RSS", "Abonnements RSS", "Historique des conversations", "Junk Email", "Courrier indésirable", "Deleted Items", "Éléments supprimés"}
	}
}

// Hunter runs the detections over a stream of events: Observe each event, in any
// order, then call Findings once. Web requests and mail reads are reduced as
// they come. Sign-ins are kept in a fixed buffer written out to temporary runs
// (see store) and read back in time order by Findings, which keeps per account
// its baseline and per account or address its attempts within the detection
// windows: memory grows with the accounts, the indicators, the (account, hour)
// mail buckets and the directory changes, not with the size of the logs.
type Hunter struct {
	cfg  Config
	ind  Indicators
	geo  geo.Locator
	log  *slog.Logger
	geoC map[netip.Addr]geo.Location

	files     []string
	fileIdx   map[string]uint32
	places    []place
	placeIdx  map[place]uint32
	lastPlace uint32
	lastHour  int64 // hours[lastHour] is behind by lastCount: events come in order
	lastCount int32
	hours     map[int64]int32  // dated events per hour, for the start of the data
	index     accountIndex     // account numbers by name
	people    []*principal     // by number - 1: signIn.who - 1
	accts     []account        // the same, what is updated while reading
	anon      map[addr]*signIn // the last attempt from each address naming no account
	signins   store
	maxT      int64 // the newest sign-in, Unix milliseconds
	hourKey   int64 // localHour's last hour, and its hour of day
	hourVal   int
	hourSet   bool
	mail      map[string]map[int64]*bucket
	reads     map[readKey]*readAgg
	changes   []logs.Event    // mailbox and directory changes, judged at the end
	seen      map[string]bool // record IDs of changes and reads: exports overlap
	known     map[string]bool
	domains   map[string]bool // the organisation's, learned
	found     map[string]*Finding
	order     []string
}

type bucket struct {
	n   int
	src []logs.Source
}

// New returns a Hunter. ind and loc may be nil (no indicators, no geolocation
// beyond what the logs say); log may be nil.
func New(cfg Config, ind Indicators, loc geo.Locator, log *slog.Logger) *Hunter {
	cfg.defaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &Hunter{cfg: cfg, ind: ind, geo: loc, log: log, geoC: map[netip.Addr]geo.Location{},
		fileIdx: map[string]uint32{}, placeIdx: map[place]uint32{}, hours: map[int64]int32{}, anon: map[addr]*signIn{},
		mail: map[string]map[int64]*bucket{}, reads: map[readKey]*readAgg{}, known: map[string]bool{},
		domains: map[string]bool{}, found: map[string]*Finding{}, seen: map[string]bool{}}
	for _, d := range cfg.InternalDomains {
		h.domains[strings.ToLower(strings.TrimSpace(d))] = true
	}
	return h
}

// inScope: findings are reported for events from Since on; an undated event
// (zero time) always is, its time being unknown.
func (h *Hunter) inScope(t time.Time) bool {
	return h.cfg.Since.IsZero() || t.IsZero() || !t.Before(h.cfg.Since)
}

// group adds evidence to the finding with this key, creating it if needed.
func (h *Hunter) group(key string, mk func() *Finding, src logs.Source, t time.Time) *Finding {
	if f, ok := h.found[key]; ok {
		f.Count++
		f.addEvidence(src)
		if !t.IsZero() && (f.Time.IsZero() || t.Before(f.Time)) {
			f.Time = t
		}
		return f
	}
	f := mk()
	h.found[key] = f
	h.order = append(h.order, key)
	return f
}

// Observe feeds one event. It keeps no *logs.SignIn once it returns, only
// copies of what it needs: its readers may set logs.Options.SignInsNotKept.
// An event dated outside the years 0 to 9999 (a Unix stamp in the wrong
// unit, a year 0 moved back by its zone) is read as undated, its time set
// to zero: no log means it, and a report could not write it.
func (h *Hunter) Observe(ev logs.Event) {
	if t := ev.When(); !t.IsZero() {
		if s := t.Unix(); s < minUnix || s > maxUnix {
			logs.SetTime(ev, time.Time{})
		}
	}
	if t := ev.When(); !t.IsZero() {
		if hr := t.Unix() / 3600; hr == h.lastHour {
			h.lastCount++
		} else {
			h.flushHour()
			h.lastHour, h.lastCount = hr, 1
		}
	}
	switch e := ev.(type) {
	case *logs.WebRequest:
		h.web(e)
	case *logs.SignIn:
		h.signIn(e)
	case *logs.MailboxChange:
		if h.dup(e.ID, e.Kind) {
			return
		}
		h.account(e.User)
		h.learn(e.User)
		h.learn(mailboxOwner(e.Target))
		h.changes = append(h.changes, e)
	case *logs.AdminChange:
		if h.dup(e.ID, e.Kind) {
			return
		}
		h.account(e.User)
		h.learn(e.User)
		h.changes = append(h.changes, e)
	case *logs.MailAccess:
		if h.dup(e.ID, "read") {
			return
		}
		h.mailAccess(e)
	case *logs.MailSent:
		if !e.Authenticated || e.Sender == "" {
			return
		}
		h.account(e.Sender)
		h.learn(e.Sender)
		m := h.mail[e.Sender]
		if m == nil {
			m = map[int64]*bucket{}
			h.mail[e.Sender] = m
		}
		hour := e.Time.Unix() / 3600
		b := m[hour]
		if b == nil {
			b = &bucket{}
			m[hour] = b
		}
		b.n += max(e.Count, 1)
		if len(b.src) < 3 {
			b.src = append(b.src, e.Src)
		}
	}
}

// The range of times a report can write (RFC 3339's four-digit years).
var (
	minUnix = time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	maxUnix = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC).Unix()
)

func (h *Hunter) flushHour() {
	if h.lastCount > 0 {
		h.hours[h.lastHour] += h.lastCount
		h.lastCount = 0
	}
}

// dup reports whether a record with this ID was seen already: the same audit
// record comes in several exports (Sentinel and Defender, a table split in
// rows per modified property).
func (h *Hunter) dup(id, kind string) bool {
	if id == "" {
		return false
	}
	k := kind + "|" + strings.ToLower(id)
	if h.seen[k] {
		return true
	}
	h.seen[k] = true
	return false
}

// account notes that an account exists: it signed in, changed something or
// sent mail. Only such accounts become a finding's Account.
func (h *Hunter) account(u string) {
	if isAccount(u) {
		h.known[strings.ToLower(u)] = true
	}
}

// isAccount: a user name, not an address, a system identity or a guest.
func isAccount(u string) bool {
	if u == "" || strings.Contains(u, "#ext#") || strings.Contains(u, "#EXT#") || looksLikeIP(u) {
		return false
	}
	l := strings.ToLower(u)
	return !strings.HasPrefix(l, "nt authority") && !strings.HasPrefix(l, "serviceprincipal_") && !strings.Contains(l, "\\")
}

// looksLikeIP: only the characters of an address, and an address.
func looksLikeIP(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '.' || c == ':' || c == '[' || c == ']') {
			return false
		}
	}
	return logs.ParseIP(s).IsValid()
}

// learn adds an account's domain to the organisation's, unless they are given.
func (h *Hunter) learn(u string) {
	if len(h.cfg.InternalDomains) > 0 || !isAccount(u) {
		return
	}
	if at := strings.LastIndexByte(u, '@'); at >= 0 && strings.Contains(u[at+1:], ".") {
		h.domains[strings.ToLower(strings.Trim(u[at+1:], "."))] = true
	}
}

func (h *Hunter) web(e *logs.WebRequest) {
	if h.ind == nil || !h.inScope(e.Time) {
		return
	}
	ind, ok := h.ind.MatchURL(e.URL)
	if !ok && e.Host != "" {
		ind, ok = h.ind.MatchHost(e.Host)
	}
	if !ok {
		return
	}
	who := e.Actor()
	post := strings.EqualFold(e.Method, "POST")
	f := h.group(IOCURLClick+"|"+who+"|"+ind.Value, func() *Finding {
		f := newFinding(IOCURLClick, Medium, who, e.Time, same(ind.Value), e.Src)
		f.Indicator = ind.Value
		if e.ClientIP.IsValid() {
			f.IP = e.ClientIP.String()
		}
		return f
	}, e.Src, e.Time)
	if post && f.Severity < High {
		f.Severity = High
		f.set(same(ind.Value + ", POST"))
	}
}

// Findings runs the history-based detections and returns every finding, sorted.
func (h *Hunter) Findings() []Finding {
	baseEnd := h.cfg.Since
	if baseEnd.IsZero() {
		if start := h.dataStart(); !start.IsZero() {
			baseEnd = start.Add(h.cfg.Baseline)
		}
	}
	baseStart := baseEnd.Add(-h.cfg.Baseline)
	for i := range h.accts {
		if a := &h.accts[i]; a.hasOpen {
			h.signins.add(a.open)
			a.hasOpen = false
		}
	}
	h.forgetAnon(0)
	tl := newTimeline(h, baseStart, baseEnd)
	h.signins.each(tl.step)
	tl.finish()
	for user, m := range h.mail {
		h.analyseMail(user, m, baseStart, baseEnd)
	}
	h.analyseReads()
	for _, ev := range h.changes {
		switch e := ev.(type) {
		case *logs.MailboxChange:
			if h.inScope(e.Time) {
				h.mailbox(e)
			}
		case *logs.AdminChange:
			if h.inScope(e.Time) {
				h.admin(e)
			}
		}
	}
	out := make([]Finding, 0, len(h.order))
	for _, k := range h.order {
		f := *h.found[k]
		if f.Account == "" && h.known[strings.ToLower(f.User)] {
			f.Account = strings.ToLower(f.User)
		}
		f.setKey()
		out = append(out, f)
	}
	Sort(out)
	return out
}

// dataStart is when the data begins, for the default baseline: the first
// hour of the data, passing over isolated old events — a stray line dated
// years back, or a December line read as the wrong year — that hold under 5 %
// of the events and lie more than a baseline window before the rest.
func (h *Hunter) dataStart() time.Time {
	h.flushHour()
	if len(h.hours) == 0 {
		return time.Time{}
	}
	hours := make([]int64, 0, len(h.hours))
	total := 0
	for hr, n := range h.hours {
		hours = append(hours, hr)
		total += int(n)
	}
	slices.Sort(hours)
	gap := int64(h.cfg.Baseline / time.Hour)
	start, before := hours[0], 0
	for i := 1; i < len(hours); i++ {
		before += int(h.hours[hours[i-1]])
		if hours[i]-hours[i-1] > gap && before*20 < total {
			start = hours[i]
		}
	}
	return time.Unix(start*3600, 0).UTC()
}

func (h *Hunter) analyseMail(user string, m map[int64]*bucket, baseStart, baseEnd time.Time) {
	busiest := 0
	for hour, b := range m {
		t := time.Unix(hour*3600, 0)
		if !t.Before(baseStart) && t.Before(baseEnd) && b.n > busiest {
			busiest = b.n
		}
	}
	threshold := h.cfg.SpikeMin
	if rel := int(h.cfg.SpikeFactor * float64(busiest)); busiest > 0 && rel < threshold {
		threshold = max(rel, h.cfg.SpikeFloor)
	}
	hours := make([]int64, 0, len(m))
	for hour := range m {
		hours = append(hours, hour)
	}
	slices.Sort(hours)
	var cur *Finding
	last := int64(-2)
	for _, hour := range hours {
		b := m[hour]
		t := time.Unix(hour*3600, 0).UTC()
		if b.n < threshold || !h.inScope(t.Add(time.Hour-time.Second)) {
			continue
		}
		if cur != nil && hour == last+1 { // one burst over consecutive hours
			cur.Count += b.n
			cur.addEvidence(b.src...)
		} else {
			cur = h.group(OutboundSpike+"|"+user+"|"+t.String(), func() *Finding {
				return newFinding(OutboundSpike, High, user, t, detail{}, b.src...)
			}, logs.Source{}, t)
			cur.Count = b.n
		}
		end := time.Unix((hour+1)*3600, 0).UTC()
		cur.set(tr("%d destinataires entre %s et %s UTC (heure la plus chargée de la période de référence : %d)",
			"%d recipients between %s and %s UTC (busiest baseline hour: %d)", cur.Count, cur.Time.Format("2006-01-02 15:04"), end.Format("15:04"), busiest))
		last = hour
	}
}
