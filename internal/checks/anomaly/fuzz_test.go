package anomaly_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/checks/anomaly"
	"vigie.dev/vigie/internal/checks/checktest"
)

// FuzzCheck runs the family over arbitrary messages (the golden ones as
// seeds): header bytes of any kind, broken encoded-words, dates and
// Received times out of range must never crash it, and every detail it
// writes stays short.
func FuzzCheck(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.eml")
	for _, p := range files {
		if raw, err := os.ReadFile(p); err == nil {
			f.Add(raw)
		}
	}
	f.Add([]byte(received + "From: =?utf-8?B?=?= <\xff@a>\nSubject: =?x?B?\nDate: Fri, 31 Dec 9999 23:59:59 +9999\n\nx"))
	c := anomaly.New()
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, s := range checktest.Emitted(raw, c) {
			if len(s.Detail) > 4096 || strings.ContainsAny(s.Name, " \n") {
				t.Errorf("signal %q detail of %d bytes", s.Name, len(s.Detail))
			}
		}
	})
}
