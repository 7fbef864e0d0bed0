package hunt

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"vigie.dev/vigie/internal/logs"
)

// track is what the time-ordered detections remember of one principal, or
// of one address when the log names no account: its baseline, its last
// located success, and its attempts within the detection windows.
type track struct {
	// The principal's name and kind (named: not an address's track), so
	// that a step reads one track and not its principal too.
	name           string
	named, service bool
	base           *baseline
	last           int64 // time of its last attempt
	prev           signIn
	hasPrev        bool
	fails, mfas    []signIn
	bruteWin       []signIn
	brute          *Finding
	bruteLast      int64
}

// timeline runs the detections that look back over sign-ins in time order,
// keeping per principal and per address only what their windows need:
// memory is bounded by the accounts and their baselines, not by the logs.
type timeline struct {
	h      *Hunter
	bs, be int64   // the baseline window, Unix milliseconds
	tracks []track // the principals', by number - 1
	anon   map[addr]*track
	spray  map[addr]*sprayTrack
	free   []*sprayTrack // dropped from spray, for reuse
	// bursts counts the addresses of spray whose track holds a finding:
	// while there are none, a success need not look its address up.
	bursts  int
	succ    successes // successes within the spray window, oldest first
	pending []pendingSeverity
	horizon int64 // the longest window: state idle for longer is dropped
	steps   int
}

// pendingSeverity is a failure burst then success that lies inside the
// baseline window: whether its country is new is known once the window is
// complete.
type pendingSeverity struct {
	f  *Finding
	tr *track
	cc [2]byte
}

func newTimeline(h *Hunter, baseStart, baseEnd time.Time) *timeline {
	c := &h.cfg
	tl := &timeline{h: h, bs: baseStart.UnixMilli(), be: baseEnd.UnixMilli(), anon: map[addr]*track{}, spray: map[addr]*sprayTrack{},
		horizon: max(c.FailWindow, c.BruteWindow, c.MFAWindow, c.SprayWindow).Milliseconds()}
	tl.tracks = make([]track, len(h.people))
	for i, p := range h.people {
		tl.tracks[i] = track{name: p.name, named: true, service: p.service, base: p.base}
	}
	return tl
}

// step reads the next sign-in in time order.
func (tl *timeline) step(s *signIn) {
	h := tl.h
	var tr *track
	if s.who > 0 {
		tr = &tl.tracks[s.who-1]
	} else if tr = tl.anon[s.ip]; tr == nil {
		tr = &track{}
		tl.anon[s.ip] = tr
	}
	tr.last = s.t
	if tl.steps++; tl.steps&0x3fff == 0 {
		tl.forget(s.t)
	}
	// Baseline: where and when this account usually signs in successfully.
	if s.result == rSuccess && s.t >= tl.bs && s.t < tl.be && !s.ioc && s.t != 0 {
		if tr.base == nil {
			tr.base = newBaseline()
		}
		tr.base.add(h.place(*s), h.localHour(s.t), int(s.n))
	}
	tl.signIn(tr, s)
	if tr.named && (s.result == rFailure || s.result == rSuccess) {
		tl.sprayStep(tr, s)
	}
}

// forget drops the state of addresses idle for longer than every window:
// a later attempt would find it all expired.
func (tl *timeline) forget(now int64) {
	for ip, tr := range tl.anon {
		if now-tr.last > tl.horizon {
			delete(tl.anon, ip)
		}
	}
	win := tl.h.cfg.SprayWindow.Milliseconds()
	for ip, st := range tl.spray {
		if now-st.last > win && (st.f == nil || now > st.burstEnd+win) {
			if st.f != nil {
				tl.bursts--
			}
			delete(tl.spray, ip)
			tl.free = append(tl.free, st)
		}
	}
}

// finish settles what waited for the whole baseline.
func (tl *timeline) finish() {
	c := &tl.h.cfg
	for _, ps := range tl.pending {
		if b := ps.tr.base; b != nil && b.n >= c.MinBaseline && ps.cc[0] != 0 && !b.countries[ps.cc] {
			ps.f.Severity = High
		}
	}
}

