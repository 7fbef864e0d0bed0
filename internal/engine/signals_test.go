package engine

import (
	"strings"
	"testing"

	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/scan"
)

// msg builds a message from header lines and a body; "\n" line ends are
// turned into CRLF as on the wire.
func msg(headers, body string) []byte {
	s := strings.TrimSpace(headers) + "\n\n" + body
	return []byte(strings.ReplaceAll(s, "\n", "\r\n"))
}

// defaultScanner is the scanner of the default configuration.
func defaultScanner(t *testing.T) *scan.Scanner {
	t.Helper()
	cfg := config.Default()
	cfg.Scan.Timeout = checktest.ScanTimeout // what is emitted, not how fast (gatewayConfig)
	s, err := New(&cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Every signal a check can emit is in the catalogue with both languages.
func TestCatalogueComplete(t *testing.T) {
	for _, d := range defaultScanner(t).Catalogue.All() {
		if d.FR == "" || d.EN == "" || d.FR == d.EN {
			t.Errorf("%s: explanations missing or untranslated", d.Name)
		}
	}
}
