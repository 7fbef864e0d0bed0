package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/ioc"
	"vigie.dev/vigie/internal/store/storetest"
)

// vigie runs the CLI in-process and returns its exit code and output.
func vigie(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestIOCCommands(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			dir := t.TempDir()
			st := "--store=" + b.DSN
			must := func(args ...string) string {
				t.Helper()
				code, out, errs := vigie(t, append(args, st)...)
				if code != 0 {
					t.Fatalf("vigie %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
				}
				return out
			}
			out := must("ioc", "add", "Evil.Example", "--mode", "watch", "--reason", "lookalike", "--by", "alice")
			if !strings.Contains(out, "ajouté #1 domain evil.example (watch, sans expiration)") {
				t.Errorf("add: %q", out)
			}
			out = must("ioc", "add", "192.0.2.7", "--ttl", "7d", "--source", "incident:12", "--lang", "en")
			if !strings.Contains(out, "ip 192.0.2.7 (block, expires") {
				t.Errorf("add with ttl: %q", out)
			}
			if code, _, errs := vigie(t, "ioc", "add", "192.0.2.8", "--mode", "maybe", st); code != 2 || !strings.Contains(errs, "unknown mode") {
				t.Errorf("bad mode: exit %d %q", code, errs)
			}
			if code, _, _ := vigie(t, "ioc", "add", "not a value", st); code != 1 {
				t.Errorf("bad value: exit %d", code)
			}

			feed := filepath.Join(dir, "feed.txt")
			os.WriteFile(feed, []byte("# test feed\nphish-one.example\n198.51.100.0/24 ; SBL1\nnot valid\nhttps://phish-two.example/login\n"), 0o644)
			code, out, errs := vigie(t, "ioc", "import", "--format", "plain", "--mode", "watch", "--ttl", "2d", "--source", "feed:test", "--lang", "en", feed, st)
			// One malformed line: reported with its number, the rest
			// imported, and the exit status says the import was partial.
			if code != 1 || !strings.Contains(out, "3 indicators imported, 1 malformed lines, 0 refused") ||
				!strings.Contains(errs, feed+":4:") || !strings.Contains(errs, "imported in part") {
				t.Errorf("import: exit %d\n%s%s", code, out, errs)
			}

			out = must("ioc", "list")
			for _, want := range []string{"evil.example", "192.0.2.7", "phish-one.example", "198.51.100.0/24", "https://phish-two.example/login", "feed:test", "lookalike"} {
				if !strings.Contains(out, want) {
					t.Errorf("list lacks %q:\n%s", want, out)
				}
			}
			out = must("ioc", "list", "--kind", "ip", "--json")
			var list []ioc.Indicator
			if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 2 {
				t.Fatalf("list --json: %v\n%s", err, out)
			}

			out = must("ioc", "show", "evil.example")
			if !strings.Contains(out, "added by:      alice") || !strings.Contains(out, "status:        active") {
				t.Errorf("show by value:\n%s", out)
			}
			must("ioc", "rm", "1", "--by", "bob")
			if out := must("ioc", "list"); strings.Contains(out, "evil.example") {
				t.Errorf("removed indicator still listed:\n%s", out)
			}
			out = must("ioc", "list", "--all")
			if !strings.Contains(out, "evil.example") || !strings.Contains(out, "removed") {
				t.Errorf("list --all lacks the removed indicator:\n%s", out)
			}
			out = must("ioc", "show", "#1")
			if !strings.Contains(out, "bob") {
				t.Errorf("show removed:\n%s", out)
			}

			// Watch entries are published with the watch code, which DNSBL
			// consumers never reject on.
			out = must("ioc", "export", "--format", "rbldnsd-ip")
			if !strings.Contains(out, "\n192.0.2.7\n") || !strings.Contains(out, "\n198.51.100.0/24 :127.0.0.3:SBL1\n") {
				t.Errorf("rbldnsd-ip export:\n%s", out)
			}
			zone := filepath.Join(dir, "dns.zone")
			must("ioc", "export", "--format", "rbldnsd-dns", "--mode", "watch", "-o", zone)
			if b, _ := os.ReadFile(zone); !strings.Contains(string(b), "\n.phish-one.example :127.0.0.3:Listed by Vigie: $\n") {
				t.Errorf("rbldnsd-dns export:\n%s", b)
			}
			csvOut := must("ioc", "export", "--format", "csv", "--all")
			if !strings.HasPrefix(csvOut, "value,kind,mode,expires,reason") || strings.Count(csvOut, "\n") != 6 {
				t.Errorf("csv export:\n%s", csvOut)
			}
			// The CSV export imports into a fresh store.
			csvFile := filepath.Join(dir, "all.csv")
			os.WriteFile(csvFile, []byte(csvOut), 0o644)
			fresh := "--store=sqlite:" + filepath.Join(dir, "fresh", "v.db")
			if code, out, errs := vigie(t, "ioc", "import", "--format", "csv", csvFile, fresh); code != 0 || !strings.Contains(out, "5 indicateurs importés") {
				t.Errorf("csv re-import: %d %s %s", code, out, errs)
			}
		})
	}
}

func TestParseTTL(t *testing.T) {
	for in, want := range map[string]string{"": "0s", "never": "-1ns", "90m": "1h30m0s", "7d": "168h0m0s", "2w": "336h0m0s", "1.5d": "36h0m0s"} {
		d, err := parseTTL(in)
		if err != nil || d.String() != want {
			t.Errorf("parseTTL(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
	for _, bad := range []string{"x", "-3d", "0d", "5y"} {
		if d, err := parseTTL(bad); err == nil {
			t.Errorf("parseTTL(%q) = %v, want error", bad, d)
		}
	}
}