// signIn runs the per-principal detections on its next sign-in.
func (tl *timeline) signIn(tk *track, sp *signIn) {
	h, c, s := tl.h, &tl.h.cfg, *sp
	var user string
	if tk.named {
		user = tk.name
	} else {
		user = s.ip.String()
	}
	var countries map[[2]byte]bool
	nBase := 0
	if tk.base != nil {
		countries, nBase = tk.base.countries, tk.base.n
	}
	history := tk.named && !tk.service && nBase >= c.MinBaseline
	st := s.time()
	inScope := h.inScope(st)
	if history && s.t >= tl.be && inScope && s.result == rSuccess {
		h.novelty(user, s, st, h.source(s.src), tk.base)
	}

	// Impossible travel between consecutive located and dated successes: an
	// undated one has no interval to the others.
	if s.result == rSuccess && s.t != 0 && h.place(s).hasLoc && tk.named {
		if tk.hasPrev && inScope && tk.prev.ip != s.ip {
			h.travel(user, tk.prev, s)
		}
		tk.prev, tk.hasPrev = s, true
	}

	switch s.result {
	case rFailure:
		tk.fails = append(trimWindow(tk.fails, s.t, c.FailWindow), s)
		// Brute force: many failures within the window, success or not; one
		// finding per burst, a burst ending after a quiet window.
		tk.bruteWin = append(trimWindow(tk.bruteWin, s.t, c.BruteWindow), s)
		if n := total(tk.bruteWin); n >= c.BruteBurst && inScope {
			if tk.brute == nil || s.t-tk.bruteLast > c.BruteWindow.Milliseconds() {
				first := tk.bruteWin[0]
				tk.brute = h.group(BruteForce+"|"+user+"|"+fmt.Sprint(first.t), func() *Finding {
					f := newFinding(BruteForce, Medium, user, first.time(), detail{})
					if !tk.named {
						f.IP = s.ip.String()
					}
					return f
				}, logs.Source{}, first.time())
				tk.brute.Evidence = nil
				for _, x := range tk.bruteWin {
					tk.brute.addEvidence(h.source(x.src))
				}
				tk.brute.Count = n
			} else {
				tk.brute.addEvidence(h.source(s.src))
				tk.brute.Count += int(s.n)
			}
			tk.bruteLast = s.t
			h.bruteDetail(tk.brute, !tk.named, s.ip, st)
		}
	case rSuccess:
		tk.fails = trimWindow(tk.fails, s.t, c.FailWindow)
		if n := total(tk.fails); n >= c.FailBurst && inScope {
			sev := Medium
			cc := h.place(s).country
			if s.ioc || (nBase >= c.MinBaseline && cc[0] != 0 && !countries[cc]) {
				sev = High
			}
			fs := slices.Clone(tk.fails)
			var created *Finding
			h.group(FailThenSuccess+"|"+user+"|"+fmt.Sprint(s.t), func() *Finding {
				f := newFinding(FailThenSuccess, sev, user, fs[0].time(), tr("%d échecs en %s puis réussite depuis %s", "%d failures in %s then success from %s",
					n, st.Sub(fs[0].time()).Round(time.Minute), s.ip))
				for _, x := range fs {
					f.addEvidence(h.source(x.src))
				}
				f.addEvidence(h.source(s.src))
				f.Count = n + 1
				f.IP = s.ip.String()
				created = f
				return f
			}, logs.Source{}, st)
			if created != nil && sev < High && s.t < tl.be {
				tl.pending = append(tl.pending, pendingSeverity{created, tk, cc})
			}
		}
		tk.fails = tk.fails[:0]
	}

	// MFA fatigue: denials or timeouts in a row.
	if s.mfa == mfaDenied || s.mfa == mfaTimeout {
		tk.mfas = append(trimWindow(tk.mfas, s.t, c.MFAWindow), s)
		if n := total(tk.mfas); n >= c.MFABurst && inScope {
			first := tk.mfas[0]
			f := h.group(MFAFatigue+"|"+user+"|"+fmt.Sprint(first.t), func() *Finding {
				return newFinding(MFAFatigue, Medium, user, first.time(), detail{})
			}, logs.Source{}, first.time())
			f.Evidence, f.Count = nil, n
			for _, x := range tk.mfas {
				f.addEvidence(h.source(x.src))
			}
			f.set(tr("%d refus ou absences de réponse MFA en %s", "%d MFA denials or timeouts in %s", n, st.Sub(first.time()).Round(time.Minute)))
		}
	} else if s.result == rSuccess && total(tk.mfas) >= c.MFABurst && s.t-tk.mfas[len(tk.mfas)-1].t <= c.MFAWindow.Milliseconds() {
		if f, ok := h.found[MFAFatigue+"|"+user+"|"+fmt.Sprint(tk.mfas[0].t)]; ok {
			f.Severity = High
			f.addEvidence(h.source(s.src))
			f.set(detail{f.DetailFR + fmt.Sprintf(", puis une connexion réussie depuis %s", s.ip), f.Detail + fmt.Sprintf(", then a successful sign-in from %s", s.ip)})
		}
		tk.mfas = tk.mfas[:0]
	}
}

