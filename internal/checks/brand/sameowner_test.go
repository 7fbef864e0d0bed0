package brand

import "testing"

// TestSameOwner: two domains one brand lists as its own, each as listed,
// are one owner (the DGFiP's site and its sending domain); a domain of
// another brand, a host below a listed domain and a look-alike are not.
func TestSameOwner(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"impots.gouv.fr", "dgfip.finances.gouv.fr", true},
		{"IMPOTS.GOUV.FR", "dgfip.finances.gouv.fr", true},
		{"impots.gouv.fr", "ameli.fr", false},
		{"impots.gouv.fr", "dgfip-finances-gouv.fr", false},
		{"impots.gouv.fr", "espace.dgfip.finances.gouv.fr", false},
		{"impots.gouv.fr", "", false},
	} {
		if got := c.SameOwner(tt.a, tt.b); got != tt.want {
			t.Errorf("SameOwner(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
