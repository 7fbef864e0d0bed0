package logs_test

import (
	"os"
	"testing"

	"vigie.dev/vigie/internal/logs"
)

func TestDetect(t *testing.T) {
	const shared = "../../../shared/corpus/logs/"
	tests := []struct {
		path string
		want logs.Format
	}{
		{"dovecot/testdata/fail2ban-dovecot.log", logs.Dovecot},
		{"postfix/testdata/fail2ban-postfix.log", logs.Postfix},
		{"squid/testdata/fail2ban-squid.log", logs.Squid},
		{"m365/testdata/AADAuditEvents.json", logs.M365},
		{"m365/testdata/OfficeActivityEvents.json", logs.M365},
		{shared + "elastic-excerpts/entra_signinlogs.excerpt.ndjson", logs.Entra},
		{shared + "elastic-excerpts/google_workspace_login.excerpt.ndjson", logs.GWorkspace},
		{shared + "elastic-excerpts/o365_exchange_admin.excerpt.ndjson", logs.M365},
		{shared + "fail2ban/roundcube-auth", logs.Unknown},
	}
	for _, tc := range tests {
		b, err := os.ReadFile(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		if got := logs.Detect(b); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.path, got, tc.want)
		}
	}
	for text, want := range map[string]logs.Format{
		"RecordId,CreationDate,RecordType,Operation,UserId,AuditData\n":                                logs.M365,
		`1.2.3.4 - - [20/Mar/2025:23:43:10 +0100] "GET / HTTP/1.1" 200 1 "-" "ua"` + "\n":              logs.Weblog,
		"2025-03-20 23:43:01,123 INFO  [x] [name=a;] security - cmd=Auth; account=a; protocol=soap;\n": logs.Zimbra,
		`{"value":[{"createdDateTime":"2025-01-01T00:00:00Z","userPrincipalName":"a@b"}]}`:             logs.Entra,
		"\x00\x01binary": logs.Unknown,
		"":               logs.Unknown,
	} {
		if got := logs.Detect([]byte(text)); got != want {
			t.Errorf("%q: %q, want %q", text, got, want)
		}
	}
}

func FuzzDetect(f *testing.F) {
	f.Add([]byte(`{"Operation":"x"}`))
	f.Add([]byte("Jan  1 00:00:00 h postfix/smtpd[1]: x"))
	f.Fuzz(func(t *testing.T, b []byte) {
		logs.Detect(b)
		logs.SyslogTime(b, logs.Options{})
	})
}
