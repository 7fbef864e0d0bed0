package attach

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const mxSecConf = "../../../../shared/playbooks/mx_sec_conf/rspamd-maps/mime_types.conf"

// Every extension has a described source, and those said to come from
// CERT Santé's maps are in them (bad_extensions or archive_extensions).
func TestExtensionsHaveSources(t *testing.T) {
	var raw map[string]map[string][]string
	var file struct {
		Sources map[string]string `yaml:"sources"`
	}
	if err := yaml.Unmarshal(extensionsYAML, &file); err != nil {
		t.Fatal(err)
	}
	all := map[string]any{}
	yaml.Unmarshal(extensionsYAML, &all)
	raw = map[string]map[string][]string{}
	for _, kind := range extensionKinds {
		b, _ := yaml.Marshal(all[kind])
		var bySource map[string][]string
		if err := yaml.Unmarshal(b, &bySource); err != nil {
			t.Fatal(err)
		}
		raw[kind] = bySource
	}
	conf, err := os.ReadFile(mxSecConf)
	if err != nil {
		t.Skip("../shared is not beside the repository (see README: tests run from a worktree beside ../shared)")
	}
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s*([a-z0-9-]+)\s*=\s*\d+`).FindAllStringSubmatch(string(conf), -1) {
		listed[m[1]] = true
	}
	for kind, bySource := range raw {
		for src, exts := range bySource {
			if file.Sources[src] == "" {
				t.Errorf("%s: source %q undescribed", kind, src)
			}
			for _, e := range exts {
				if src == "mx_sec_conf" && !listed[e] {
					t.Errorf("%s %q: not in %s", kind, e, mxSecConf)
				}
				if e != strings.ToLower(e) || strings.HasPrefix(e, ".") {
					t.Errorf("%s %q: write extensions lower-case without the dot", kind, e)
				}
			}
		}
	}
}

func TestParseExtensions(t *testing.T) {
	if _, _, err := parseExtensions([]byte("sources: {a: b}\nexecutable: {c: [exe]}\n")); err == nil || !strings.Contains(err.Error(), "not described") {
		t.Errorf("undescribed source: %v", err)
	}
	if _, _, err := parseExtensions([]byte("sources: {a: b}\nexecutable: {a: [exe]}\n")); err == nil || !strings.Contains(err.Error(), "no list") {
		t.Errorf("missing list: %v", err)
	}
	if _, _, err := parseExtensions([]byte("executable: [exe]\n")); err == nil {
		t.Error("no sources accepted")
	}
}

func FuzzParseExtensions(f *testing.F) {
	f.Add(extensionsYAML)
	f.Add([]byte("sources: {a: b}\nexecutable: {a: [exe]}\n"))
	f.Add([]byte("sources: [x]\nscript: 3\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		lists, _, err := parseExtensions(b)
		if err == nil && len(lists) != len(extensionKinds) {
			t.Fatalf("%d lists without an error", len(lists))
		}
	})
}
