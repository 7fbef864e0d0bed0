package links

import "testing"

// TestFreeHostedUser: the user's labels on a free host are the part of
// the host below the platform's domain; any other host has none.
func TestFreeHostedUser(t *testing.T) {
	for host, want := range map[string]string{
		"chu-exemple.webflow.io":        "chu-exemple",
		"www.chuexemple.weebly.com":     "www.chuexemple",
		"main.chu-exemple.pages.dev":    "main.chu-exemple",
		"chu-exemple.uc.r.appspot.com":  "chu-exemple.uc.r",
		"webflow.io":                    "",
		"chuexemple.sharepoint.com":     "",
		"chu-exemple.my.salesforce.com": "",
	} {
		if got := FreeHostedUser(host); got != want {
			t.Errorf("FreeHostedUser(%q) = %q, want %q", host, got, want)
		}
	}
}
