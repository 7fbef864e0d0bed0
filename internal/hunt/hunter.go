package hunt

import (
	"fmt"
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
	// InternalDomains are the organisation's mail domains; forwarding elsewhere is
	// external. Empty: the user's own domain and its parents and subdomains.
	InternalDomains []string
	// KnownApps are OAuth application names or IDs consented to on purpose.
	KnownApps []string
	// HideFolders are folder names that rules move mail to in order to hide it.
	HideFolders []string
}

func (c *Config) defaults() {
	def := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	if c.Baseline == 0 {
		c.Baseline = 14 * 24 * time.Hour
	}
	def(&c.MinBaseline, 5)
	if c.Location == nil {
		if l, err := time.LoadLocation("Europe/Paris"); err == nil {
			c.Location = l
		} else {
			c.Location = time.UTC
		}
	}
	def(&c.FailBurst, 5)
	if c.FailWindow == 0 {
		c.FailWindow = 30 * time.Minute
	}
	def(&c.MFABurst, 3)
	if c.MFAWindow == 0 {
		c.MFAWindow = 30 * time.Minute
	}
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
	if c.HideFolders == nil {
		c.HideFolders = []string{"RSS Feeds", "RSS Subscriptions", "Conversation History", "Archive", "Archives",
			"Flux RSS", "Abonnements RSS", "Historique des conversations", "Junk Email", "Courrier indésirable", "Deleted Items", "Éléments supprimés"}
	}
}

// Hunter runs the detections over a stream of events: Observe each event, in any
// order, then call Findings. Memory grows with the number of sign-ins and of
// (account, hour) mail buckets, not with the size of web or mail logs.
type Hunter struct {
	cfg  Config
	ind  Indicators
	geo  geo.Locator
	log  *slog.Logger
	geoC map[netip.Addr]geo.Location

	minTime time.Time
	signins map[string][]signIn
	mail    map[string]map[int64]*bucket
	found   map[string]*Finding // grouped findings by key
	order   []string
}

type signIn struct {
	t       time.Time
	ip      netip.Addr
	result  logs.Result
	mfa     string
	loc     geo.Location
	hasLoc  bool
	src     logs.Source
	ioc     bool
	country string
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
	return &Hunter{cfg: cfg, ind: ind, geo: loc, log: log, geoC: map[netip.Addr]geo.Location{},
		signins: map[string][]signIn{}, mail: map[string]map[int64]*bucket{}, found: map[string]*Finding{}}
}

func (h *Hunter) inScope(t time.Time) bool { return h.cfg.Since.IsZero() || !t.Before(h.cfg.Since) }

// group adds evidence to the finding with this key, creating it if needed.
func (h *Hunter) group(key string, mk func() *Finding, src logs.Source, t time.Time) *Finding {
	if f, ok := h.found[key]; ok {
		f.Count++
		f.addEvidence(src)
		if t.Before(f.Time) {
			f.Time = t
		}
		return f
	}
	f := mk()
	h.found[key] = f
	h.order = append(h.order, key)
	return f
}

// Observe feeds one event.
func (h *Hunter) Observe(ev logs.Event) {
	t := ev.When()
	if !t.IsZero() && (h.minTime.IsZero() || t.Before(h.minTime)) {
		h.minTime = t
	}
	switch e := ev.(type) {
	case *logs.WebRequest:
		h.web(e)
	case *logs.SignIn:
		h.signIn(e)
	case *logs.MailboxChange:
		if h.inScope(e.Time) {
			h.mailbox(e)
		}
	case *logs.MailSent:
		if !e.Authenticated || e.Sender == "" {
			return
		}
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
		f := newFinding(IOCURLClick, Medium, who, e.Time, ind.Value, e.Src)
		f.Indicator = ind.Value
		if e.ClientIP.IsValid() {
			f.IP = e.ClientIP.String()
		}
		return f
	}, e.Src, e.Time)
	if post && f.Severity < High {
		f.Severity = High
		f.Detail = ind.Value + ", POST"
		f.explain()
	}
}

func (h *Hunter) signIn(e *logs.SignIn) {
	if e.User == "" {
		return
	}
	s := signIn{t: e.Time, ip: e.IP, result: e.Result, mfa: e.MFAResult, src: e.Evidence(), country: e.Country}
	if e.IP.IsValid() && h.geo != nil && geo.Public(e.IP) {
		loc, ok := h.geoC[e.IP]
		if !ok {
			loc, ok = h.geo.Locate(e.IP)
			if len(h.geoC) > 100_000 {
				clear(h.geoC)
			}
			h.geoC[e.IP] = loc
		}
		s.loc, s.hasLoc = loc, loc.Country != "" || loc.ASN != 0 || loc.HasCoords
	}
	if e.HasCoords && !s.loc.HasCoords {
		s.loc.Lat, s.loc.Lon, s.loc.HasCoords = e.Lat, e.Lon, true
	}
	if s.country == "" {
		s.country = s.loc.Country
	}
	if h.ind != nil && e.IP.IsValid() && h.inScope(e.Time) {
		if ind, ok := h.ind.MatchIP(e.IP); ok {
			s.ioc = true
			sev := Medium
			if e.Result == logs.Success {
				sev = High
			}
			h.group(SignInIOCIP+"|"+e.User+"|"+e.IP.String()+"|"+string(e.Result), func() *Finding {
				f := newFinding(SignInIOCIP, sev, e.User, e.Time, fmt.Sprintf("%s, %s", e.IP, e.Result), e.Src)
				f.Indicator, f.IP = ind.Value, e.IP.String()
				return f
			}, e.Src, e.Time)
		}
	}
	h.signins[e.User] = append(h.signins[e.User], s)
}

// Findings runs the history-based detections and returns every finding, sorted.
func (h *Hunter) Findings() []Finding {
	baseEnd := h.cfg.Since
	if baseEnd.IsZero() && !h.minTime.IsZero() {
		baseEnd = h.minTime.Add(h.cfg.Baseline)
	}
	baseStart := baseEnd.Add(-h.cfg.Baseline)
	for user, list := range h.signins {
		h.analyseSignIns(user, list, baseStart, baseEnd)
	}
	for user, m := range h.mail {
		h.analyseMail(user, m, baseStart, baseEnd)
	}
	out := make([]Finding, 0, len(h.order))
	for _, k := range h.order {
		out = append(out, *h.found[k])
	}
	Sort(out)
	return out
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
				return newFinding(OutboundSpike, High, user, t, "", b.src...)
			}, logs.Source{}, t)
			cur.Count = b.n
		}
		end := time.Unix((hour+1)*3600, 0).UTC()
		cur.Detail = fmt.Sprintf("%d recipients between %s and %s UTC (busiest baseline hour: %d)", cur.Count, cur.Time.Format("2006-01-02 15:04"), end.Format("15:04"), busiest)
		cur.explain()
		last = hour
	}
}
