package zimbra

import (
	"testing"

	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/logstest"
)

func TestAuditLines(t *testing.T) {
	text := `2025-03-20 23:43:01,123 INFO  [qtp1234-56:https://mail.cabinet.example/service/soap/AuthRequest] [name=alice@cabinet.example;oip=203.0.113.45;ua=ZimbraWebClient - FF128 (Linux);] security - cmd=Auth; account=alice@cabinet.example; protocol=soap;
2025-03-20 23:44:02,456 WARN  [ImapServer-12] [ip=10.0.0.2;oip=198.51.100.7;] security - cmd=Auth; account=bob@cabinet.example; protocol=imap; error=authentication failed for [bob@cabinet.example], invalid password;
	at com.zimbra.cs.Foo(Foo.java:1)
2025-03-20 23:45:00,000 INFO  [qtp1-2:https://mail.cabinet.example/service/soap/ModifyPrefsRequest] [name=alice@cabinet.example;oip=203.0.113.45;] soap - ModifyPrefsRequest zimbraPrefMailForwardingAddress=drop@proton.example`
	evs, st := logstest.ParseString(t, Parser, "audit.log", text)
	if st.Errors != 0 {
		t.Fatal(st.Sample)
	}
	s := evs[1][0].(*logs.SignIn)
	if s.User != "alice@cabinet.example" || s.IP.String() != "203.0.113.45" || s.Result != logs.Success || s.App != "zimbra soap" {
		t.Errorf("%+v", s)
	}
	s = evs[2][0].(*logs.SignIn)
	if s.User != "bob@cabinet.example" || s.IP.String() != "198.51.100.7" || s.Result != logs.Failure {
		t.Errorf("%+v", s)
	}
	m := evs[4][0].(*logs.MailboxChange)
	if m.Kind != logs.KindForwarding || m.Actions[0].Value != "drop@proton.example" {
		t.Errorf("%+v", m)
	}
}

func FuzzParse(f *testing.F) {
	logstest.Fuzz(f, Parser, "2025-03-20 23:43:01,123 INFO  [x] [name=a;] security - cmd=Auth; error=", "2025-03-20 23:43:01,123 [[;] zimbraPrefMailForwardingAddress")
}
