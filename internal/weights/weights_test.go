package weights

import (
	"fmt"
	"strings"
	"testing"
)

// synthetic builds a corpus where LURE is a good phishing signal, NOISE
// fires on legitimate mail more than on phishing, TRUST marks legitimate
// mail, RARE fires on two messages and INFO on everything.
func synthetic() ([]Example, map[string]float64) {
	var ex []Example
	for i := range 200 {
		s := []string{"INFO"}
		if i%10 != 0 {
			s = append(s, "LURE", "AUTH")
		}
		if i%7 == 0 {
			s = append(s, "NOISE")
		}
		if i < 2 {
			s = append(s, "RARE")
		}
		ex = append(ex, Example{Signals: s, Phish: true, Source: "phish"})
	}
	for i := range 300 {
		s := []string{"INFO"}
		if i%3 == 0 {
			s = append(s, "NOISE")
		}
		if i%2 == 0 {
			s = append(s, "TRUST")
		}
		if i%50 == 0 {
			s = append(s, "AUTH")
		}
		src := "list"
		if i%5 == 0 {
			src = "news"
		}
		ex = append(ex, Example{Signals: s, Source: src})
	}
	prior := map[string]float64{"LURE": 3, "AUTH": 2, "NOISE": 2, "RARE": 4, "INFO": 0, "TRUST": -0.5}
	return ex, prior
}

func TestFitKeepsSafeguards(t *testing.T) {
	ex, prior := synthetic()
	res, err := Fit(ex, prior, Options{Trust: []string{"TRUST"}})
	if err != nil {
		t.Fatal(err)
	}
	w := res.Weights
	if w["INFO"] != 0 {
		t.Errorf("informational signal fitted to %g", w["INFO"])
	}
	if w["NOISE"] < 0 || w["NOISE"] >= prior["NOISE"] {
		t.Errorf("NOISE, commoner in legitimate mail, should drop towards 0 but not below: %g", w["NOISE"])
	}
	if w["TRUST"] > 0 {
		t.Errorf("trust signal went positive: %g", w["TRUST"])
	}
	if d := w["RARE"] - prior["RARE"]; d < -1 || d > 1 {
		t.Errorf("a signal seen twice should keep about its expert weight, got %g", w["RARE"])
	}
	for n, v := range w {
		if v > 8 {
			t.Errorf("%s above the cap: %g", n, v)
		}
	}
	if res.Tag <= 0 || res.Quarantine < res.Tag+1 || res.Reject < res.Quarantine {
		t.Errorf("thresholds %g/%g/%g: quarantine must be at least a point above tag", res.Tag, res.Quarantine, res.Reject)
	}
	if res.CV.WorstFlagged > 1 || res.CV.Detected < 80 {
		t.Errorf("cross-validated figures %+v", res.CV)
	}
}

