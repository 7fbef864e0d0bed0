package ingest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"

	"vigie.dev/vigie/internal/logs"
)

const shared = "../../../../shared/corpus/logs/"

// TestDetect: each real fixture is detected as its format, by the parsers
// themselves, with the reason given and the doubts said.
func TestDetect(t *testing.T) {
	tests := []struct {
		path string
		want logs.Format
	}{
		{"../dovecot/testdata/fail2ban-dovecot.log", logs.Dovecot},
		{"../postfix/testdata/fail2ban-postfix.log", logs.Postfix},
		{"../squid/testdata/fail2ban-squid.log", logs.Squid},
		{"../exim/testdata/fail2ban-exim.log", logs.Exim},
		{"../roundcube/testdata/fail2ban-roundcube-auth.log", logs.Roundcube},
		{"../sogo/testdata/fail2ban-sogo-auth.log", logs.SOGo},
		{"../m365/testdata/AADAuditEvents.json", logs.M365},
		{"../m365/testdata/OfficeActivityEvents.json", logs.M365},
		{"../../hunt/testdata/otrf-goldensaml/Microsoft365DefenderEvents.json", logs.Defender},
		{shared + "elastic-excerpts/entra_signinlogs.excerpt.ndjson", logs.Entra},
		{shared + "elastic-excerpts/google_workspace_login.excerpt.ndjson", logs.GWorkspace},
		{shared + "elastic-excerpts/o365_exchange_admin.excerpt.ndjson", logs.M365},
		{"../../hunt/testdata/otrf-goldensaml/README.md", logs.Unknown},
		{"../entra/testdata/InteractiveSignIns_2025-03-14_2025-03-21.csv", logs.Entra},
		{"../entra/testdata/ApplicationSignIns_2025-03-20_2025-03-21.csv", logs.Entra},
		{"../gworkspace/testdata/login-audit-export.csv", logs.GWorkspace},
		{"../gworkspace/testdata/user-log-events.csv", logs.GWorkspace},
	}
	for _, tc := range tests {
		b, err := os.ReadFile(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		d := Detect(b, logs.Options{Year: 2025}, "")
		if d.Format != tc.want {
			t.Errorf("%s: %q (%s; %v), want %q", tc.path, d.Format, d.Why(), d.Doubts(), tc.want)
		}
		if d.Why() == "" {
			t.Errorf("%s: no reason", tc.path)
		}
	}
	// CSV exports say which export their header is.
	for path, want := range map[string]string{
		"../entra/testdata/InteractiveSignIns_2025-03-14_2025-03-21.csv": "Entra admin center's sign-in download",
		"../gworkspace/testdata/user-log-events.csv":                     "Google Admin console's login audit export",
	} {
		b, _ := os.ReadFile(path)
		if d := Detect(b, logs.Options{}, ""); d.Shape != ShapeCSV || !strings.Contains(d.Why(), want) {
			t.Errorf("%s: %s %q", path, d.Shape, d.Why())
		}
	}
	// The Exim fixture quotes no Dovecot line: no doubt about it.
	b, _ := os.ReadFile("../exim/testdata/fail2ban-exim.log")
	if d := Detect(b, logs.Options{Year: 2025}, ""); d.Counts[logs.Dovecot] > 0 {
		t.Errorf("exim: %v", d.Counts)
	}
	for text, want := range map[string]logs.Format{
		"RecordId,CreationDate,RecordType,Operation,UserId,AuditData\n":                                logs.M365,
		`1.2.3.4 - - [20/Mar/2025:23:43:10 +0100] "GET / HTTP/1.1" 200 1 "-" "ua"` + "\n":              logs.Weblog,
		"2025-03-20 23:43:01,123 INFO  [x] [name=a;] security - cmd=Auth; account=a; protocol=soap;\n": logs.Zimbra,
		`{"value":[{"createdDateTime":"2025-01-01T00:00:00Z","userPrincipalName":"a@b"}]}`:             logs.Entra,
		// A service principal's sign-in names no user: it is Entra's all the same.
		`{"time":"2023-07-26 23:00:20.889","category":"ServicePrincipalSignInLogs","operationName":"Sign-in activity","properties":{"createdDateTime":"2023-07-26 22:58:30.983201900","servicePrincipalName":"some-service-principal","ipAddress":"12.12.12.12","status":{"errorCode":7000215}}}`: logs.Entra,
		`{"kind":"admin#reports#activities","items":[{"kind":"admin#reports#activity","id":{"time":"2025-01-01T00:00:00Z","applicationName":"login"},"actor":{"email":"a@b.example"},"events":[{"name":"login_success"}]}]}`:                                                                      logs.GWorkspace,
		"\x00\x01binary": logs.Unknown,
		"":               logs.Unknown,
	} {
		if got := Detect([]byte(text), logs.Options{}, "").Format; got != want {
			t.Errorf("%q: %q, want %q", text, got, want)
		}
	}
}

// TestLayouts: the same two sign-ins read the same whatever the layout an
// export gives them: NDJSON, an array, a compact or pretty-printed Graph
// page, pages one per line, jq's concatenated objects, UTF-16 from Windows
// PowerShell, gzip.
func TestLayouts(t *testing.T) {
	r1 := `{"createdDateTime":"2025-03-20T22:40:00Z","userPrincipalName":"alice@cabinet.example","ipAddress":"203.0.113.45","status":{"errorCode":50126}}`
	r2 := `{"createdDateTime":"2025-03-20T22:42:00Z","userPrincipalName":"alice@cabinet.example","ipAddress":"203.0.113.45","status":{"errorCode":0}}`
	pretty := strings.ReplaceAll(strings.ReplaceAll(r1+",\n"+r2, ",", ",\n    "), "{", "{\n  ")
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String("[" + r1 + "," + r2 + "]\r\n")
	layouts := map[string]string{
		"ndjson":         r1 + "\n" + r2 + "\n",
		"array":          "[" + r1 + "," + r2 + "]",
		"compact page":   `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns","value":[` + r1 + "," + r2 + `]}`,
		"pretty page":    "{\n  \"@odata.context\": \"x\",\n  \"value\": [\n" + pretty + "\n  ],\n  \"@odata.nextLink\": \"y\"\n}\n",
		"pages per line": `{"value":[` + r1 + `]}` + "\n" + `{"value":[` + r2 + `]}` + "\n",
		"jq":             strings.ReplaceAll(r1, ",", ",\n  ") + "\n" + strings.ReplaceAll(r2, ",", ",\n  ") + "\n",
		"utf-16":         utf16,
		"records":        `{"records":[{"time":"2025-03-20T22:40:00Z","category":"SignInLogs","properties":` + r1 + `},{"time":"2025-03-20T22:42:00Z","category":"SignInLogs","properties":` + r2 + `}]}`,
	}
	for name, text := range layouts {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "signins.json"), []byte(text), 0o644)
		var got []*logs.SignIn
		reports, err := Read(context.Background(), []string{dir}, Config{}, func(e logs.Event) { got = append(got, e.(*logs.SignIn)) })
		if err != nil {
			t.Fatal(err)
		}
		r := reports[0]
		if len(got) != 2 || r.Format != logs.Entra || r.Errors > 0 || r.Err != "" {
			t.Errorf("%s: %d events, report %+v", name, len(got), r)
			continue
		}
		if got[0].Result != logs.Failure || got[1].Result != logs.Success || got[0].User != "alice@cabinet.example" {
			t.Errorf("%s: %+v %+v", name, got[0], got[1])
		}
	}
}

