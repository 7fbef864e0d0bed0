package links

import "testing"

// AnyonesHost reads one link's host and path as the family's hosting
// signals read them: a shortener, a free host, a path of a shared
// service, an IP literal; not a portal's own host, nor another path of a
// service some of whose paths are anyone's.
func TestAnyonesHost(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		host, path string
		want       bool
	}{
		{"bit.ly", "/fa20261193", true},
		{"dubreuil-facture-view.pages.dev", "/", true},
		{"docs.google.com", "/forms/d/e/1FAIpQLSd/viewform", true},
		{"192.0.2.7", "/login", true},
		{"portail.chorus-pro.gouv.fr", "/", false},
		{"secure.digiposte.fr", "", false},
		{"docs.google.com", "/spreadsheets/d/1Qm4", false},
		{"maps.app.goo.gl", "/x", false},
	} {
		if got := c.AnyonesHost(tt.host, tt.path); got != tt.want {
			t.Errorf("AnyonesHost(%q, %q) = %v, want %v", tt.host, tt.path, got, tt.want)
		}
	}
}
