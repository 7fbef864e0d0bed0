package scan

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// Definition describes one signal: its stable name, its default weight and
// its explanation in French and English. In the texts, "{d}" is replaced by
// the signal's detail (a domain, a file name...).
type Definition struct {
	Name   string  `yaml:"name"`
	Family string  `yaml:"family"`
	Weight float64 `yaml:"weight"`
	// Action, when set, is the least action the signal imposes on its own.
	Action Action `yaml:"action,omitempty"`
	FR     string `yaml:"fr"`
	EN     string `yaml:"en"`
	// Banner, when set, is a warning for the people who receive the
	// message, in French then English; the gateway writes it into the
	// delivered message (an X-Vigie-Banner field) and puts BannerSubject
	// before its Subject.
	Banner        string `yaml:"banner,omitempty"`
	BannerSubject string `yaml:"banner_subject,omitempty"`
}

// Catalogue is the set of known signals. Check families add theirs from an
// embedded YAML data file at init time.
type Catalogue struct {
	mu   sync.RWMutex
	defs map[string]Definition
}

// Signals is the process-wide catalogue that check families define into.
var Signals = &Catalogue{defs: map[string]Definition{}}

// DefineYAML adds the definitions of a YAML list to the catalogue. It panics
// on malformed data: the data files are embedded, so this is a build error.
func (c *Catalogue) DefineYAML(family string, data []byte) {
	var defs []Definition
	if err := yaml.Unmarshal(data, &defs); err != nil {
		panic(fmt.Sprintf("scan: signals of %s: %v", family, err))
	}
	for _, d := range defs {
		d.Family = family
		if err := c.Define(d); err != nil {
			panic(err)
		}
	}
}

// Define adds one definition.
func (c *Catalogue) Define(d Definition) error {
	if d.Name == "" || d.Name != strings.ToUpper(d.Name) || d.FR == "" || d.EN == "" {
		return fmt.Errorf("scan: signal %q: needs an upper-case name and both explanations", d.Name)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, dup := c.defs[d.Name]; dup {
		return fmt.Errorf("scan: signal %s defined twice", d.Name)
	}
	c.defs[d.Name] = d
	return nil
}

// Lookup returns a signal's definition.
func (c *Catalogue) Lookup(name string) (Definition, bool) {
	c.mu.RLock()
	d, ok := c.defs[name]
	c.mu.RUnlock()
	return d, ok
}

// All returns every definition sorted by family then name.
func (c *Catalogue) All() []Definition {
	c.mu.RLock()
	out := make([]Definition, 0, len(c.defs))
	for _, d := range c.defs {
		out = append(out, d)
	}
	c.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Family != out[j].Family {
			return out[i].Family < out[j].Family
		}
		return out[i].Name < out[j].Name
	})
	return out
}

func explain(text, detail string) string {
	if detail == "" {
		return strings.ReplaceAll(text, " ({d})", "")
	}
	return strings.ReplaceAll(text, "{d}", detail)
}
