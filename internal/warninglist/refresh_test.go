package warninglist

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
)

// newerMicrosoft is MISP's microsoft list as embedded, in the shape of its
// next version: one entry added and the version raised (testdata/README.md).
const newerMicrosoft = "testdata/refresh/lists/microsoft/list.json"

// added is the entry newerMicrosoft adds: a name that reads as generated,
// so that the sender family's FROM_RANDOM_DOMAIN turns on it being a top
// site (internal/engine TestRefreshedWarningListReachesTheVerdict).
const added = "msftncsi.net"

// Refreshed takes a directory of newer MISP lists in either layout, and
// refuses, naming the file, what would do harm, keeping the embedded list.
func TestRefreshed(t *testing.T) {
	newer, err := os.ReadFile(newerMicrosoft)
	if err != nil {
		t.Fatal(err)
	}
	esp, err := embedded.ReadFile("data/" + ESPAssets + "/list.json")
	if err != nil {
		t.Fatal(err)
	}
	// write lays files out under a fresh directory.
	write := func(t *testing.T, files map[string]string) string {
		dir := t.TempDir()
		for name, body := range files {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	retyped := strings.Replace(string(newer), `"type": "string"`, `"type": "hostname"`, 1)
	emptied := `{"description": "x", "list": [], "matching_attributes": ["domain"], "name": "List of known microsoft domains", "type": "string", "version": 7}`
	suffix := strings.Replace(string(newer), `".msftncsi.net",`, `".msftncsi.net", ".fr",`, 1)
	ownListed := strings.Replace(string(newer), `".msftncsi.net",`, `".msftncsi.net", "chu-exemple.fr",`, 1)
	unknown := `{"description": "a list Vigie does not embed", "list": ["example.org"], "matching_attributes": ["domain"], "name": "n", "type": "string", "version": 1}`

	for _, tc := range []struct {
		name string
		dir  func(t *testing.T) string
		own  []string
		// want is the outcome by list: "taken", "skipped", or a part of
		// the refusal's reason.
		want map[string]string
		// newer says the refreshed microsoft list is the one in use.
		newer bool
		warn  []string // Outcome.Own of the microsoft list
	}{
		{name: "MISP repository checkout (lists/NAME/list.json)", dir: func(*testing.T) string { return "testdata/refresh" },
			want: map[string]string{"microsoft": "taken"}, newer: true},
		{name: "MISP lists directory (NAME/list.json, as ../shared/data/warninglists)", dir: func(*testing.T) string { return "testdata/refresh/lists" },
			want: map[string]string{"microsoft": "taken"}, newer: true},
		{name: "flat (NAME.json)", dir: func(t *testing.T) string { return write(t, map[string]string{"microsoft.json": string(newer)}) },
			want: map[string]string{"microsoft": "taken"}, newer: true},
		{name: "a list Vigie does not read is skipped", dir: func(t *testing.T) string {
			return write(t, map[string]string{"microsoft.json": string(newer), "some-new-list/list.json": unknown})
		}, want: map[string]string{"microsoft": "taken", "some-new-list": "skipped"}, newer: true},
		{name: "a truncated download is refused", dir: func(t *testing.T) string {
			return write(t, map[string]string{"microsoft/list.json": string(newer[:len(newer)/2])})
		}, want: map[string]string{"microsoft": "not a MISP warning list"}},
		{name: "an empty list is refused", dir: func(t *testing.T) string { return write(t, map[string]string{"microsoft.json": emptied}) },
			want: map[string]string{"microsoft": "no usable entry"}},
		{name: "another type is refused", dir: func(t *testing.T) string { return write(t, map[string]string{"microsoft.json": retyped}) },
			want: map[string]string{"microsoft": `type "hostname" where the embedded list is "string"`}},
		{name: "a public suffix is refused", dir: func(t *testing.T) string { return write(t, map[string]string{"microsoft.json": suffix}) },
			own: []string{"chu-exemple.fr"}, want: map[string]string{"microsoft": `public suffix ".fr"`}},
		{name: "the same list twice is refused", dir: func(t *testing.T) string {
			return write(t, map[string]string{"microsoft.json": string(newer), "microsoft/list.json": string(newer)})
		}, want: map[string]string{"microsoft": "twice"}},
		{name: "Vigie's own list is not replaced", dir: func(t *testing.T) string {
			return write(t, map[string]string{ESPAssets + ".json": strings.Replace(string(esp), "mcusercontent.com", "mcusercontent.example", 1)})
		}, want: map[string]string{ESPAssets: "Vigie's own list"}},
		{name: "a list newly naming the organisation is taken, and said", dir: func(t *testing.T) string {
			return write(t, map[string]string{"microsoft.json": ownListed})
		}, own: []string{"Chu-Exemple.fr", "example-hopital.fr"}, want: map[string]string{"microsoft": "taken"}, newer: true, warn: []string{"chu-exemple.fr"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Refreshed(tc.dir(t), tc.own, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, o := range s.Outcomes() {
				switch {
				case o.Err != nil:
					got[o.List] = o.Err.Error()
					if !strings.Contains(o.String(), o.File) || !strings.Contains(o.String(), "embedded "+o.List+" stays in use") {
						t.Errorf("a refusal does not name its file and what stays: %s", o)
					}
				case o.Skipped:
					got[o.List] = "skipped"
				default:
					got[o.List] = "taken"
					if o.List == "microsoft" && (o.Version != 6 || o.EmbeddedVersion != 5 || o.Entries != o.Embedded+1+len(tc.warn)) {
						t.Errorf("outcome %+v", o)
					}
					if o.List == "microsoft" && strings.Join(o.Own, ",") != strings.Join(tc.warn, ",") {
						t.Errorf("own domains newly covered = %v, want %v", o.Own, tc.warn)
					}
				}
			}
			if len(got) != len(tc.want) {
				t.Errorf("outcomes %v, want %v", got, tc.want)
			}
			for l, w := range tc.want {
				if !strings.Contains(got[l], w) {
					t.Errorf("%s: %q, want %q", l, got[l], w)
				}
			}
			// The verdict-relevant lookup: the added name is a top site
			// with the newer list only; the rest of the list, and every
			// other list, answer as embedded.
			if g := s.TopSite(added); g != tc.newer {
				t.Errorf("TopSite(%s) = %v, want %v", added, g, tc.newer)
			}
			for _, d := range []string{"azure.com", "google.com", "msftncsi.com"} {
				if !s.TopSite(d) {
					t.Errorf("TopSite(%s) lost", d)
				}
			}
			if !s.ESPAsset("mcusercontent.com") {
				t.Errorf("Vigie's own list lost")
			}
			if s.TopSite("chu-exemple.fr") != (len(tc.warn) > 0) || s.TopSite("exemple.fr") {
				t.Errorf("TopSite(chu-exemple.fr) = %v, TopSite(exemple.fr) = %v", s.TopSite("chu-exemple.fr"), s.TopSite("exemple.fr"))
			}
			if len(s.Lists()) != len(MustDefault().Lists()) {
				t.Errorf("%d lists, the embedded set has %d", len(s.Lists()), len(MustDefault().Lists()))
			}
		})
	}
	if MustDefault().TopSite(added) {
		t.Fatalf("%s is on the embedded lists already: pick another name", added)
	}
}

// A damaged or hostile download does not widen what the lists spare: a
// file far larger than the embedded list, or with far more entries, is
// refused before it is indexed; an entry that covers every name (a bare
// suffix in a list of strings, a substring of one letter or a dot, a
// pattern matching anything) or every address (0.0.0.0/0, ::/0) is
// refused, naming the file, and the embedded list stays in use. Entries
// that name nothing a lookup asks for ("*", ".", "") are inert.
func TestRefreshedRefusesWhatCoversEverything(t *testing.T) {
	// edit returns the embedded list name with its JSON entries edited
	// by f (given the entries, it returns the new ones).
	edit := func(t *testing.T, name string, f func([]string) []string) string {
		t.Helper()
		b, err := embedded.ReadFile("data/" + name + "/list.json")
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		var list []string
		for _, v := range m["list"].([]any) {
			list = append(list, v.(string))
		}
		m["list"] = f(list)
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	plus := func(extra ...string) func([]string) []string {
		return func(l []string) []string { return append(l, extra...) }
	}
	many := func(l []string) []string {
		for i := len(l); i <= minEntriesCap; i++ {
			l = append(l, fmt.Sprintf("h%d.example", i))
		}
		return l
	}
	for _, tc := range []struct {
		name, list string
		f          func([]string) []string
		want       string // part of the refusal, "" for taken
	}{
		{"a string list's bare suffix", "microsoft", plus(".com"), "public suffix"},
		{"a string list's leading-dot entry under a private suffix", "microsoft", plus(".co.uk"), "public suffix"},
		{"a suffix in a list that holds one already (google lists the TLD google)", "google", plus(".uk"), "covers"},
		{"a substring of one letter", "disposable-email", plus("e"), "covers"},
		{"a substring that is a dot", "disposable-email", plus("."), "covers"},
		{"a substring that is the at sign", "disposable-email", plus("@"), "covers"},
		{"a substring suffix", "microsoft-attack-simulator", plus(".com"), "public suffix"},
		{"a substring of a suffix", "microsoft-attack-simulator", plus("om/"), "covers"},
		{"a pattern matching any address", "common-contact-emails", plus("/.*/"), "covers"},
		{"a pattern matching any address, written plainly", "common-contact-emails", plus(".+@.+"), "covers"},
		{"every IPv4 address", "rfc1918", plus("0.0.0.0/0"), "0.0.0.0/0"},
		{"half of IPv4", "smtp-sending-ips", plus("128.0.0.0/1"), "128.0.0.0/1"},
		{"every IPv6 address", "public-dns-v6", plus("::/0"), "::/0"},
		{"a v6 network broader than a provider holds, in a list with none", "apple", plus("2000::/3"), "2000::/3"},
		{"as broad as the embedded list's broadest", "rfc5735", plus("240.0.0.0/4"), ""},
		{"a provider's /10 where the embedded list's broadest is /11", "amazon-aws", plus("3.0.0.0/10"), ""},
		{"more than growth times the entries", "microsoft", many, "entries, more than"},
		{"entries naming nothing", "tranco10k", plus("*", ".", "", "  ", "*.com"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, tc.list+".json"), []byte(edit(t, tc.list, tc.f)), 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := Refreshed(dir, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			o := s.Outcomes()[0]
			switch {
			case tc.want == "" && o.Err != nil:
				t.Fatalf("refused: %v", o.Err)
			case tc.want != "" && (o.Err == nil || !strings.Contains(o.String(), tc.want) || !strings.Contains(o.String(), filepath.Join(dir, tc.list+".json"))):
				t.Fatalf("outcome %q, want a refusal naming the file and %q", o, tc.want)
			}
			probe := probeLabel + ".com"
			if s.TopSite(probe) || len(s.Host(probe)) > 0 || len(s.Email("x@"+probe)) > 0 || len(s.Substring("https://"+probe+"/")) > 0 {
				t.Errorf("a made-up name is listed: %v", s.Host(probe))
			}
			if hits := s.Addr(netip.MustParseAddr("8.8.4.5")); len(hits) > 0 {
				t.Errorf("an address on no list is listed: %v", hits[0].Entry)
			}
		})
	}
}

// A file many times the embedded list's size is refused without being
// read: a sparse 2 GB file costs no memory.
func TestRefreshedRefusesAHugeFile(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "tranco10k.json")
	if err := os.WriteFile(f, []byte(`{"list": ["`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(f, 2<<30); err != nil {
		t.Skipf("no sparse file here: %v", err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s, err := Refreshed(dir, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if o := s.Outcomes()[0]; o.Err == nil || !strings.Contains(o.String(), "bytes or more, more than") || !strings.Contains(o.String(), f) {
		t.Fatalf("outcome %q", o)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 256<<20 {
		t.Errorf("refusing the file allocated %d MB", grown>>20)
	}
	if !s.TopSite("google.com") {
		t.Error("the embedded tranco10k is not in use")
	}
}

// A file that does not say its size (a pipe, a special file) is read up
// to the limit, not to its end.
func TestReadAtMostStopsAtTheLimit(t *testing.T) {
	big := strings.Repeat("x", minFileCap+10)
	_, err := readAtMost(fstest.MapFS{"rfc1918.json": {Data: []byte(big)}}, "rfc1918.json", "rfc1918")
	if err == nil || !strings.Contains(err.Error(), "more than") {
		t.Fatalf("err = %v", err)
	}
}

// Only a directory that cannot be read fails: the scanner is not built.
func TestRefreshedNeedsADirectory(t *testing.T) {
	for _, dir := range []string{filepath.Join(t.TempDir(), "missing"), newerMicrosoft} {
		if _, err := Refreshed(dir, nil, nil); err == nil {
			t.Errorf("%s: no error", dir)
		}
	}
}

// A nil set is the embedded one: a check or an input built without lists.
func TestNilSetIsTheEmbeddedOne(t *testing.T) {
	var s *Set
	if !s.TopSite("google.com") || !s.ESPAsset("mcusercontent.com") || len(s.Lists()) != len(MustDefault().Lists()) || s.Outcomes() != nil {
		t.Error("a nil set does not answer as the embedded lists")
	}
}

// Whatever a file of the directory holds, Refreshed neither fails nor
// panics, and a made-up name or address stays on no list.
func FuzzRefreshedFile(f *testing.F) {
	newer, err := os.ReadFile(newerMicrosoft)
	if err != nil {
		f.Fatal(err)
	}
	f.Add("microsoft", newer)
	f.Add("rfc1918", []byte(`{"type": "cidr", "list": ["0.0.0.0/0", "::/0", "10.0.0.0/8"], "matching_attributes": ["ip-src"]}`))
	f.Add("disposable-email", []byte(`{"type": "substring", "list": ["e", "", "."], "matching_attributes": ["email-src"]}`))
	f.Add("common-contact-emails", []byte(`{"type": "regex", "list": ["/.*/i", "/(/"], "matching_attributes": ["email-src"]}`))
	f.Fuzz(func(t *testing.T, list string, b []byte) {
		if _, err := embedded.ReadFile("data/" + list + "/list.json"); err != nil || list == ESPAssets {
			t.Skip()
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, list+".json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Refreshed(dir, []string{"chu-exemple.fr"}, func(h string) string {
			if strings.Contains(h, "paypa") {
				return "PayPal"
			}
			return ""
		})
		if err != nil {
			t.Fatal(err)
		}
		probe := probeLabel + ".com"
		if len(s.Host(probe)) > 0 || len(s.Email("x@"+probe)) > 0 || len(s.Substring("https://"+probe+"/")) > 0 {
			t.Errorf("a made-up name is listed: %v", s.Outcomes())
		}
		if len(s.Addr(netip.MustParseAddr("8.8.4.5"))) > 0 || len(s.Addr(netip.MustParseAddr("2a01:e0a:1:2::3"))) > 0 {
			t.Errorf("an address on no list is listed: %v", s.Outcomes())
		}
	})
}
