package hunt

import (
	"fmt"
	"math"
	"sort"
	"time"

	"vigie.dev/vigie/internal/logs"
)

// analyseSignIns runs the per-user history detections on one user's sign-ins.
func (h *Hunter) analyseSignIns(user string, list []signIn, baseStart, baseEnd time.Time) {
	sort.SliceStable(list, func(i, j int) bool { return list[i].t.Before(list[j].t) })
	c := &h.cfg

	// Baseline: where and when this user usually signs in successfully.
	countries, asns := map[string]bool{}, map[uint32]bool{}
	var hours [24]int
	nBase := 0
	for _, s := range list {
		if s.result != logs.Success || s.t.Before(baseStart) || !s.t.Before(baseEnd) || s.ioc {
			continue
		}
		nBase++
		if s.country != "" {
			countries[s.country] = true
		}
		if s.loc.ASN != 0 {
			asns[s.loc.ASN] = true
		}
		hours[s.t.In(c.Location).Hour()]++
	}
	afterBase := func(s signIn) bool { return !s.t.Before(baseEnd) && h.inScope(s.t) }

	var prev *signIn
	var fails, mfas []signIn
	for i := range list {
		s := list[i]
		if afterBase(s) && s.result == logs.Success && nBase >= c.MinBaseline {
			if s.country != "" && !countries[s.country] {
				h.group(NewCountry+"|"+user+"|"+s.country, func() *Finding {
					f := newFinding(NewCountry, Medium, user, s.t, fmt.Sprintf("%s from %s", s.country, s.ip), s.src)
					f.IP = s.ip.String()
					return f
				}, s.src, s.t)
			}
			if s.loc.ASN != 0 && !asns[s.loc.ASN] {
				h.group(NewASN+"|"+user+"|"+fmt.Sprint(s.loc.ASN), func() *Finding {
					f := newFinding(NewASN, Medium, user, s.t, fmt.Sprintf("AS%d %s from %s", s.loc.ASN, s.loc.ASOrg, s.ip), s.src)
					f.IP = s.ip.String()
					return f
				}, s.src, s.t)
			}
			hr := s.t.In(c.Location).Hour()
			if nBase >= 2*c.MinBaseline && hours[hr] == 0 && hours[(hr+23)%24] == 0 && hours[(hr+1)%24] == 0 {
				h.group(UnusualHour+"|"+user+"|"+s.ip.String(), func() *Finding {
					f := newFinding(UnusualHour, Low, user, s.t, s.t.In(c.Location).Format("2006-01-02 15:04"), s.src)
					f.IP = s.ip.String()
					return f
				}, s.src, s.t)
			}
		}

		// Impossible travel between consecutive located successes.
		if s.result == logs.Success && s.loc.HasCoords {
			if prev != nil && h.inScope(s.t) && prev.ip != s.ip {
				km := distanceKm(prev.loc.Lat, prev.loc.Lon, s.loc.Lat, s.loc.Lon)
				hrs := s.t.Sub(prev.t).Hours()
				if km >= c.TravelMinKm && (hrs <= 0 || km/hrs > c.TravelKmh) {
					p := *prev
					a, b := p.ip.String(), s.ip.String()
					if b < a {
						a, b = b, a
					}
					h.group(ImpossibleTravel+"|"+user+"|"+a+"|"+b, func() *Finding {
						speed := "instant"
						if hrs > 0 {
							speed = fmt.Sprintf("%.0f km/h", km/hrs)
						}
						f := newFinding(ImpossibleTravel, High, user, s.t, fmt.Sprintf("%s (%s) then %s (%s), %.0f km in %s, %s",
							p.ip, p.country, s.ip, s.country, km, s.t.Sub(p.t).Round(time.Minute), speed), p.src, s.src)
						f.IP = s.ip.String()
						return f
					}, s.src, s.t)
				}
			}
			prev = &list[i]
		}

		// Failures then success.
		switch s.result {
		case logs.Failure:
			fails = append(fails, s)
		case logs.Success:
			fails = trimWindow(fails, s.t, c.FailWindow)
			if len(fails) >= c.FailBurst && h.inScope(s.t) {
				sev := Medium
				if s.ioc || (nBase >= c.MinBaseline && s.country != "" && !countries[s.country]) {
					sev = High
				}
				fs := fails
				h.group(FailThenSuccess+"|"+user+"|"+s.t.String(), func() *Finding {
					f := newFinding(FailThenSuccess, sev, user, fs[0].t, fmt.Sprintf("%d failures in %s then success from %s", len(fs), s.t.Sub(fs[0].t).Round(time.Minute), s.ip))
					for _, x := range fs {
						f.addEvidence(x.src)
					}
					f.addEvidence(s.src)
					f.Count = len(fs) + 1
					f.IP = s.ip.String()
					return f
				}, logs.Source{}, s.t)
			}
			fails = fails[:0]
		}

		// MFA fatigue: denials or timeouts in a row.
		if s.mfa == logs.MFADenied || s.mfa == logs.MFATimeout {
			mfas = append(trimWindow(mfas, s.t, c.MFAWindow), s)
			if len(mfas) >= c.MFABurst && h.inScope(s.t) {
				ms := append([]signIn(nil), mfas...)
				first := ms[0]
				f := h.group(MFAFatigue+"|"+user+"|"+first.t.String(), func() *Finding {
					f := newFinding(MFAFatigue, Medium, user, first.t, "", first.src)
					f.Count = 0
					return f
				}, logs.Source{}, first.t)
				f.Evidence, f.Count = nil, len(ms)
				for _, x := range ms {
					f.addEvidence(x.src)
				}
				f.Detail = fmt.Sprintf("%d MFA denials or timeouts in %s", len(ms), s.t.Sub(first.t).Round(time.Minute))
				f.explain()
			}
		} else if s.result == logs.Success && len(mfas) >= c.MFABurst && s.t.Sub(mfas[len(mfas)-1].t) <= c.MFAWindow {
			if f, ok := h.found[MFAFatigue+"|"+user+"|"+mfas[0].t.String()]; ok {
				f.Severity = High
				f.addEvidence(s.src)
				f.Detail += fmt.Sprintf(", then a successful sign-in from %s", s.ip)
				f.explain()
			}
			mfas = mfas[:0]
		}
	}
}

// trimWindow drops the entries older than w before t.
func trimWindow(list []signIn, t time.Time, w time.Duration) []signIn {
	i := 0
	for i < len(list) && t.Sub(list[i].t) > w {
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
