package links

import (
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/warninglist"
)

const shared = "../../../../shared"

// Every host-list entry has a public source: a MISP warning list of shared
// infrastructure (URL shorteners, dynamic DNS, link-in-bio…), CERT Santé's
// rspamd maps (freehosting.map, fishy_tlds.map), or phishing pages seen on
// it in the OpenPhish feed of ../shared/corpus/feeds (for a TLD entry,
// phishing domains under it). An entry with none of these is a guess.
func TestHostingEntriesHaveEvidence(t *testing.T) {
	feed, err := os.ReadFile(shared + "/corpus/feeds/phishing-domains.txt")
	if err != nil {
		t.Skip("../shared is not beside the repository (see README: tests run from a worktree beside ../shared)")
	}
	urls, _ := os.ReadFile(shared + "/corpus/feeds/phishing-urls-2025.txt")
	maps := ""
	for _, f := range []string{"freehosting.map", "fishy_tlds.map"} {
		b, _ := os.ReadFile(shared + "/playbooks/mx_sec_conf/rspamd-maps/" + f)
		maps += "\n" + string(b)
	}
	seen := map[string]bool{} // hosts of the feeds and every parent
	for _, l := range strings.Split(string(feed)+"\n"+string(urls), "\n") {
		h := strings.TrimSpace(l)
		if i := strings.Index(h, "://"); i >= 0 {
			h = h[i+3:]
		}
		h = strings.ToLower(strings.SplitN(strings.SplitN(h, "/", 2)[0], ":", 2)[0])
		for h != "" {
			seen[h] = true
			i := strings.IndexByte(h, '.')
			if i < 0 {
				break
			}
			h = h[i+1:]
		}
	}
	// Links of the training part's phishing messages count as evidence too.
	lim := message.DefaultLimits()
	linked := map[string]bool{} // host and host+path prefixes of 3 segments
	for _, raw := range checktest.TrainingPhish(t) {
		for _, u := range message.Parse(raw, lim).URLs {
			h := strings.ToLower(u.Host)
			for h != "" {
				linked[h] = true
				i := strings.IndexByte(h, '.')
				if i < 0 {
					break
				}
				h = h[i+1:]
			}
			if rest := strings.SplitN(strings.SplitN(u.Raw, "://", 2)[len(strings.SplitN(u.Raw, "://", 2))-1], "?", 2)[0]; strings.Contains(rest, "/") {
				linked[strings.ToLower(rest)] = true
			}
		}
	}
	var lists map[string][]string
	if err := yaml.Unmarshal(defaultHosting, &lists); err != nil {
		t.Fatal(err)
	}
	wl := warninglist.MustDefault()
	for cat, entries := range lists {
		for _, e := range entries {
			host := strings.ToLower(strings.TrimPrefix(strings.SplitN(e, "/", 2)[0], "."))
			switch {
			case onShared(wl, host):
			case strings.Contains(maps, host):
			case seen[host], linked[host], strings.Contains(e, "/") && anyPrefix(linked, strings.ToLower(e)):
			default:
				t.Errorf("%s %s: on no public list and in no phishing feed", cat, e)
			}
		}
	}
}

// onShared reports host (or a parent) on a warning list whose role is
// Shared: the lists of infrastructure many parties use.
func onShared(wl *warninglist.Set, host string) bool {
	for _, h := range wl.Host(host) {
		if h.List.Role == warninglist.Shared {
			return true
		}
	}
	return false
}

func anyPrefix(set map[string]bool, prefix string) bool {
	for k := range set {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}
