package warninglist

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// Outcome is what Refreshed did with one file of the directory.
type Outcome struct {
	List string // the list the file stands for (its directory or file name)
	File string // the file, as found under the directory
	// Err is why the file was refused; the embedded list stays in use.
	Err error
	// Skipped says the file names no list Vigie reads (a MISP list it
	// does not embed: it gives each list it reads a role); not an error.
	Skipped bool
	// Entries is the list's entries in use once taken, and Embedded the
	// embedded list's; Version and EmbeddedVersion their MISP versions.
	Entries, Embedded        int
	Version, EmbeddedVersion int64
	// Own lists the organisation's domains the new list covers and the
	// embedded one did not (taken all the same; see Refreshed).
	Own []string
	// Imitations are the entries the new list adds that imitate a brand
	// or the organisation (Refreshed's imitates), each with what it
	// imitates: left out, the rest of the list taken.
	Imitations []string
}

// Taken reports a file whose list replaced the embedded one.
func (o Outcome) Taken() bool { return o.Err == nil && !o.Skipped }

// String is the outcome in English, as the daemon logs it.
func (o Outcome) String() string { return o.Say("en") }

// outcomeWords are an Outcome's sentences in one language.
type outcomeWords struct{ refused, skipped, taken, own, imitations string }

var outcomeLangs = map[string]outcomeWords{
	"en": {
		refused:    "%s: refused, the embedded %s stays in use: %v",
		skipped:    "%s: skipped, %s is not a list Vigie reads",
		taken:      "%s: %s version %d (%d entries) in place of the embedded version %d (%d entries)",
		own:        "; it now covers the organisation's own %s",
		imitations: "; left out, imitating a brand or the organisation: %s",
	},
	"fr": {
		refused:    "%s : refusé, la liste intégrée %s reste en service : %v",
		skipped:    "%s : ignoré, %s n'est pas une liste que Vigie lit",
		taken:      "%s : %s version %d (%d entrées) à la place de la version intégrée %d (%d entrées)",
		own:        " ; elle couvre désormais des domaines de l'organisation : %s",
		imitations: " ; écartées parce qu'elles imitent une marque ou l'organisation : %s",
	},
}

// Say is the outcome for the operator in lang ("en", French otherwise:
// vigie config check). The loader's reason for a refusal stays as the
// loader wrote it.
func (o Outcome) Say(lang string) string {
	w, ok := outcomeLangs[lang]
	if !ok {
		w = outcomeLangs["fr"]
	}
	switch {
	case o.Err != nil:
		return fmt.Sprintf(w.refused, o.File, o.List, o.Err)
	case o.Skipped:
		return fmt.Sprintf(w.skipped, o.File, o.List)
	}
	s := fmt.Sprintf(w.taken, o.File, o.List, o.Version, o.Entries, o.EmbeddedVersion, o.Embedded)
	if len(o.Own) > 0 {
		s += fmt.Sprintf(w.own, strings.Join(o.Own, ", "))
	}
	if len(o.Imitations) > 0 {
		s += fmt.Sprintf(w.imitations, strings.Join(o.Imitations, ", "))
	}
	return s
}

