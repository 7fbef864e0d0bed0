package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAPITokens(t *testing.T) {
	file := filepath.Join(t.TempDir(), "admin.token")
	os.WriteFile(file, []byte("from-a-file-0123456789\n"), 0o600)
	for _, c := range []struct {
		yaml string
		want string // "name:scope:token" joined, or an error fragment
	}{
		{`["plain-token-0123456789"]`, "token1:scan:plain-token-0123456789"},
		{`[{name: siem, token: siem-token-0123456789, scope: read}, {token_file: ` + file + `, scope: admin}]`,
			"siem:read:siem-token-0123456789 token2:admin:from-a-file-0123456789"},
		{`[{token: short, scope: admin}]`, "at least 16"},
		{`[{token: long-enough-token-0001, scope: root}]`, "scope \"root\""},
		{`[{token: long-enough-token-0001, scop: admin}]`, "unknown token field"},
		{`[{token: long-enough-token-0001, token_file: ` + file + `}]`, "exclude each other"},
	} {
		cfg := Default()
		err := Parse([]byte("serve:\n  http:\n    tokens: "+c.yaml+"\n"), &cfg)
		var got []string
		if err == nil {
			toks, _ := cfg.Serve.HTTP.APITokens()
			for _, tk := range toks {
				got = append(got, tk.Name+":"+tk.Scope+":"+tk.Token)
			}
		}
		if s := strings.Join(got, " "); (err == nil && s != c.want) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: %q, %v; want %q", c.yaml, s, err, c.want)
		}
	}
}
