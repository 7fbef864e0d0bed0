package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/store/storetest"
)

// Issue 14, point 3: imports hide no failure. A broken CSV quote costs its
// own line, not every following row; a binary file is refused before
// anything is stored; 999.1.1.1 and 1.2.3 are not names; the exit status
// says the import was partial. Point 5: an rbldnsd zone keeps its
// exclusions, codes and '$' templates through import and export.
func TestImportsSayWhatHappened(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			dir := t.TempDir()
			st := "--store=" + b.DSN
			write := func(name, body string) string {
				p := filepath.Join(dir, name)
				os.WriteFile(p, []byte(body), 0o644)
				return p
			}
			csv := write("feed.csv", "value,kind,reason\n"+
				"evil-one.example,domain,ok\n"+
				"\"broken-quote.example,domain,the quote never closes\n"+
				"evil-two.example,domain,still read\n"+
				"\"evil, three.example\",domain,bad name\n"+
				"evil-four.example,domain,\"quoted, with comma\"\n")
			code, out, errs := vigie(t, "ioc", "import", "--format", "csv", "--lang", "en", csv, st)
			if code != 1 || !strings.Contains(out, "3 indicators imported, 2 malformed lines") ||
				!strings.Contains(errs, csv+":3:") || !strings.Contains(errs, csv+":5:") {
				t.Errorf("csv with a broken quote: exit %d\n%s%s", code, out, errs)
			}
			bin := write("feed.bin", "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03evil.example\x00\x00")
			code, out, errs = vigie(t, "ioc", "import", bin, st)
			if code != 1 || !strings.Contains(errs, "not a text file") || strings.Contains(out, "importés") {
				t.Errorf("binary feed: exit %d\n%s%s", code, out, errs)
			}
			plain := write("feed.txt", "999.1.1.1\n1.2.3\nreal-phish.example\n")
			code, _, errs = vigie(t, "ioc", "import", plain, st)
			if code != 1 || !strings.Contains(errs, plain+":1:") || !strings.Contains(errs, plain+":2:") {
				t.Errorf("numeric names: exit %d\n%s", code, errs)
			}
			if code, out, _ := vigie(t, "ioc", "show", "1.2.3", st); code == 0 {
				t.Errorf("1.2.3 stored: %s", out)
			}

			zone := write("dbl.dnset", "$TTL 300\n:127.0.0.2:Phishing, see https://rbl.example/q?$\n"+
				".phish-kit.example\n"+
				"!partner.phish-kit.example\n"+
				"spam-only.example :127.0.0.5:Spam source $\n"+
				"watched.example :127.0.0.3:watch only\n")
			code, out, errs = vigie(t, "ioc", "import", "--format", "rbldnsd", "--source", "feed:dbl", zone, st)
			if code != 0 {
				t.Fatalf("zone import: exit %d\n%s%s", code, out, errs)
			}
			code, exp, errs := vigie(t, "ioc", "export", "--format", "rbldnsd-dns", "--source", "feed:dbl", st)
			if code != 0 {
				t.Fatalf("zone export: exit %d\n%s", code, errs)
			}
			for _, want := range []string{"\n.phish-kit.example :127.0.0.2:Phishing, see https://rbl.example/q?$\n",
				"\n!partner.phish-kit.example\n", "\nspam-only.example :127.0.0.5:Spam source $\n",
				"\nwatched.example :127.0.0.3:watch only\n"} {
				if !strings.Contains(exp, want) {
					t.Errorf("zone export lacks %q:\n%s%s", want, exp, errs)
				}
			}
		})
	}
}

// Issue 14, point 4: `ioc export --format json --all` then `ioc import
// --format json` into another store is a backup and a restore: the removed
// indicator stays removed, who/why/when come back, and `ioc rm` takes a
// value.
func TestJSONBackupThroughTheCLI(t *testing.T) {
	dir := t.TempDir()
	from := "--store=sqlite:" + filepath.Join(dir, "a.db")
	to := "--store=sqlite:" + filepath.Join(dir, "b.db")
	run := func(want int, args ...string) string {
		t.Helper()
		code, out, errs := vigie(t, args...)
		if code != want {
			t.Fatalf("vigie %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
		}
		return out + errs
	}
	run(0, "ioc", "add", "phish-kit.example", "--reason", "kit", "--by", "alice", "--tags", "chorus,kit", "--tlp", "amber",
		"--confidence", "70", "--mode", "watch", from)
	run(0, "ioc", "add", "phish-kit.example", "--reason", "confirmé", "--by", "bob", "--source", "incident:3", from) // watch → block
	run(0, "ioc", "add", "198.51.100.23", "--by", "alice", from)
	run(0, "ioc", "rm", "198.51.100.23", "--by", "carol", from)
	backup := filepath.Join(dir, "backup.json")
	run(0, "ioc", "export", "--format", "json", "--all", "-o", backup, from)
	out := run(0, "ioc", "import", "--format", "json", backup, "--lang", "en", to)
	if !strings.Contains(out, "1 indicators imported") || !strings.Contains(out, "1 removed ones restored") {
		t.Errorf("restore: %s", out)
	}
	run(0, "ioc", "import", "--format", "json", backup, to) // twice: nothing doubles
	show := run(0, "ioc", "show", "phish-kit.example", to)
	for _, want := range []string{"mode:          block", "source:        incident:3", "reason:        confirmé", "added by:      bob",
		"tags:          chorus, kit", "confidence:    70", "tlp:           amber"} {
		if !strings.Contains(show, want) {
			t.Errorf("restored indicator lacks %q:\n%s", want, show)
		}
	}
	if list := run(0, "ioc", "list", to); strings.Contains(list, "198.51.100.23") {
		t.Errorf("the removed indicator came back live:\n%s", list)
	}
	if all := run(0, "ioc", "list", "--all", to); strings.Count(all, "198.51.100.23") != 1 || !strings.Contains(all, "removed") {
		t.Errorf("history after two restores:\n%s", all)
	}
}