func (h *Hunter) bruteDetail(f *Finding, anonymous bool, ip addr, last time.Time) {
	span := last.Sub(f.Time).Round(time.Minute)
	if anonymous {
		f.set(tr("%d échecs en %s depuis %s, sans nom de compte", "%d failures in %s from %s, no account named", f.Count, span, ip))
		return
	}
	f.set(tr("%d échecs en %s", "%d failures in %s", f.Count, span))
}

// novelty raises a new country, network or hour for a success after the
// baseline b (which holds at least MinBaseline successes).
func (h *Hunter) novelty(user string, s signIn, st time.Time, src logs.Source, b *baseline) {
	c := &h.cfg
	countries, asns, hours, nBase := b.countries, b.asns, &b.hours, b.n
	pl := h.place(s)
	if pl.country[0] != 0 && !countries[pl.country] {
		h.group(NewCountry+"|"+user+"|"+pl.countryString(), func() *Finding {
			f := newFinding(NewCountry, Medium, user, st, tr("%s depuis %s", "%s from %s", pl.countryString(), s.ip), src)
			f.IP = s.ip.String()
			return f
		}, src, st)
	}
	if pl.asn != 0 && !asns[pl.asn] {
		org := ""
		if h.geo != nil {
			if loc, ok := h.geoC[s.ip.Addr()]; ok {
				org = loc.ASOrg
			}
		}
		h.group(NewASN+"|"+user+"|"+fmt.Sprint(pl.asn), func() *Finding {
			f := newFinding(NewASN, Medium, user, st, tr("AS%d %s depuis %s", "AS%d %s from %s", pl.asn, org, s.ip), src)
			f.IP = s.ip.String()
			return f
		}, src, st)
	}
	hr := st.In(c.Location).Hour()
	if nBase >= 2*c.MinBaseline && hours[hr] == 0 && hours[(hr+23)%24] == 0 && hours[(hr+1)%24] == 0 {
		h.group(UnusualHour+"|"+user+"|"+s.ip.String(), func() *Finding {
			at := st.In(c.Location).Format("2006-01-02 15:04")
			f := newFinding(UnusualHour, Low, user, st, tr("%s, heure de %s", "%s, %s time", at, c.Location), src)
			f.IP = s.ip.String()
			return f
		}, src, st)
	}
}

