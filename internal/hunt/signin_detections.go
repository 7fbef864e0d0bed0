package hunt

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"vigie.dev/vigie/internal/logs"
)

// analyseSignIns runs the per-principal history detections.
func (h *Hunter) analyseSignIns(p *principal, baseStart, baseEnd time.Time) {
	list := p.list
	slices.SortStableFunc(list, func(a, b signIn) int { return cmpInt64(a.t, b.t) })
	c := &h.cfg
	user := p.subject()
	bs, be := baseStart.UnixMilli(), baseEnd.UnixMilli()

	// Baseline: where and when this account usually signs in successfully.
	base := p.base
	if base == nil {
		base = newBaseline()
	}
	for _, s := range list {
		if s.result != rSuccess || s.t < bs || s.t >= be || s.ioc || s.t == 0 {
			continue
		}
		base.add(h.place(s), s.time().In(c.Location).Hour(), int(s.n))
	}
	countries, asns, hours, nBase := base.countries, base.asns, base.hours, base.n
	history := p.name != "" && !p.service && nBase >= c.MinBaseline

	var prev *signIn
	var fails, mfas []signIn
	var brute *Finding
	var bruteWin []signIn
	var bruteLast int64
	for i := range list {
		s := list[i]
		st := s.time()
		src := h.source(s.src)
		inScope := h.inScope(st)
		if history && s.t >= be && inScope && s.result == rSuccess {
			h.novelty(user, s, st, src, countries, asns, hours, nBase)
		}

		// Impossible travel between consecutive located successes.
		if s.result == rSuccess && h.place(s).hasLoc && p.name != "" {
			if prev != nil && inScope && prev.ip != s.ip {
				h.travel(user, *prev, s)
			}
			prev = &list[i]
		}

		switch s.result {
		case rFailure:
			fails = append(fails, s)
			// Brute force: many failures within the window, success or not; one
			// finding per burst, a burst ending after a quiet window.
			bruteWin = append(trimWindow(bruteWin, s.t, c.BruteWindow), s)
			if n := total(bruteWin); n >= c.BruteBurst && inScope {
				if brute == nil || s.t-bruteLast > c.BruteWindow.Milliseconds() {
					first := bruteWin[0]
					brute = h.group(BruteForce+"|"+user+"|"+fmt.Sprint(first.t), func() *Finding {
						f := newFinding(BruteForce, Medium, user, first.time(), detail{})
						if p.name == "" {
							f.IP = p.ip.String()
						}
						return f
					}, logs.Source{}, first.time())
					brute.Evidence = nil
					for _, x := range bruteWin {
						brute.addEvidence(h.source(x.src))
					}
					brute.Count = n
				} else {
					brute.addEvidence(src)
					brute.Count += int(s.n)
				}
				bruteLast = s.t
				h.bruteDetail(brute, p, st)
			}
		case rSuccess:
			fails = trimWindow(fails, s.t, c.FailWindow)
			if n := total(fails); n >= c.FailBurst && inScope {
				sev := Medium
				if cc := h.place(s).country; s.ioc || (nBase >= c.MinBaseline && cc[0] != 0 && !countries[cc]) {
					sev = High
				}
				fs := slices.Clone(fails)
				h.group(FailThenSuccess+"|"+user+"|"+fmt.Sprint(s.t), func() *Finding {
					f := newFinding(FailThenSuccess, sev, user, fs[0].time(), tr("%d échecs en %s puis réussite depuis %s", "%d failures in %s then success from %s",
						n, st.Sub(fs[0].time()).Round(time.Minute), s.ip))
					for _, x := range fs {
						f.addEvidence(h.source(x.src))
					}
					f.addEvidence(src)
					f.Count = n + 1
					f.IP = s.ip.String()
					return f
				}, logs.Source{}, st)
			}
			fails = fails[:0]
		}

		// MFA fatigue: denials or timeouts in a row.
		if s.mfa == mfaDenied || s.mfa == mfaTimeout {
			mfas = append(trimWindow(mfas, s.t, c.MFAWindow), s)
			if n := total(mfas); n >= c.MFABurst && inScope {
				first := mfas[0]
				f := h.group(MFAFatigue+"|"+user+"|"+fmt.Sprint(first.t), func() *Finding {
					f := newFinding(MFAFatigue, Medium, user, first.time(), detail{})
					return f
				}, logs.Source{}, first.time())
				f.Evidence, f.Count = nil, n
				for _, x := range mfas {
					f.addEvidence(h.source(x.src))
				}
				f.set(tr("%d refus ou absences de réponse MFA en %s", "%d MFA denials or timeouts in %s", n, st.Sub(first.time()).Round(time.Minute)))
			}
		} else if s.result == rSuccess && total(mfas) >= c.MFABurst && s.t-mfas[len(mfas)-1].t <= c.MFAWindow.Milliseconds() {
			if f, ok := h.found[MFAFatigue+"|"+user+"|"+fmt.Sprint(mfas[0].t)]; ok {
				f.Severity = High
				f.addEvidence(src)
				f.set(detail{f.DetailFR + fmt.Sprintf(", puis une connexion réussie depuis %s", s.ip), f.Detail + fmt.Sprintf(", then a successful sign-in from %s", s.ip)})
			}
			mfas = mfas[:0]
		}
	}
}

