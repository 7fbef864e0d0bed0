package incident

import (
	"strings"
)

// Level grades one qualification axis of the fiche: périmètre, impact or
// urgence. 1 is the lowest, 3 the highest.
type Level int

const (
	Low    Level = 1
	Medium Level = 2
	High   Level = 3
)

// Axis names one of the three qualification axes.
type Axis string

const (
	Perimeter Axis = "perimetre"
	Impact    Axis = "impact"
	Urgency   Axis = "urgence"
)

// Labels in French, by axis and level.
var levelFR = map[Axis][4]string{
	Perimeter: {"", "restreint", "partiel", "étendu"},
	Impact:    {"", "faible", "modéré", "fort"},
	Urgency:   {"", "faible", "modérée", "forte"},
}

var levelEN = map[Axis][4]string{
	Perimeter: {"", "limited", "partial", "extended"},
	Impact:    {"", "low", "moderate", "high"},
	Urgency:   {"", "low", "moderate", "high"},
}

// Label returns the French label of l on axis a.
func (l Level) Label(a Axis) string { return l.In(a, "fr") }

// In returns the label of l on axis a in lang.
func (l Level) In(a Axis, lang string) string {
	if l < Low || l > High {
		return "?"
	}
	if lang == "en" {
		return levelEN[a][l]
	}
	return levelFR[a][l]
}

// AxisLabel names an axis in lang.
func AxisLabel(a Axis, lang string) string {
	if lang != "en" {
		return map[Axis]string{Perimeter: "périmètre", Impact: "impact", Urgency: "urgence"}[a]
	}
	return map[Axis]string{Perimeter: "perimeter", Impact: "impact", Urgency: "urgency"}[a]
}

// ParseLevel reads a level on an axis: its French label (accents
// optional), low/medium/high, or 1–3.
func ParseLevel(a Axis, s string) (Level, error) {
	k := strings.NewReplacer("é", "e", "è", "e").Replace(strings.ToLower(strings.TrimSpace(s)))
	switch k {
	case "1", "low":
		return Low, nil
	case "2", "medium", "moderate":
		return Medium, nil
	case "3", "high":
		return High, nil
	}
	for l := Low; l <= High; l++ {
		lab := strings.NewReplacer("é", "e", "è", "e").Replace(levelFR[a][l])
		if k == lab {
			return l, nil
		}
	}
	return 0, fail(nil, "%s %q : %s, %s ou %s attendu", "%s %q: want %s, %s or %s (or low, medium, high)",
		a, s, levelFR[a][1], levelFR[a][2], levelFR[a][3])
}

// Severity is the fiche's degree of gravity.
type Severity int

const (
	Anomaly Severity = 1 + iota // anomalie courante (gravité faible)
	Minor                       // incident mineur (gravité modérée)
	Major                       // incident majeur (gravité élevée)
	Crisis                      // crise cyber (gravité critique)
)

var severityFR = [...]string{"", "anomalie courante", "incident mineur", "incident majeur", "crise cyber"}
var severityEN = [...]string{"", "routine anomaly", "minor incident", "major incident", "cyber crisis"}

// String returns the French name the fiches use.
func (s Severity) String() string {
	if s < Anomaly || s > Crisis {
		return "non qualifié"
	}
	return severityFR[s]
}

// Label names the severity in lang.
func (s Severity) Label(lang string) string {
	if lang == "en" {
		return s.EN()
	}
	return s.String()
}

// EN returns the English name.
func (s Severity) EN() string {
	if s < Anomaly || s > Crisis {
		return "unqualified"
	}
	return severityEN[s]
}

// Assess derives the severity from the three axes. The fiche defines a
// crise cyber as an extended perimeter with a strong impact needing urgent
// resolution, and grades the other degrees by their impact on the business;
// Vigie reads that as:
//
//   - périmètre étendu + impact fort + urgence forte → crise cyber;
//   - otherwise the impact sets the degree (faible → anomalie courante,
//     modéré → incident mineur, fort → incident majeur), raised one degree,
//     up to incident majeur, when the perimeter is extended or the urgency
//     strong.
//
// docs/incident-response.md prints the resulting 27-cell matrix.
func Assess(perimeter, impact, urgency Level) Severity {
	perimeter, impact, urgency = clampLevel(perimeter), clampLevel(impact), clampLevel(urgency)
	if perimeter == High && impact == High && urgency == High {
		return Crisis
	}
	s := Severity(impact)
	if perimeter == High || urgency == High {
		s = min(s+1, Major)
	}
	return s
}

func clampLevel(l Level) Level { return max(Low, min(l, High)) }