// travel raises impossible travel between two located successes.
func (h *Hunter) travel(user string, p, s signIn) {
	c := &h.cfg
	pp, sp := h.place(p), h.place(s)
	km := distanceKm(float64(pp.lat), float64(pp.lon), float64(sp.lat), float64(sp.lon))
	pt, st := p.time(), s.time()
	hrs := st.Sub(pt).Hours()
	if km < c.TravelMinKm || (hrs > 0 && km/hrs <= c.TravelKmh) {
		return
	}
	a, b := p.ip.String(), s.ip.String()
	if b < a {
		a, b = b, a
	}
	h.group(ImpossibleTravel+"|"+user+"|"+a+"|"+b, func() *Finding {
		speedFR, speedEN := "instantané", "instant"
		if hrs > 0 {
			speedFR, speedEN = fmt.Sprintf("%.0f km/h", km/hrs), fmt.Sprintf("%.0f km/h", km/hrs)
		}
		f := newFinding(ImpossibleTravel, High, user, st, detail{
			fmt.Sprintf("%s (%s) puis %s (%s), %.0f km en %s, %s", p.ip, pp.countryString(), s.ip, sp.countryString(), km, st.Sub(pt).Round(time.Minute), speedFR),
			fmt.Sprintf("%s (%s) then %s (%s), %.0f km in %s, %s", p.ip, pp.countryString(), s.ip, sp.countryString(), km, st.Sub(pt).Round(time.Minute), speedEN)},
			h.source(p.src), h.source(s.src))
		f.IP = s.ip.String()
		return f
	}, h.source(s.src), st)
}

// sprayTrack is one address's recent attempts against named accounts.
type sprayTrack struct {
	last     int64
	fails    []signIn // the failures within the window
	seen     accountCounts
	f        *Finding
	burstEnd int64
	accounts map[string]bool
}

// newSprayTrack is an empty track: one that forget dropped, or a new one.
// Most failing addresses fail once: their tracks come and go by the
// thousand.
func (tl *timeline) newSprayTrack() *sprayTrack {
	n := len(tl.free)
	if n == 0 {
		return &sprayTrack{}
	}
	st := tl.free[n-1]
	tl.free = tl.free[:n-1]
	*st = sprayTrack{fails: st.fails[:0]}
	return st
}

// sprayStep follows one address failing against many accounts within the
// window, and the account that then lets it in.
func (tl *timeline) sprayStep(tk *track, s *signIn) {
	h, c := tl.h, &tl.h.cfg
	win := c.SprayWindow.Milliseconds()
	if s.result == rSuccess {
		// Successes matter to an address already failing, and as the start
		// of a window: kept, for a while, apart.
		tl.succ.trim(s.t, win)
		tl.succ.buf = append(tl.succ.buf, success{s.t, s.ip})
		if tl.bursts == 0 {
			return // no address has a finding this success could complete
		}
		if st := tl.spray[s.ip]; st != nil && st.f != nil && s.t <= st.burstEnd+win && st.seen.get(s.who) > 0 && !tk.service {
			f := st.f
			f.Severity = High
			f.Account = strings.ToLower(tk.name)
			f.addEvidence(h.source(s.src))
			f.set(detail{f.DetailFR + ", puis connexion réussie au compte " + tk.name, f.Detail + ", then a successful sign-in to " + tk.name})
		}
		return
	}
	st := tl.spray[s.ip]
	if st == nil {
		st = tl.newSprayTrack()
		tl.spray[s.ip] = st
	}
	st.last = s.t
	i := 0
	for i < len(st.fails) && s.t-st.fails[i].t > win {
		w := st.fails[i].who
		st.seen.dec(w)
		i++
	}
	if i == len(st.fails) {
		st.fails = st.fails[:0] // as trimWindow
	} else {
		st.fails = st.fails[i:]
	}
	st.fails = append(st.fails, *s)
	st.seen.inc(s.who)
	if st.seen.distinct() < c.SprayAccounts || !h.inScope(time.UnixMilli(s.t)) {
		return
	}
	ip := s.ip.String()
	name := func(x signIn) string { return h.people[x.who-1].name }
	if st.f == nil || s.t > st.burstEnd+win {
		// The window starts at its first attempt, success or failure.
		first := st.fails[0].t
		tl.succ.trim(s.t, win)
		for _, x := range tl.succ.live() {
			if x.ip == s.ip {
				first = min(first, x.t)
				break
			}
		}
		if st.f == nil {
			tl.bursts++
		}
		st.f = h.group(PasswordSpray+"|"+ip+"|"+fmt.Sprint(first), func() *Finding {
			f := newFinding(PasswordSpray, Medium, ip, time.UnixMilli(first).UTC(), detail{})
			f.IP = ip
			return f
		}, logs.Source{}, time.UnixMilli(first).UTC())
		for _, x := range st.fails[:len(st.fails)-1] {
			st.f.addEvidence(h.source(x.src))
		}
		st.accounts = map[string]bool{}
		st.f.Count = 0
		for _, x := range st.fails {
			st.accounts[name(x)] = true
			st.f.Count++
		}
		st.f.Count--
	}
	f := st.f
	f.Count++
	f.addEvidence(h.source(s.src))
	st.accounts[tk.name] = true
	st.burstEnd = s.t
	f.set(tr("%d comptes visés, %d échecs depuis %s (%s)", "%d accounts targeted, %d failures from %s (%s)", len(st.accounts), f.Count, ip, sample(st.accounts)))
}

