package links

import "testing"

// AnyonesHost reads one link's host and target as the family's hosting
// signals read them: a shortener, a free host, a path of a shared
// service, an IP literal; not a portal's own host, nor another path of a
// service some of whose paths are anyone's.
func TestAnyonesHost(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		host, target string
		want         bool
	}{
		{"bit.ly", "https://bit.ly/fa20261193", true},
		{"dubreuil-facture-view.pages.dev", "https://dubreuil-facture-view.pages.dev/", true},
		{"docs.google.com", "https://docs.google.com/forms/d/e/1FAIpQLSd/viewform", true},
		{"192.0.2.7", "http://192.0.2.7/login", true},
		{"portail.chorus-pro.gouv.fr", "https://portail.chorus-pro.gouv.fr/", false},
		{"secure.digiposte.fr", "", false},
		{"docs.google.com", "https://docs.google.com/spreadsheets/d/1Qm4", false},
		{"maps.app.goo.gl", "https://maps.app.goo.gl/x", false},
		// The path rule is read on the path, not in a query.
		{"docs.google.com", "https://docs.google.com?u=/forms/d/e/1FAIpQLSd", false},
	} {
		if got := c.AnyonesHost(tt.host, tt.target); got != tt.want {
			t.Errorf("AnyonesHost(%q, %q) = %v, want %v", tt.host, tt.target, got, tt.want)
		}
	}
}
