package links

import "testing"

// TestFreeHostedUser: the user's label on a free host is the one just
// below the platform's domain; any other host has none.
func TestFreeHostedUser(t *testing.T) {
	for host, want := range map[string]string{
		"chu-exemple.webflow.io":        "chu-exemple",
		"www.chuexemple.weebly.com":     "chuexemple",
		"webflow.io":                    "",
		"chuexemple.sharepoint.com":     "",
		"chu-exemple.my.salesforce.com": "",
	} {
		if got := FreeHostedUser(host); got != want {
			t.Errorf("FreeHostedUser(%q) = %q, want %q", host, got, want)
		}
	}
}