// accountCounts counts an address's failures per account within the spray
// window. Most addresses fail against one or two accounts: those are
// counted in place, a map is made from the third on.
type accountCounts struct {
	few [2]struct {
		who uint32
		n   int
	}
	nFew int
	many map[uint32]int
}

func (a *accountCounts) get(who uint32) int {
	if a.many != nil {
		return a.many[who]
	}
	for i := range a.nFew {
		if a.few[i].who == who {
			return a.few[i].n
		}
	}
	return 0
}

func (a *accountCounts) inc(who uint32) {
	if a.many != nil {
		a.many[who]++
		return
	}
	for i := range a.nFew {
		if a.few[i].who == who {
			a.few[i].n++
			return
		}
	}
	if a.nFew < len(a.few) {
		a.few[a.nFew].who, a.few[a.nFew].n = who, 1
		a.nFew++
		return
	}
	a.many = map[uint32]int{who: 1}
	for _, f := range a.few {
		a.many[f.who] = f.n
	}
	a.nFew = 0
}

// dec undoes one inc; an account whose count falls to zero is forgotten.
func (a *accountCounts) dec(who uint32) {
	if a.many != nil {
		if a.many[who]--; a.many[who] == 0 {
			delete(a.many, who)
		}
		return
	}
	for i := range a.nFew {
		if a.few[i].who == who {
			if a.few[i].n--; a.few[i].n == 0 {
				a.nFew--
				a.few[i] = a.few[a.nFew]
			}
			return
		}
	}
}

// distinct is how many accounts have failures counted.
func (a *accountCounts) distinct() int {
	if a.many != nil {
		return len(a.many)
	}
	return a.nFew
}

// success is a successful sign-in to a named account, for the spray's window.
type success struct {
	t  int64
	ip addr
}

// successes is a window of successes, oldest first: those from head on are
// live. The dead ones are dropped by moving the live ones to the front once
// they are no more than the dead, so that the window is not reallocated at
// every success (each success is moved at most once on average).
type successes struct {
	buf  []success
	head int
}

func (w *successes) live() []success { return w.buf[w.head:] }

// trim drops the successes older than win before t.
func (w *successes) trim(t, win int64) {
	for w.head < len(w.buf) && t-w.buf[w.head].t > win {
		w.head++
	}
	if w.head > 0 && w.head >= len(w.buf)-w.head {
		n := copy(w.buf, w.buf[w.head:])
		w.buf, w.head = w.buf[:n], 0
	}
}

// sample lists up to five names.
func sample(set map[string]bool) string {
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	slices.Sort(names)
	if len(names) > 5 {
		return strings.Join(names[:5], ", ") + ", …"
	}
	return strings.Join(names, ", ")
}

func total(list []signIn) int {
	n := 0
	for _, s := range list {
		n += int(s.n)
	}
	return n
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// trimWindow drops the entries older than w before t (Unix milliseconds).
// A window left empty starts again at the beginning of its array, which the
// next append fills rather than allocating (most accounts fail once in a
// while: their windows are empty by the next failure).
func trimWindow(list []signIn, t int64, w time.Duration) []signIn {
	i := 0
	for i < len(list) && t-list[i].t > w.Milliseconds() {
		i++
	}
	if i == len(list) {
		return list[:0]
	}
	return list[i:]
}

// distanceKm is the great-circle distance (haversine formula, mean Earth radius).
func distanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}
