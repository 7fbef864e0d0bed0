package hunt

import (
	"fmt"
	"math"
	"net/netip"
	"strings"
	"time"

	"vigie.dev/vigie/internal/geo"
	"vigie.dev/vigie/internal/logs"
)

// principal is who signs in: an account or an application (service
// principal). Attempts whose log names no account are counted by address and
// have no principal.
// What the hunter updates while reading is in its account (Hunter.accts,
// same index).
type principal struct {
	name    string
	who     uint32 // 1-based index in Hunter.people
	service bool
	// base sums the successes of the baseline window that were not kept
	// (with --since the window is known while reading), then those that were.
	base *baseline
}

// baseline is where and when an account usually signs in successfully.
type baseline struct {
	countries map[[2]byte]bool
	asns      map[uint32]bool
	hours     [24]int
	n         int
	// The last country and network added: an account's successes mostly
	// come from the same, already in the maps.
	lastCountry [2]byte
	lastASN     uint32
}

func newBaseline() *baseline {
	return &baseline{countries: map[[2]byte]bool{}, asns: map[uint32]bool{}}
}

func (b *baseline) add(pl place, hour, n int) {
	b.n += n
	if pl.country[0] != 0 && pl.country != b.lastCountry {
		b.countries[pl.country] = true
		b.lastCountry = pl.country
	}
	if pl.asn != 0 && pl.asn != b.lastASN {
		b.asns[pl.asn] = true
		b.lastASN = pl.asn
	}
	b.hours[hour] += n
}

// keepWindow is how long before --since sign-ins are kept as they are, for
// the detections that look back (failure bursts, and impossible travel, which
// means nothing over more than a day).
const keepWindow = 24 * time.Hour

// addr is an IP address without the pointer netip.Addr holds, so that the
// sign-in lists hold no pointers and the garbage collector need not scan them.
type addr struct {
	b    [16]byte
	kind uint8 // 0 none, 4, 6
}

func toAddr(a netip.Addr) addr {
	switch {
	case a.Is4():
		return addr{a.As16(), 4}
	case a.IsValid():
		return addr{a.As16(), 6}
	}
	return addr{}
}

func (a addr) Addr() netip.Addr {
	switch a.kind {
	case 4:
		return netip.AddrFrom16(a.b).Unmap()
	case 6:
		return netip.AddrFrom16(a.b)
	}
	return netip.Addr{}
}

func (a addr) IsValid() bool  { return a.kind != 0 }
func (a addr) String() string { return a.Addr().String() }

// signIn is one attempt, or several identical ones folded together (n):
// 56 bytes without pointers, where it is located being an index into the
// hunter's table of the few distinct places seen.
type signIn struct {
	t      int64 // Unix milliseconds; 0 when undated
	src    srcRef
	who    uint32 // Hunter.people index + 1; 0: no account named (the address stands for it)
	loc    uint32 // Hunter.places index; 0: unknown
	n      uint32
	seq    uint32 // rank in the store's buffer, for a stable order
	ip     addr
	result uint8
	mfa    uint8
	ioc    bool
}

// place is where sign-ins come from, as far as the logs and the GeoIP data say.
type place struct {
	country  [2]byte
	hasLoc   bool
	asn      uint32
	lat, lon float32
}

func (p place) countryString() string {
	if p.country[0] == 0 {
		return ""
	}
	return string(p.country[:])
}

// placeOf interns a place.
func (h *Hunter) placeOf(p place) uint32 {
	if p == (place{}) {
		return 0
	}
	if h.lastPlace > 0 && h.places[h.lastPlace] == p { // sign-ins come from few places
		return h.lastPlace
	}
	if i, ok := h.placeIdx[p]; ok {
		h.lastPlace = i
		return i
	}
	if len(h.places) == 0 {
		h.places = append(h.places, place{}) // index 0: unknown
	}
	i := uint32(len(h.places))
	h.places = append(h.places, p)
	h.placeIdx[p] = i
	h.lastPlace = i
	return i
}

func (h *Hunter) place(s signIn) place {
	if s.loc == 0 {
		return place{}
	}
	return h.places[s.loc]
}

const (
	rSuccess uint8 = iota + 1
	rFailure
	rInterrupted
)

const (
	mfaNone uint8 = iota
	mfaPassed
	mfaDenied
	mfaTimeout
	mfaFailed
)

func resultCode(r logs.Result) uint8 {
	switch r {
	case logs.Success:
		return rSuccess
	case logs.Failure:
		return rFailure
	}
	return rInterrupted
}

func mfaCode(m string) uint8 {
	switch m {
	case logs.MFAPassed:
		return mfaPassed
	case logs.MFADenied:
		return mfaDenied
	case logs.MFATimeout:
		return mfaTimeout
	case logs.MFAFailed:
		return mfaFailed
	}
	return mfaNone
}

