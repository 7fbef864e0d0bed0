package testenv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Unavailable stops a test whose real peer (Postfix, Dovecot, Chromium,
// PostgreSQL…) cannot run here: it skips the test on a developer's
// machine, and fails it under CI=true, where scripts/test.sh has installed
// every peer and a skip would hide a broken installation.
func Unavailable(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// RequireFiles stops the test (see Unavailable) when a program or module
// it runs is missing, or when it needs root (whyRoot says why; "" when it
// does not): "<who> needs <what is missing>: run scripts/install-test-deps.sh as root".
func RequireFiles(t testing.TB, who, whyRoot string, paths ...string) {
	t.Helper()
	var missing []string
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			missing = append(missing, filepath.Base(p))
		}
	}
	if whyRoot != "" && os.Geteuid() != 0 {
		missing = append(missing, whyRoot)
	}
	if len(missing) > 0 {
		Unavailable(t, who+" needs "+strings.Join(missing, ", ")+": run scripts/install-test-deps.sh as root")
	}
}