// TestPowerShell: Search-UnifiedAuditLog results as ConvertTo-Json writes them
// (AuditData a string inside each result, /Date()/ dates, UTF-16 when saved
// with Out-File) and as Export-Csv writes them (#TYPE line; semicolons with
// -UseCulture on a French system).
func TestPowerShell(t *testing.T) {
	audit := `{"CreationTime":"2025-03-20T22:46:00","Operation":"New-InboxRule","UserId":"alice@cabinet.example","ClientIP":"203.0.113.45:53211","Parameters":[{"Name":"Name","Value":"."},{"Name":"ForwardTo","Value":"x@proton.example"}]}`
	quoted := strings.ReplaceAll(strings.ReplaceAll(audit, `\`, `\\`), `"`, `\"`)
	psJSON := "[\r\n    {\r\n        \"RunspaceId\":  \"d2f1\",\r\n        \"RecordType\":  1,\r\n        \"CreationDate\":  \"\\/Date(1742510760000)\\/\",\r\n        \"UserIds\":  \"alice@cabinet.example\",\r\n        \"Operations\":  \"New-InboxRule\",\r\n        \"AuditData\":  \"" + quoted + "\",\r\n        \"ResultIndex\":  1,\r\n        \"ResultCount\":  1\r\n    }\r\n]\r\n"
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(psJSON)
	csvq := strings.ReplaceAll(audit, `"`, `""`)
	cases := map[string]string{
		"convertto-json":         psJSON,
		"convertto-json utf-16":  utf16,
		"export-csv":             "#TYPE Deserialized.Microsoft.Exchange.Management.SystemConfigurationTasks.AuditRecord\r\n\"RunspaceId\",\"RecordType\",\"CreationDate\",\"UserIds\",\"Operations\",\"AuditData\"\r\n\"d2f1\",\"ExchangeAdmin\",\"20/03/2025 23:46:00\",\"alice@cabinet.example\",\"New-InboxRule\",\"" + csvq + "\"\r\n",
		"export-csv -usecult":    "\"RunspaceId\";\"RecordType\";\"AuditData\"\r\n\"d2f1\";\"ExchangeAdmin\";\"" + csvq + "\"\r\n",
		"select -expand ndjson":  audit + "\n",
		"expand as json strings": "[\"" + quoted + "\"]",
	}
	for name, text := range cases {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "audit.json"), []byte(text), 0o644)
		var got []logs.Event
		reports, _ := Read(context.Background(), []string{dir}, Config{}, func(e logs.Event) { got = append(got, e) })
		if r := reports[0]; len(got) != 1 || r.Format != logs.M365 || r.Errors > 0 || r.Err != "" {
			t.Errorf("%s: %d events, %+v", name, len(got), r)
			continue
		}
		if mc, ok := got[0].(*logs.MailboxChange); !ok || mc.RuleName != "." || mc.Actions[0].Value != "x@proton.example" {
			t.Errorf("%s: %+v", name, got[0])
		}
	}
}

