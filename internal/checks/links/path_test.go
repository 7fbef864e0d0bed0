package links

import "testing"

// Path is what follows a target's authority when it starts with "/": the
// reading of the family's path rules and of AnyonesHost.
func TestPath(t *testing.T) {
	for raw, want := range map[string]string{
		"https://docs.google.com/forms/d/x?usp=sf": "/forms/d/x?usp=sf",
		"https://bit.ly":                           "",
		"https://bit.ly?u=/forms":                  "",
		"https://bit.ly#/forms":                    "",
		"http://192.0.2.7:8080/login":              "/login",
		"https://a.example/r?u=https://b.example/": "/r?u=https://b.example/",
		"www.example.fr/page":                      "/page",
		"":                                         "",
		"://":                                      "",
	} {
		if got := Path(raw); got != want {
			t.Errorf("Path(%q) = %q, want %q", raw, got, want)
		}
	}
}