func (h *Hunter) bruteDetail(f *Finding, p *principal, last time.Time) {
	span := last.Sub(f.Time).Round(time.Minute)
	if p.name == "" {
		f.set(tr("%d échecs en %s depuis %s, sans nom de compte", "%d failures in %s from %s, no account named", f.Count, span, p.ip))
		return
	}
	f.set(tr("%d échecs en %s", "%d failures in %s", f.Count, span))
}

// novelty raises a new country, network or hour for a success after the baseline.
func (h *Hunter) novelty(user string, s signIn, st time.Time, src logs.Source, countries map[[2]byte]bool, asns map[uint32]bool, hours [24]int, nBase int) {
	c := &h.cfg
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

// spray finds addresses that failed against many accounts within the window.
func (h *Hunter) spray() {
	type attempt struct {
		t    int64
		who  *principal
		src  srcRef
		succ bool
	}
	// Addresses that failed against at least SprayAccounts accounts, then
	// their attempts, successes included.
	failedAt := map[addr]map[*principal]bool{}
	for _, p := range h.principals {
		if p.name == "" {
			continue
		}
		for _, s := range p.list {
			if s.result == rFailure && s.ip.IsValid() {
				m := failedAt[s.ip]
				if m == nil {
					m = map[*principal]bool{}
					failedAt[s.ip] = m
				}
				m[p] = true
			}
		}
	}
	byIP := map[addr][]attempt{}
	for ip, who := range failedAt {
		if len(who) < h.cfg.SprayAccounts {
			continue
		}
		byIP[ip] = nil
	}
	for _, p := range h.principals {
		if p.name == "" {
			continue
		}
		for _, s := range p.list {
			if list, ok := byIP[s.ip]; ok && (s.result == rFailure || s.result == rSuccess) {
				byIP[s.ip] = append(list, attempt{s.t, p, s.src, s.result == rSuccess})
			}
		}
	}
	c := &h.cfg
	win := c.SprayWindow.Milliseconds()
	sprayAccounts := map[*Finding]map[string]bool{}
	for ip, list := range byIP {
		slices.SortFunc(list, func(a, b attempt) int { return cmpInt64(a.t, b.t) })
		var f *Finding
		var burstEnd int64
		lo := 0
		seen := map[*principal]int{}
		for i, a := range list {
			if a.succ {
				if f != nil && a.t <= burstEnd+win && seen[a.who] > 0 && !a.who.service {
					f.Severity = High
					f.Account = strings.ToLower(a.who.name)
					f.addEvidence(h.source(a.src))
					f.set(detail{f.DetailFR + ", puis connexion réussie au compte " + a.who.name, f.Detail + ", then a successful sign-in to " + a.who.name})
				}
				continue
			}
			for lo < i && a.t-list[lo].t > win {
				if !list[lo].succ {
					seen[list[lo].who]--
					if seen[list[lo].who] == 0 {
						delete(seen, list[lo].who)
					}
				}
				lo++
			}
			seen[a.who]++
			if len(seen) < c.SprayAccounts || !h.inScope(time.UnixMilli(a.t)) {
				continue
			}
			if f == nil || a.t > burstEnd+win {
				first := list[lo]
				key := PasswordSpray + "|" + ip.String() + "|" + fmt.Sprint(first.t)
				f = h.group(key, func() *Finding {
					f := newFinding(PasswordSpray, Medium, ip.String(), time.UnixMilli(first.t).UTC(), detail{})
					f.IP = ip.String()
					f.Count = 0
					return f
				}, logs.Source{}, time.UnixMilli(first.t).UTC())
				for _, x := range list[lo:i] {
					if !x.succ {
						f.addEvidence(h.source(x.src))
					}
				}
				accounts := map[string]bool{}
				f.Count = 0
				for _, x := range list[lo : i+1] {
					if !x.succ {
						accounts[x.who.name] = true
						f.Count++
					}
				}
				f.Count--
				sprayAccounts[f] = accounts
			}
			f.Count++
			f.addEvidence(h.source(a.src))
			sprayAccounts[f][a.who.name] = true
			burstEnd = a.t
			n := len(sprayAccounts[f])
			f.set(tr("%d comptes visés, %d échecs depuis %s (%s)", "%d accounts targeted, %d failures from %s (%s)", n, f.Count, ip, sample(sprayAccounts[f])))
		}
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
func trimWindow(list []signIn, t int64, w time.Duration) []signIn {
	i := 0
	for i < len(list) && t-list[i].t > w.Milliseconds() {
		i++
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