// TestMixedMaillog: /var/log/mail.log mixes Postfix, Dovecot, Roundcube and
// other programs; every format's events come out, other programs' lines are
// not bad lines, and the detection says the file is mixed.
func TestMixedMaillog(t *testing.T) {
	text := "Mar 20 22:40:01 mail postfix/smtpd[123]: warning: unknown[203.0.113.45]: SASL LOGIN authentication failed: UGFzc3dvcmQ6\n" +
		"Mar 20 22:40:02 mail dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<alice@cabinet.example>, method=PLAIN, rip=203.0.113.45, lip=192.0.2.1, TLS\n" +
		"Mar 20 22:40:03 mail roundcube: IMAP Error: Login failed for alice@cabinet.example from 203.0.113.45. AUTHENTICATE PLAIN: Authentication failed.\n" +
		"Mar 20 22:40:04 mail amavis[99]: (12345-01) Passed CLEAN\n" +
		`{"createdDateTime":"2025-03-20T22:41:00Z","userPrincipalName":"alice@cabinet.example","ipAddress":"203.0.113.45","status":{"errorCode":0}}` + "\n"
	var n int
	st := map[logs.Format]bool{}
	reports, _ := Read(context.Background(), []string{"-"}, Config{Stdin: strings.NewReader(text), Options: logs.Options{Year: 2025}}, func(e logs.Event) {
		n++
	})
	r := reports[0]
	for f := range r.Formats {
		st[f] = true
	}
	if n != 4 || r.Errors != 0 || r.Ignored != 1 || !st[logs.Postfix] || !st[logs.Dovecot] || !st[logs.Roundcube] || !st[logs.Entra] {
		t.Errorf("%d events, %+v", n, r)
	}
	if len(r.Detection.Doubts()) == 0 {
		t.Errorf("no doubt said about a mixed file: %+v", r.Detection)
	}
}

// TestTruncatedGzip: a gzip file cut short is reported as truncated, with what
// was read before the cut.
func TestTruncatedGzip(t *testing.T) {
	var lines bytes.Buffer
	for i := 0; i < 20000; i++ {
		lines.WriteString("1735689600.123 1 10.0.0.1 TCP_MISS/200 1 GET http://a.example/x - HIER_NONE/- -\n")
	}
	gz := gzipBytes(lines.Bytes())
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "access.log.gz"), gz[:len(gz)/2], 0o644)
	n := 0
	reports, _ := Read(context.Background(), []string{dir}, Config{Hash: true}, func(logs.Event) { n++ })
	r := reports[0]
	if r.Problem != ProblemTruncated || n == 0 || r.SHA256 == "" || r.Bytes != int64(len(gz)/2) {
		t.Errorf("%d events, %+v", n, r)
	}
}

func FuzzDetect(f *testing.F) {
	f.Add([]byte(`{"Operation":"x","CreationTime":"2025-01-01T00:00:00"}`))
	f.Add([]byte("Jan  1 00:00:00 h postfix/smtpd[1]: x\nJan  1 00:00:00 h dovecot: imap-login: Login: user=<a>, rip=1.2.3.4"))
	f.Add([]byte("RecordId,AuditData\n1,\"{}\""))
	f.Fuzz(func(t *testing.T, b []byte) {
		d := Detect(b, logs.Options{Year: 2025}, "")
		_ = d.Why()
		_ = d.Doubts()
	})
}

// TestGooglePage: a compact Reports API page under 64 KiB gives its
// activities, not nothing.
func TestGooglePage(t *testing.T) {
	page := `{"kind":"admin#reports#activities","etag":"\"x\"","items":[` +
		`{"kind":"admin#reports#activity","id":{"time":"2025-03-20T22:40:00Z","applicationName":"login"},"actor":{"email":"alice@cabinet.example"},"ipAddress":"203.0.113.45","events":[{"type":"login","name":"login_failure","parameters":[{"name":"login_type","value":"google_password"}]}]},` +
		`{"kind":"admin#reports#activity","id":{"time":"2025-03-20T22:41:00Z","applicationName":"login"},"actor":{"email":"alice@cabinet.example"},"ipAddress":"203.0.113.45","events":[{"type":"login","name":"login_success","parameters":[{"name":"login_type","value":"google_password"}]}]}` +
		`],"nextPageToken":"A:1"}`
	n := 0
	reports, _ := Read(context.Background(), []string{"-"}, Config{Stdin: strings.NewReader(page)}, func(logs.Event) { n++ })
	if r := reports[0]; n != 2 || r.Format != logs.GWorkspace || r.Errors > 0 || r.Err != "" {
		t.Errorf("%d events, %+v", n, r)
	}
}
