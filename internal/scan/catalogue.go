package scan

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Definition describes one signal: its stable name, its default weight and
// its explanation in French and English. In the texts, "{d}" is replaced by
// the signal's detail (a domain, a file name...); " ({d})" and a clause in
// square brackets that holds it go when the signal has none (Explain).
type Definition struct {
	Name   string  `yaml:"name"`
	Family string  `yaml:"family"`
	Weight float64 `yaml:"weight"`
	// Action, when set, is the least action the signal imposes on its own.
	Action Action `yaml:"action,omitempty"`
	// Fit is how `vigie learn weights` may move the weight: "" within the
	// usual bounds, FitLower never above the expert weight (for signals
	// whose frequency in the corpora says how they were collected more
	// than what the mail is, docs/weights.md).
	Fit string `yaml:"fit,omitempty"`
	FR  string `yaml:"fr"`
	EN  string `yaml:"en"`
	// Banner, when set, is a warning for the people who receive the
	// message, in French then English; the gateway writes it into the
	// delivered message (an X-Vigie-Banner field) and puts BannerSubject
	// before its Subject.
	Banner        string `yaml:"banner,omitempty"`
	BannerSubject string `yaml:"banner_subject,omitempty"`
}

// FitLower is Definition.Fit for a weight the fit may lower but not raise.
const FitLower = "lower"

// Family is one check family, a directory under internal/checks: the checks
// it adds to the pipeline and the definitions of the signals they emit.
// Nothing registers itself: internal/engine builds every family from the
// configuration, in pipeline order, and assembles the Catalogue from them.
type Family interface {
	// Name is the family's name, the Family of its definitions.
	Name() string
	// Signals defines every signal the family's checks can emit, whatever
	// the configuration enables: a weight set for a signal of a family
	// that is off is still a valid setting.
	Signals() []Definition
	// Checks are what the family adds to the pipeline, in order; none
	// when the configuration leaves the family off.
	Checks() []Check
}

// ParseDefinitions reads a family's YAML list of definitions, checking
// that each has an upper-case name and both explanations.
func ParseDefinitions(family string, data []byte) ([]Definition, error) {
	var defs []Definition
	if err := yaml.Unmarshal(data, &defs); err != nil {
		return nil, fmt.Errorf("scan: signals of %s: %w", family, err)
	}
	for i := range defs {
		d := &defs[i]
		d.Family = family
		if d.Name == "" || d.Name != strings.ToUpper(d.Name) || d.FR == "" || d.EN == "" {
			return nil, fmt.Errorf("scan: signals of %s: %q needs an upper-case name and both explanations", family, d.Name)
		}
		if d.Fit != "" && d.Fit != FitLower {
			return nil, fmt.Errorf("scan: signals of %s: %s: unknown fit %q", family, d.Name, d.Fit)
		}
	}
	return defs, nil
}

// MustDefinitions is ParseDefinitions for a data file embedded in the
// binary: malformed data there is a build error, so it panics.
func MustDefinitions(family string, data []byte) []Definition {
	defs, err := ParseDefinitions(family, data)
	if err != nil {
		panic(err)
	}
	return defs
}

// pipelineSignals are the signals the pipeline emits itself (timeouts,
// check errors) and the message parser's defects.
var pipelineSignals = MustDefinitions("scan", ownSignals)

// Catalogue is the set of known signals: the pipeline's own and those of
// the families it was assembled from. It does not change once built.
type Catalogue struct {
	defs map[string]Definition
	all  []Definition // sorted by family then name
}

// NewCatalogue assembles the catalogue of the pipeline's own signals and
// the families'. A name defined twice is an error.
func NewCatalogue(families ...Family) (*Catalogue, error) {
	c := &Catalogue{defs: map[string]Definition{}}
	sets := [][]Definition{pipelineSignals}
	for _, f := range families {
		sets = append(sets, f.Signals())
	}
	for _, set := range sets {
		for _, d := range set {
			if _, dup := c.defs[d.Name]; dup {
				return nil, fmt.Errorf("scan: signal %s defined twice", d.Name)
			}
			c.defs[d.Name] = d
			c.all = append(c.all, d)
		}
	}
	sort.Slice(c.all, func(i, j int) bool {
		if c.all[i].Family != c.all[j].Family {
			return c.all[i].Family < c.all[j].Family
		}
		return c.all[i].Name < c.all[j].Name
	})
	return c, nil
}

// MustCatalogue is NewCatalogue for families whose definitions are
// embedded data (tests, tools): an error is a build error.
func MustCatalogue(families ...Family) *Catalogue {
	c, err := NewCatalogue(families...)
	if err != nil {
		panic(err)
	}
	return c
}

// pipelineOnly is the catalogue of a Scanner that names none.
var pipelineOnly = MustCatalogue()

// Lookup returns a signal's definition.
func (c *Catalogue) Lookup(name string) (Definition, bool) {
	d, ok := c.defs[name]
	return d, ok
}

// All returns every definition sorted by family then name.
func (c *Catalogue) All() []Definition { return c.all }

// Explain fills a signal's text with its detail. Without one, " ({d})"
// goes, and so does a clause written in square brackets around "{d}"
// ("un formulaire[, qui envoie ce qui y est tapé à {d}]"); with one, the
// brackets go and the clause stays.
func Explain(text, detail string) string {
	if strings.Contains(text, "{d}]") {
		text = optionalClause(text, detail != "")
	}
	if detail == "" {
		return strings.ReplaceAll(text, " ({d})", "")
	}
	return strings.ReplaceAll(text, "{d}", detail)
}

// optionalClause keeps or drops the bracketed clauses of text that hold
// "{d}", without their brackets.
func optionalClause(text string, keep bool) string {
	for {
		end := strings.Index(text, "{d}]")
		if end < 0 {
			return text
		}
		start := strings.LastIndexByte(text[:end], '[')
		if start < 0 {
			return text
		}
		clause := text[start+1 : end+3]
		if !keep {
			clause = ""
		}
		text = text[:start] + clause + text[end+4:]
	}
}