// Refreshed returns the embedded lists with those of dir in place of the
// embedded lists of the same name, as rspamd reads a map: dir holds MISP
// warning lists in MISP's layout (NAME/list.json, as in the repository's
// lists/ directory; a checkout of the repository itself, with its lists/,
// will do) or flat (NAME.json). A file is refused, and the embedded list
// kept, when it does not parse as a warning list, has no usable entry, or
// is of another type than the embedded list (a "hostname" list read as
// "string" would stop covering subdomains), or lists a public suffix
// ("fr", "co.uk") where the embedded list lists none (it would cover
// every domain under it), covers a made-up name (coversAnyName) or every
// address (tooBroad), or is many times the embedded list's size or
// entries (readAtMost, growth): a bad download does no harm.
// Vigie's own list (ESPAssets) is never replaced, and a list Vigie does
// not embed is skipped. A list that newly covers one of own (the
// organisation's domains) is taken, the Outcome naming them: a newer
// top-site or university list may rightly name the organisation, and
// the organisation's own names are judged as its own before any list is
// read (org.domains); the operator is told, so that a list that lists a
// whole suffix is seen. An entry the new list adds that imitates a brand
// or the organisation (imitates, when not nil, says what it imitates, ""
// for nothing) is left out and named, the rest of the list taken: a top
// site is not judged a look-alike, a bank's website is the bank's own, and
// a newer list must not make a look-alike either. Only an unreadable dir
// is an error. The Set's Outcomes say what was done with each file.
func Refreshed(dir string, own []string, imitates func(host string) string) (*Set, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("warninglist: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("warninglist: %s is not a directory", dir)
	}
	root := os.DirFS(dir)
	if fi, err := fs.Stat(root, "lists"); err == nil && fi.IsDir() {
		root, err = fs.Sub(root, "lists")
		if err != nil {
			return nil, fmt.Errorf("warninglist: %w", err)
		}
		dir = filepath.Join(dir, "lists")
	}
	found, err := candidates(root)
	if err != nil {
		return nil, fmt.Errorf("warninglist: %s: %w", dir, err)
	}
	embeddedNames, err := fs.ReadDir(embedded, "data")
	if err != nil {
		return nil, fmt.Errorf("warninglist: embedded lists: %w", err)
	}
	isEmbedded := map[string]bool{}
	for _, e := range embeddedNames {
		if e.IsDir() {
			isEmbedded[e.Name()] = true
		}
	}
	var outcomes []Outcome
	taken := map[string][]byte{}
	names := make([]string, 0, len(found))
	for n := range found {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		files := found[name]
		o := Outcome{List: name, File: filepath.Join(dir, filepath.FromSlash(files[0]))}
		switch {
		case name == ESPAssets:
			o.Err = errors.New("Vigie's own list is not replaced from a directory (internal/warninglist/data/SOURCE.md)")
		case !isEmbedded[name]:
			o.Skipped = true
		case len(files) > 1:
			o.Err = fmt.Errorf("the directory holds %s twice (%s): keep one", name, strings.Join(files, " and "))
		default:
			b, err := readAtMost(root, files[0], o.List)
			if err == nil {
				b, err = o.check(b, own, imitates)
			}
			o.Err = err
			if err == nil {
				taken[name] = b
			}
		}
		outcomes = append(outcomes, o)
	}
	s := newSet()
	for _, e := range embeddedNames {
		if !e.IsDir() {
			continue
		}
		b, ok := taken[e.Name()]
		if !ok {
			if b, err = embedded.ReadFile(path.Join("data", e.Name(), "list.json")); err != nil {
				return nil, fmt.Errorf("warninglist: embedded %s: %w", e.Name(), err)
			}
		}
		if _, err := s.add(e.Name(), b); err != nil {
			return nil, err
		}
	}
	s.finish()
	s.outcomes = outcomes
	return s, nil
}

// Outcomes says what Refreshed did with each file of its directory, by
// list name; none for the embedded lists.
func (s *Set) Outcomes() []Outcome {
	if s == nil {
		return nil
	}
	return s.outcomes
}

// candidates finds the lists under root: NAME/list.json and NAME.json,
// by name (more than one file for a name is the operator's mistake).
func candidates(root fs.FS) (map[string][]string, error) {
	ents, err := fs.ReadDir(root, ".")
	if err != nil {
		return nil, err
	}
	found := map[string][]string{}
	for _, e := range ents {
		n := e.Name()
		switch {
		case strings.HasPrefix(n, "."):
		case e.IsDir():
			f := path.Join(n, "list.json")
			if fi, err := fs.Stat(root, f); err == nil && fi.Mode().IsRegular() {
				found[n] = append(found[n], f)
			}
		case strings.HasSuffix(n, ".json") && e.Type().IsRegular():
			found[strings.TrimSuffix(n, ".json")] = append(found[strings.TrimSuffix(n, ".json")], n)
		}
	}
	return found, nil
}

// check accepts b as the newer version of the embedded list o.List, or
// says why not, and returns what is taken of it.
func (o *Outcome) check(b []byte, own []string, imitates func(string) string) ([]byte, error) {
	prev, err := o.vet(b, own)
	if err != nil {
		return nil, err
	}
	if imitates == nil {
		return b, nil
	}
	return o.withoutImitations(b, prev, imitates)
}

