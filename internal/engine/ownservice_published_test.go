package engine

import (
	"os"
	"slices"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// TestOwnServiceCustomerPagesKeepTheClaim: the organisation's own
// authenticated mail naming "Microsoft 365" or "Google Workspace" is
// spared BRAND_DISPLAY_NAME only when its links lead to our domains or the
// brand's own pages; a compromised mailbox of ours whose link leads to a
// page the brand's customers publish (a SharePoint tenant, Microsoft
// Forms, an Azure blob, raw GitHub, OneDrive, a Google form, site, Drive
// file or Apps Script) keeps the claim, under both trusts (Brand.Published).
// review4 measured each accepted behind the MX at f70eeea (1.60 to 5.15).
func TestOwnServiceCustomerPagesKeepTheClaim(t *testing.T) {
	raw, err := os.ReadFile("testdata/ownservice/dsi-migration-messagerie-microsoft-365.eml")
	if err != nil {
		t.Fatal(err)
	}
	graw, err := os.ReadFile("testdata/ownservice/cse-documents-google-workspace.eml")
	if err != nil {
		t.Fatal(err)
	}
	mx := hospitalConfig(t)
	gmx := newScanner(t, atelierConfig(t))
	ev := newScanner(t, evalTrustConfig(t))
	for _, c := range []struct {
		name, from string
		g          bool
	}{
		{"sharepoint-tenant", "https://chuexemple-my.sharepoint.com/:f:/g/personal/migration", false},
		{"forms.office", "https://forms.office.com/r/Xb7KpQ2mZt", false},
		{"blob", "https://migration365.blob.core.windows.net/index.html", false},
		{"githubusercontent", "https://raw.githubusercontent.com/x/y/main/login.html", false},
		{"onedrive", "https://onedrive.live.com/redir?resid=ABC", false},
		{"gforms", "https://docs.google.com/forms/d/e/1FAIpQLSf/viewform", true},
		{"gsites", "https://sites.google.com/view/cse-documents", true},
		{"gdrive", "https://drive.google.com/file/d/1AbC/view", true},
		{"gscript", "https://script.google.com/macros/s/AKfy/exec", true},
	} {
		base, host, sc := raw, "https://intranet.chu-exemple.fr", mx
		if c.g {
			base, host, sc = graw, "https://intranet.atelier-exemple.fr", gmx
		}
		twin := strings.ReplaceAll(string(base), host, c.from)
		if twin == string(base) {
			t.Fatalf("%s: twin not written", c.name)
		}
		for _, s := range []*scan.Scanner{sc, ev} {
			v := s.Scan(t.Context(), []byte(twin), scan.Envelope{})
			t.Logf("%s: %s (%.2f) %s", c.name, v.Action, v.Score, weighted(v))
			if v.Action == scan.Accept || !slices.Contains(names(v), "BRAND_DISPLAY_NAME") {
				t.Errorf("%s: %s (%.2f) %s", c.name, v.Action, v.Score, weighted(v))
			}
		}
	}
}
