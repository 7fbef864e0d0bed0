package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/logstest"
)

// TestMixedDirectory: a directory with several formats, a gzipped file, a
// truncated file, binary junk and a hidden file gives per-file reports and the
// events of the good lines, never a failure of the whole run.
func TestMixedDirectory(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	squid, _ := os.ReadFile("../squid/testdata/fail2ban-squid.log")
	write("access.log.1.gz", gzipBytes(squid))
	dove, _ := os.ReadFile("../dovecot/testdata/fail2ban-dovecot.log")
	write("mail.log", dove[:len(dove)/2]) // cut in the middle of a line
	write("signins.json", []byte(`[{"createdDateTime":"2025-03-20T22:42:00Z","userPrincipalName":"a@b.example","ipAddress":"203.0.113.45","status":{"errorCode":0}},{"createdDateTime":`))
	write("junk.bin", []byte("\x00\x01\x02\xff\xfe garbage"))
	write(".hidden", []byte("ignored"))
	write("long.log", []byte("1735689600.123 1 10.0.0.1 TCP_MISS/200 1 GET http://a.example/"+strings.Repeat("x", logs.MaxLine+10)+" - HIER_NONE/- -\n1735689600.123 1 10.0.0.1 TCP_MISS/200 1 GET http://a.example/ - HIER_NONE/- -\n"))

	counts := map[string]int{}
	reports, err := Read(context.Background(), []string{dir}, Config{Options: logs.Options{Year: 2025}}, func(e logs.Event) {
		counts[filepath.Base(e.Evidence().File)]++
	})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Report{}
	for _, r := range reports {
		byName[filepath.Base(r.File)] = r
	}
	if len(byName) != 5 {
		t.Errorf("reports: %+v", reports)
	}
	if r := byName["access.log.1.gz"]; r.Format != logs.Squid || r.Events != 4 || counts["access.log.1.gz"] != 4 {
		t.Errorf("gz: %+v", r)
	}
	if r := byName["mail.log"]; r.Format != logs.Dovecot || r.Events == 0 {
		t.Errorf("truncated: %+v", r)
	}
	if r := byName["signins.json"]; r.Format != logs.Entra || r.Events != 1 || r.Problem != ProblemTruncated {
		t.Errorf("truncated JSON: %+v", r)
	}
	if r := byName["junk.bin"]; r.Err == "" || !strings.Contains(r.Err, "unrecognised") {
		t.Errorf("junk: %+v", r)
	}
	if r := byName["long.log"]; r.Errors != 1 || r.Events != 1 {
		t.Errorf("long line: %+v", r)
	}
}

func TestStdinAndMissing(t *testing.T) {
	in := strings.NewReader("1735689600.123 1 10.0.0.1 TCP_MISS/200 1 GET http://a.example/ - HIER_NONE/- -\n")
	n := 0
	reports, err := Read(context.Background(), []string{"-", "/does/not/exist"}, Config{Stdin: in}, func(logs.Event) { n++ })
	if err != nil || n != 1 || len(reports) != 2 {
		t.Fatalf("%v %d %+v", err, n, reports)
	}
}

func gzipBytes(b []byte) []byte {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(b)
	zw.Close()
	return gz.Bytes()
}

// TestSignInsNotKept: with SignInsNotKept, a consumer that copies each
// sign-in sees the same values as without, nothing left over from the
// sign-in before (the reused one is zeroed), on real Dovecot and Entra
// lines, an Entra record with risk and coordinates and a Postfix SASL failure.
func TestSignInsNotKept(t *testing.T) {
	var in strings.Builder
	for _, f := range []string{logstest.SharedLogs + "/elastic-excerpts/entra_signinlogs.excerpt.ndjson", logstest.SharedLogs + "/fail2ban/dovecot", logstest.SharedLogs + "/fail2ban/postfix"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		in.Write(b)
		in.WriteByte('\n')
	}
	in.WriteString(`{"createdDateTime":"2025-03-20T22:42:00Z","userPrincipalName":"a@b.example","ipAddress":"192.0.2.1","riskLevelDuringSignIn":"high","riskState":"atRisk","location":{"countryOrRegion":"DE","geoCoordinates":{"latitude":52.5,"longitude":13.4}},"status":{"errorCode":50126}}` + "\n")
	in.WriteString("Jan 14 00:00:05 mail dovecot: imap-login: Login: user=<User0001@corp.example>, method=PLAIN, rip=198.51.100.7, lip=192.0.2.10, TLS\n")
	var runs [2][]logs.SignIn
	seen := map[*logs.SignIn]int{}
	for i, reuse := range []bool{false, true} {
		_, err := Read(context.Background(), []string{"-"}, Config{Stdin: strings.NewReader(in.String()), Options: logs.Options{Year: 2025, SignInsNotKept: reuse}}, func(ev logs.Event) {
			if s, ok := ev.(*logs.SignIn); ok {
				runs[i] = append(runs[i], *s)
				if reuse {
					seen[s]++
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(runs[0]) < 10 || !reflect.DeepEqual(runs[0], runs[1]) {
		t.Fatalf("%d sign-ins without reuse, %d with, or different", len(runs[0]), len(runs[1]))
	}
	if len(seen) == len(runs[1]) {
		t.Error("no sign-in was reused")
	}
}