// withoutImitations returns b without the entries it adds to the embedded
// list o.List (prev, loaded alone) that imitate a brand or the
// organisation, naming them in o.Imitations; b itself when it adds none.
func (o *Outcome) withoutImitations(b []byte, prev *Set, imitates func(string) string) ([]byte, error) {
	var r map[string]json.RawMessage
	var l rawList
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, err
	}
	switch l.Type {
	case "hostname", "substring", "string":
	default:
		return b, nil
	}
	kept := l.List[:0:0]
	for _, v := range l.List {
		h := normHost(v)
		if looksLikeHost(h) && strings.Contains(h, ".") && len(prev.Host(h)) == 0 {
			if what := imitates(h); what != "" {
				o.Imitations = append(o.Imitations, v+" ("+what+")")
				o.Entries--
				continue
			}
		}
		kept = append(kept, v)
	}
	if len(kept) == len(l.List) {
		return b, nil
	}
	list, err := json.Marshal(kept)
	if err != nil {
		return nil, err
	}
	r["list"] = list
	return json.Marshal(r)
}

// vet accepts b as the newer version of the embedded list o.List, or
// says why not, and fills in what the operator is told; it returns the
// embedded list loaded alone.
func (o *Outcome) vet(b []byte, own []string) (*Set, error) {
	var r struct {
		rawList
		Version json.Number `json:"version"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("not a MISP warning list: %w", err)
	}
	old, err := embedded.ReadFile(path.Join("data", o.List, "list.json"))
	if err != nil {
		return nil, fmt.Errorf("embedded %s: %w", o.List, err)
	}
	var e struct {
		rawList
		Version json.Number `json:"version"`
	}
	if err := json.Unmarshal(old, &e); err != nil {
		return nil, fmt.Errorf("embedded %s: %w", o.List, err)
	}
	if r.Type != e.Type {
		return nil, fmt.Errorf("type %q where the embedded list is %q", r.Type, e.Type)
	}
	if limit := max(minEntriesCap, growth*len(e.List)); len(r.List) > limit {
		return nil, fmt.Errorf("%d entries, more than %d (%d times the embedded list's %d): not a newer version of it", len(r.List), limit, growth, len(e.List))
	}
	if r.Type == "cidr" {
		if v := tooBroad(r.List, e.List); v != "" {
			return nil, fmt.Errorf("lists the network %s, broader than any the embedded list holds and than one provider holds: it would cover addresses of every kind", v)
		}
	}
	if suffixEntry(e.rawList) == "" {
		if v := suffixEntry(r.rawList); v != "" {
			return nil, fmt.Errorf("lists the public suffix %q, which the embedded list never does: every domain under it would be taken for one of the list's", v)
		}
	}
	fresh, prev := newSet(), newSet()
	n, err := fresh.add(o.List, b)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("no usable entry (%d written)", len(r.List))
	}
	o.Entries = n
	o.Embedded, _ = prev.add(o.List, old)
	if v := coversAnyName(fresh, prev); v != "" {
		return nil, fmt.Errorf("covers %s, a made-up name no list names: an entry of it covers every name", v)
	}
	o.Version, _ = r.Version.Int64()
	o.EmbeddedVersion, _ = e.Version.Int64()
	for _, d := range own {
		d = normHost(d)
		if d != "" && len(fresh.Host(d)) > 0 && len(prev.Host(d)) == 0 && !slices.Contains(o.Own, d) {
			o.Own = append(o.Own, d)
		}
	}
	return prev, nil
}

// suffixEntry returns an entry of a list of names that is a public suffix
// of the ICANN section (fr, co.uk, gouv.fr), or "". Such an entry covers
// every domain under it: a top-site list that listed one would exempt a
// whole country's domains from the shape heuristics, a brand's list make
// every host under it the brand's.
func suffixEntry(r rawList) string {
	switch r.Type {
	case "hostname", "substring":
	case "string":
		if !appliesTo(r.Attributes, "domain", "hostname", "url", "uri", "domain|ip") {
			return ""
		}
	default:
		return ""
	}
	for _, v := range r.List {
		h := normHost(v)
		if h == "" || !looksLikeHost(h) {
			continue
		}
		if ps, icann := publicsuffix.PublicSuffix(h); icann && ps == h {
			return v
		}
	}
	return ""
}

// A newer list is refused when it is many times the embedded one: MISP's
// lists grow by a few percent a version, and a file growth times the size
// is a damaged or hostile download, whose reading alone could take the
// process's memory (a 2 GB file, ten million entries). The floors leave
// room to the smallest lists.
const (
	growth        = 8
	minFileCap    = 4 << 20
	minEntriesCap = 50_000
)

// readAtMost reads the file name of root, the newer version of the
// embedded list list, refusing it past growth times the embedded file's
// size without reading further.
func readAtMost(root fs.FS, name, list string) ([]byte, error) {
	old, err := fs.Stat(embedded, path.Join("data", list, "list.json"))
	if err != nil {
		return nil, fmt.Errorf("embedded %s: %w", list, err)
	}
	limit := max(minFileCap, growth*old.Size())
	f, err := root.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tooLarge := func(n int64) error {
		return fmt.Errorf("%d bytes or more, more than %d (%d times the embedded list's %d): not a newer version of it", n, limit, growth, old.Size())
	}
	if fi, err := f.Stat(); err == nil && fi.Size() > limit {
		return nil, tooLarge(fi.Size())
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit { // grown since the Stat, or a Stat that does not know
		return nil, tooLarge(int64(len(b)))
	}
	return b, nil
}

// Networks no one provider holds more than: a newer list's network
// broader than these and than every network of the embedded list (of its
// family) is a damaged entry, 0.0.0.0/0 or ::/0 at worst, that would put
// every address on the list. The embedded lists' broadest are rfc5735's
// 0.0.0.0/8 and 240.0.0.0/4, and ipv6-linklocal's fe80::/10.
const (
	broadest4 = 8
	broadest6 = 16
)

// tooBroad returns an entry of list broader than both the floor of its
// family and the broadest network of embedded of that family, or "".
func tooBroad(list, embedded []string) string {
	floor := map[bool]int{true: broadest4, false: broadest6}
	for _, v := range embedded {
		if p, err := parseNet(strings.TrimSpace(v)); err == nil && p.Bits() < floor[p.Addr().Is4()] {
			floor[p.Addr().Is4()] = p.Bits()
		}
	}
	for _, v := range list {
		if p, err := parseNet(strings.TrimSpace(v)); err == nil && p.Bits() < floor[p.Addr().Is4()] {
			return v
		}
	}
	return ""
}

// probeLabel is a name no list names: every letter and digit, so that a
// substring entry of one character, a bare suffix or a pattern matching
// anything is caught whatever it is.
const probeLabel = "abcdefghijklmnopqrstuvwxyz-0123456789"

// probeSuffixes are the suffixes the probe is tried under: the common
// generic ones and those of the organisations Vigie is deployed for.
var probeSuffixes = []string{"com", "net", "org", "info", "io", "xyz", "app", "fr", "de", "eu", "co.uk", "gouv.fr"}

// coversAnyName returns the probe a newer list covers and the embedded
// one (prev) does not, as a host, an e-mail address or a URL, or "": an
// entry such as ".com", "*." in a string list, the substring "e" or "." or
// the pattern ".*" covers a made-up name, and with it every name, which
// on a top-site list exempts every sender and link from the shape
// heuristics and on any list stops every indicator from being blocked.
func coversAnyName(fresh, prev *Set) string {
	for _, sfx := range probeSuffixes {
		h := probeLabel + "." + sfx
		for _, c := range []struct {
			v    string
			hits func(*Set, string) []Hit
		}{
			{h, (*Set).Host},
			{probeLabel + "@" + h, (*Set).Email},
			{"https://" + probeLabel + "@" + h + "/" + probeLabel + "?" + probeLabel + "=" + probeLabel, (*Set).Substring},
		} {
			if len(c.hits(fresh, c.v)) > 0 && len(c.hits(prev, c.v)) == 0 {
				return c.v
			}
		}
	}
	return ""
}
