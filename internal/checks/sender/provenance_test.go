package sender

import (
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/urlx"
)

// Every free-mail domain says where it comes from: HubSpot's public list
// of free e-mail domains, its packaged copy's additions, the provider's own
// page saying anyone opens a free mailbox there, or an access provider's
// help pages giving each subscriber personal addresses (freemail.txt's
// header).
func TestFreemailEntriesHaveSources(t *testing.T) {
	sourcedAsLoaded(t, freemailList)
}

// sourcedAsLoaded returns each entry of a list file with its source
// (checktest.SourcedList), failing t on an entry the loader reads
// (urlx.ReadList) that sits under no source: the check reads the same
// entries the groups do.
func sourcedAsLoaded(t *testing.T, list []byte) map[string]string {
	t.Helper()
	sourced := checktest.SourcedList(t, list)
	loaded := urlx.ReadList(list)
	if len(sourced) != len(loaded) {
		t.Errorf("%d entries in source groups, %d loaded", len(sourced), len(loaded))
	}
	for e := range loaded {
		if sourced[e] == "" {
			t.Errorf("%s: loaded but under no source", e)
		}
	}
	return sourced
}

// Every web-server account says whose default it is.
func TestWebServerUsersHaveSources(t *testing.T) {
	for u, src := range webServerUsers {
		if len(src) < 10 {
			t.Errorf("%s: no source", u)
		}
	}
}

// A web application's credit link is its own site: the site of an
// application whose default template webAppTemplates reads, or WordPress's,
// which the plugins among them extend.
func TestWebAppCreditsAreTheApps(t *testing.T) {
	apps := map[string]bool{"WordPress": true}
	for _, w := range webAppTemplates {
		if !w.daemon {
			apps[w.app] = true
		}
	}
	for d, app := range webAppCredits {
		if !apps[app] {
			t.Errorf("%s: %q is no application of webAppTemplates", d, app)
		}
	}
}

// Every service-name word says which public alert shows it above a
// mailbox that is not the organisation's (service_names.txt's header),
// and every ordinary office is one of them.
func TestServiceNamesHaveSources(t *testing.T) {
	sourced := sourcedAsLoaded(t, serviceNameList)
	for w := range ordinaryOffices {
		if sourced[w] == "" {
			t.Errorf("ordinary office %q is not in service_names.txt", w)
		}
	}
}