// A negative expert weight that is not on the reviewed trust list is not
// fitted below zero.
func TestUnreviewedNegativeStaysNonNegative(t *testing.T) {
	ex, prior := synthetic()
	res, err := Fit(ex, prior, Options{Trust: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Weights["TRUST"] != 0 {
		t.Errorf("TRUST = %g, want 0 when not on the trust list", res.Weights["TRUST"])
	}
}

func TestFitNeedsBothClasses(t *testing.T) {
	if _, err := Fit([]Example{{Signals: []string{"A"}, Phish: true, Source: "p"}}, map[string]float64{"A": 1}, Options{}); err == nil {
		t.Error("fit with one class accepted")
	}
	if _, err := Fit(nil, nil, Options{}); err == nil {
		t.Error("fit with nothing accepted")
	}
}

// One source a hundred times bigger does not decide the fit alone.
func TestSourcesCountEqually(t *testing.T) {
	ex, prior := synthetic()
	base, _ := Fit(ex, prior, Options{Trust: []string{"TRUST"}})
	var big []Example
	for _, e := range ex {
		big = append(big, e)
		if e.Source == "list" {
			for range 20 {
				big = append(big, e)
			}
		}
	}
	grown, _ := Fit(big, prior, Options{Trust: []string{"TRUST"}})
	for n, w := range base.Weights {
		if d := grown.Weights[n] - w; d > 0.5 || d < -0.5 {
			t.Errorf("%s moved from %g to %g when one source grew", n, w, grown.Weights[n])
		}
	}
}

func TestParse(t *testing.T) {
	if _, err := Embedded(); err != nil {
		t.Fatalf("embedded model: %v", err)
	}
	for in, want := range map[string]string{
		"version: 1\nthresholds: {tag: 9, quarantine: 5, reject: 15}\n": "thresholds",
		"version: 2\nthresholds: {tag: 5, quarantine: 7}\n":             "version",
		"\x00\x01garbage: [": "weights:",
		"version: 1\nthresholds: {tag: 5, quarantine: 7, reject: 15}\nweights: {A: .nan}\n": "not a number",
	} {
		_, err := Parse([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want %q", in, err, want)
		}
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	m := &Model{Version: 1, Thresholds: Thresholds{Tag: 5, Quarantine: 7, Reject: 15}, Weights: map[string]float64{"A": 1.5}}
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(b)
	if err != nil || back.Weights["A"] != 1.5 || back.Thresholds != m.Thresholds {
		t.Errorf("round trip: %+v, %v\n%s", back, err, b)
	}
	if got := back.Score([]string{"A", "B"}, func(string) float64 { return 2 }); got != 3.5 {
		t.Errorf("Score = %g", got)
	}
}

func ExampleMeasure() {
	ex := []Example{{Phish: true, Source: "phish"}, {Phish: true, Source: "phish"}, {Source: "list"}, {Source: "news"}}
	f := Measure([]float64{9, 4, 1, 6}, ex, 5, 8)
	fmt.Println(f.Detected, f.Quarantined, f.HamFlagged, f.Worst, f.WorstFlagged)
	// Output: 50 50 50 news 100
}

// A model file is data an admin may point to: garbage gives an error,
// never a panic, and whatever parses is usable.
func FuzzParse(f *testing.F) {
	f.Add(embedded)
	f.Add([]byte("version: 1\nthresholds: {tag: 5, quarantine: 7, reject: 15}\nweights: {A: 1}\n"))
	f.Add([]byte("version: 1\nthresholds: {tag: -1}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Parse(b)
		if err != nil {
			return
		}
		if m.Thresholds.Tag <= 0 || m.Thresholds.Quarantine < m.Thresholds.Tag {
			t.Fatalf("accepted thresholds %+v", m.Thresholds)
		}
		_ = m.Score([]string{"A"}, nil)
	})
}

// A signal on the no-raise list may fall but never rise above its expert
// weight, however strongly the corpus favours it.
func TestNoRaise(t *testing.T) {
	ex, prior := synthetic()
	free, _ := Fit(ex, prior, Options{Trust: []string{"TRUST"}})
	held, _ := Fit(ex, prior, Options{Trust: []string{"TRUST"}, NoRaise: []string{"LURE"}})
	if free.Weights["LURE"] <= prior["LURE"] {
		t.Fatalf("LURE should rise when free: %g", free.Weights["LURE"])
	}
	if held.Weights["LURE"] > prior["LURE"] {
		t.Errorf("LURE rose to %g on the no-raise list", held.Weights["LURE"])
	}
}

func TestTagFloor(t *testing.T) {
	for _, c := range []struct {
		name       string
		b, h, want float64
	}{
		{"boundary plus one weak signal, up to the grid", 3.13, 1, 4.5},
		{"on the grid already", 3.5, 1, 4.5},
		{"just above the grid", 3.51, 1, 5},
		{"half a signal", 3.32, 0.5, 4},
		{"negative headroom: the rate decides alone", 3.32, -1, 1},
		{"a boundary below zero keeps the floor of 1", -2, 1, 1},
	} {
		if got := tagFloor(c.b, c.h); got != c.want {
			t.Errorf("%s: tagFloor(%g, %g) = %g, want %g", c.name, c.b, c.h, got, c.want)
		}
	}
}

// cleanCorpus has legitimate mail that raises nothing but a weak signal
// in one message of each source, and phishing that raises a strong lure, a weak
// one, or both: the false-positive rate alone would tag at 1, under the
// fit's own boundary.
func cleanCorpus() ([]Example, map[string]float64) {
	var ex []Example
	for i := range 200 {
		s := []string{"WEAK"}
		switch i % 4 {
		case 0:
			s = []string{"LURE"}
		case 1:
			s = append(s, "LURE")
		}
		ex = append(ex, Example{Signals: s, Phish: true, Source: "phish"})
	}
	for i := range 300 {
		var s []string
		if i < 2 {
			s = []string{"WEAK"} // one in each source: the slack allows it
		}
		ex = append(ex, Example{Signals: s, Source: []string{"list", "personal"}[i%2]})
	}
	return ex, map[string]float64{"LURE": 3, "WEAK": 1}
}

// The tag threshold stays a headroom above the fit's decision boundary,
// whatever the false-positive rate alone allows; quarantine keeps its band
// above tag.
func TestHeadroomAboveBoundary(t *testing.T) {
	ex, prior := cleanCorpus()
	for _, c := range []struct {
		headroom float64
		floored  bool
	}{{-1, false}, {0, true}, {0.5, true}, {1, true}, {2, true}} {
		res, err := Fit(ex, prior, Options{Headroom: c.headroom})
		if err != nil {
			t.Fatal(err)
		}
		h := c.headroom
		if h == 0 {
			h = 1 // the default
		}
		if res.Boundary <= 1 {
			t.Fatalf("headroom %g: boundary %g, the corpus should put it above 1", c.headroom, res.Boundary)
		}
		switch {
		case c.floored && res.Tag < res.Boundary+h-0.01:
			t.Errorf("headroom %g: tag %g under boundary %g + %g", c.headroom, res.Tag, res.Boundary, h)
		case c.floored && res.Tag >= res.Boundary+h+0.5:
			t.Errorf("headroom %g: tag %g more than the grid above boundary %g + %g", c.headroom, res.Tag, res.Boundary, h)
		case !c.floored && res.Tag >= res.Boundary:
			t.Errorf("no headroom: tag %g, the rate alone should allow a tag under the boundary %g", res.Tag, res.Boundary)
		}
		t.Logf("headroom %g: boundary %g, thresholds %g / %g", c.headroom, res.Boundary, res.Tag, res.Quarantine)
		if res.Quarantine < res.Tag+1 {
			t.Errorf("headroom %g: quarantine %g less than a point above tag %g", c.headroom, res.Quarantine, res.Tag)
		}
	}
}
