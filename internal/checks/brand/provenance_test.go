package brand

import (
	"strings"
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
)

// Every brand of the catalogue is exercised: a golden message (of any
// check family) or a phishing message of the training part raises a brand
// signal naming it. A brand nobody imitates in any of them is an entry
// without evidence.
func TestBrandEntriesAreExercised(t *testing.T) {
	c, err := New(goldenOptions)
	if err != nil {
		t.Fatal(err)
	}
	raws := checktest.TrainingPhish(t)
	for _, raw := range checktest.AllGolden(t) {
		raws = append(raws, raw)
	}
	named := map[string]bool{} // the details of the signals naming a brand
	for _, raw := range raws {
		for _, sig := range checktest.Emitted(raw, c) {
			if strings.Contains(sig.Name, "BRAND") || strings.Contains(sig.Name, "LOOKALIKE") || strings.Contains(sig.Name, "HOMOGLYPH") || strings.HasPrefix(sig.Name, "INSTITUTION") {
				named[sig.Detail] = true
			}
		}
	}
	for _, b := range c.brands {
		found := false
		for d := range named {
			if strings.HasPrefix(d, b.Name+" <") || strings.HasSuffix(d, "~ "+b.Name) || d == b.Name {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("brand %q: no golden message and no training phishing message exercises it", b.Name)
		}
	}
}
