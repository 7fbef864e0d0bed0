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