func (s signIn) time() time.Time {
	if s.t == 0 {
		return time.Time{}
	}
	return time.UnixMilli(s.t).UTC()
}

// srcRef is a logs.Source with its file name interned.
type srcRef struct {
	file   uint32
	line   uint32 // capped: no log has four billion lines
	item   uint16
	record bool
}

func newRef(file uint32, s logs.Source) srcRef {
	return srcRef{file: file, line: uint32(min(max(s.Line, 0), math.MaxUint32)), item: uint16(min(max(s.Item, 0), math.MaxUint16)), record: s.Record}
}

func (h *Hunter) ref(s logs.Source) srcRef {
	if n := len(h.files); n > 0 && h.files[n-1] == s.File { // events come file by file
		return newRef(uint32(n-1), s)
	}
	i, ok := h.fileIdx[s.File]
	if !ok {
		i = uint32(len(h.files))
		h.files = append(h.files, s.File)
		h.fileIdx[s.File] = i
	}
	return newRef(i, s)
}

func (h *Hunter) source(r srcRef) logs.Source {
	return logs.Source{File: h.files[r.file], Line: int64(r.line), Record: r.record, Item: int(r.item)}
}

// signIn files one attempt and raises what one event shows by itself.
func (h *Hunter) signIn(e *logs.SignIn) {
	var a *account
	var who uint32
	subject := e.User
	if e.User != "" {
		if who = h.findAccount(e.User); who == 0 {
			who = h.newAccount(e.User, e.Principal == logs.PrincipalService)
		}
		a = &h.accts[who-1]
		if e.Result == logs.Success && !a.service && !a.known {
			a.known = true
			h.account(e.User)
			h.learn(e.User)
		}
	} else {
		subject = e.IP.String()
	}
	s := signIn{ip: toAddr(e.IP), src: h.ref(e.Src), n: 1, result: resultCode(e.Result), mfa: mfaCode(e.MFAResult), who: who}
	if !e.Time.IsZero() {
		s.t = e.Time.UnixMilli()
		h.maxT = max(h.maxT, s.t)
	}
	var loc geo.Location
	if e.IP.IsValid() && h.geo != nil && geo.Public(e.IP) {
		var ok bool
		if loc, ok = h.geoC[e.IP]; !ok {
			loc, _ = h.geo.Locate(e.IP)
			if len(h.geoC) > 100_000 {
				clear(h.geoC)
			}
			h.geoC[e.IP] = loc
		}
	}
	if e.HasCoords && !loc.HasCoords {
		loc.Lat, loc.Lon, loc.HasCoords = e.Lat, e.Lon, true
	}
	country := e.Country
	if country == "" {
		country = loc.Country
	}
	pl := place{asn: loc.ASN, hasLoc: loc.HasCoords, lat: float32(loc.Lat), lon: float32(loc.Lon)}
	if len(country) == 2 {
		pl.country = [2]byte{country[0], country[1]}
	}
	s.loc = h.placeOf(pl)
	if h.inScope(e.Time) {
		if h.ind != nil && e.IP.IsValid() {
			if ind, ok := h.ind.MatchIP(e.IP); ok {
				s.ioc = true
				sev := Medium
				if e.Result == logs.Success {
					sev = High
				}
				h.group(SignInIOCIP+"|"+subject+"|"+e.IP.String()+"|"+string(e.Result), func() *Finding {
					f := newFinding(SignInIOCIP, sev, subject, e.Time, detail{fmt.Sprintf("%s, connexion %s", e.IP, resultFR(e.Result)), fmt.Sprintf("%s, %s", e.IP, e.Result)}, e.Src)
					f.Indicator, f.IP = ind.Value, e.IP.String()
					return f
				}, e.Src, e.Time)
			}
		}
		h.signals(e, a != nil && a.service, subject)
	}
	// With --since, what lies well before it is only baseline: summed, not
	// kept, so memory holds the baseline and the hunted period, not the logs.
	if since := h.cfg.Since; !since.IsZero() && s.t != 0 && s.t < since.Add(-keepWindow).UnixMilli() {
		if s.result == rSuccess && !s.ioc && s.t >= since.Add(-h.cfg.Baseline).UnixMilli() && a != nil && !a.service {
			p := h.people[who-1]
			if p.base == nil {
				p.base = newBaseline()
			}
			p.base.add(h.place(s), h.localHour(s.t), 1)
		}
		return
	}
	h.keep(a, s)
}

