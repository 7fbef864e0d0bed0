package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/postfixtest"
)

// `vigie serve` refuses to start with an object store it cannot use, and
// says why in French first, then in English: a prefix that would write at
// the bucket's root or outside a folder of its own (refused when the
// configuration is read, before anything is written), a store that does
// not answer.
func TestServeRefusesAnUnusableObjectStore(t *testing.T) {
	t.Setenv(config.SecretKeyEnv, "secret")
	down := fmt.Sprintf("http://127.0.0.1:%d", postfixtest.FreePort(t))
	for _, tt := range []struct {
		name, prefix string
		fr, en       string
	}{
		{"empty prefix", "", "racine du seau", "root of the bucket"},
		{"leading slash", "/held/", `écrivez "held/"`, `write "held/"`},
		{"dot dot", "held/../other/", "« .. »", `".."`},
		{"store not answering", "held/", "ne répond pas", "connection refused"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := fmt.Sprintf(`data_dir: %s
serve:
  milter: {enabled: false}
  relay: {enabled: false}
  http: {enabled: false}
  rbl: {enabled: false}
  quarantine:
    object_store: {endpoint: "%s", bucket: held, access_key: vigie, prefix: %q, timeout: 2s}
`, filepath.Join(dir, "data"), down, tt.prefix)
			path := filepath.Join(dir, "vigie.yaml")
			if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), []string{"serve", "--config", path, "--log-format", "text"}, &stdout, &stderr); code == 0 {
				t.Fatal("serve started")
			}
			var fr, en string
			for _, l := range strings.Split(stderr.String(), "\n") {
				switch {
				case strings.HasPrefix(l, "vigie serve : "):
					fr = l
				case strings.HasPrefix(l, "vigie serve: "):
					en = l
				}
			}
			if !strings.Contains(fr, tt.fr) || !strings.Contains(en, tt.en) {
				t.Errorf("French %q, want %q in it; English %q, want %q in it", fr, tt.fr, en, tt.en)
			}
			if i, j := strings.Index(stderr.String(), fr), strings.Index(stderr.String(), en); fr == "" || i > j {
				t.Errorf("the French line does not come first:\n%s", stderr.String())
			}
		})
	}
}