// keep files a sign-in, folding repeats into the principal's last one:
// successes from the same address within the hour, failures within the
// minute. Attempts without an account fold by address, their last ones held
// in a table that forgets those over an hour older than the newest.
func (h *Hunter) keep(a *account, s signIn) {
	var open *signIn
	if a != nil {
		if a.hasOpen {
			open = &a.open
		}
	} else if o, ok := h.anon[s.ip]; ok {
		open = o
	}
	if open != nil {
		window := int64(60_000)
		if s.result == rSuccess {
			window = 3_600_000
		}
		if open.ip == s.ip && open.result == s.result && open.mfa == s.mfa && open.ioc == s.ioc && open.loc == s.loc &&
			s.t >= open.t && s.t-open.t <= window {
			if open.n < math.MaxUint32 {
				open.n++
			}
			return
		}
		h.signins.add(*open)
		*open = s
		return
	}
	if a != nil {
		a.open, a.hasOpen = s, true
		return
	}
	if len(h.anon) >= anonFold {
		h.forgetAnon(h.maxT - 3_600_000)
	}
	o := new(signIn)
	*o = s
	h.anon[s.ip] = o
}

// anonFold bounds the table of the last attempts without an account.
const anonFold = 1 << 16

// forgetAnon files the last attempts without an account that are older than
// before (or all when before is 0): no later attempt folds into them.
func (h *Hunter) forgetAnon(before int64) {
	for ip, o := range h.anon {
		if before == 0 || o.t < before {
			h.signins.add(*o)
			delete(h.anon, ip)
		}
	}
}

// localHour is the hour of day of t (Unix milliseconds) in the hunt's
// zone, remembered per hour: sign-ins come in order.
func (h *Hunter) localHour(t int64) int {
	if hr := t / 3_600_000; hr != h.hourKey || !h.hourSet {
		h.hourKey, h.hourSet = hr, true
		h.hourVal = time.UnixMilli(t).In(h.cfg.Location).Hour()
	}
	return h.hourVal
}

func resultFR(r logs.Result) string {
	switch r {
	case logs.Success:
		return "réussie"
	case logs.Failure:
		return "échouée"
	}
	return "interrompue"
}

// signals raises what one sign-in shows by itself: the provider's risk
// verdict, a legacy protocol, an unapproved login type.
func (h *Hunter) signals(e *logs.SignIn, service bool, subject string) {
	if e.Risk == nil && !e.Legacy && e.LoginType == "" {
		return // the common case, without formatting the address
	}
	ip := ""
	if e.IP.IsValid() {
		ip = e.IP.String()
	}
	add := func(id string, sev Severity, key string, d detail) {
		f := h.group(id+"|"+subject+"|"+key, func() *Finding {
			f := newFinding(id, sev, subject, e.Time, d, e.Src)
			f.IP = ip
			return f
		}, e.Src, e.Time)
		if sev > f.Severity {
			f.Severity = sev
		}
	}
	if r := e.Risk; r != nil {
		if sev, d, ok := riskVerdict(r); ok {
			add(RiskySignIn, sev, ip, tr("%s depuis %s", "%s from %s", d, logs.FirstNonEmpty(ip, "?")))
		}
	}
	if e.Legacy && e.Result == logs.Success && !service && !contains(h.cfg.LegacyAllowed, e.User) {
		client := logs.FirstNonEmpty(e.Client, e.App, "?")
		add(LegacyAuth, Medium, client, tr("%s depuis %s", "%s from %s", client, logs.FirstNonEmpty(ip, "?")))
	}
	if e.LoginType != "" && e.Result == logs.Success && !contains(h.cfg.LoginTypes, e.LoginType) {
		add(LoginType, Low, e.LoginType, same(e.LoginType))
	}
}

// riskVerdict says whether the provider's risk is worth a finding: Google's
// warnings; Entra's medium or high risk that was not dismissed, remediated
// or confirmed safe.
func riskVerdict(r *logs.Risk) (Severity, string, bool) {
	events := strings.Join(r.Events, ", ")
	if r.Flagged {
		sev := Medium
		for _, e := range r.Events {
			if strings.Contains(e, "hijacked") || strings.Contains(e, "gov_attack") || strings.Contains(e, "password_leak") {
				sev = High
			}
		}
		return sev, events, true
	}
	state := strings.ToLower(r.State)
	switch state {
	case "dismissed", "remediated", "confirmedsafe":
		return 0, "", false
	}
	sev := Medium
	switch {
	case state == "confirmedcompromised" || r.Level == "high":
		sev = High
	case r.Level == "medium":
	default:
		return 0, "", false
	}
	d := "risk " + logs.FirstNonEmpty(r.Level, "?") + ", " + logs.FirstNonEmpty(r.State, "?")
	if events != "" {
		d += " (" + events + ")"
	}
	return sev, d, true
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}
