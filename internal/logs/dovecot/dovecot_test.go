package dovecot

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"vigie.dev/vigie/internal/logs"
	"vigie.dev/vigie/internal/logs/logstest"
)

// TestFail2banFixture: every line fail2ban's dovecot filter flags as a failed
// login ("failJSON": match true, host) that we turn into a sign-in must be a
// failure from that host; and most of them must be recognised.
func TestFail2banFixture(t *testing.T) {
	const path = "testdata/fail2ban-dovecot.log"
	evs, st := logstest.ParseFile(t, Parser, path)
	f, _ := os.Open(path)
	defer f.Close()
	sc := bufio.NewScanner(f)
	var want struct {
		Match bool   `json:"match"`
		Host  string `json:"host"`
	}
	pending, n, flagged, found := false, int64(0), 0, 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if j, ok := strings.CutPrefix(line, "# failJSON:"); ok {
			want.Match, want.Host = false, ""
			pending = json.Unmarshal([]byte(j), &want) == nil
			continue
		}
		if !pending || strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		pending = false
		if !want.Match {
			for _, e := range evs[n] {
				if s := e.(*logs.SignIn); s.Result == logs.Failure && s.IP.String() == want.Host {
					t.Errorf("line %d: failure from %s that fail2ban does not flag", n, want.Host)
				}
			}
			continue
		}
		flagged++
		for _, e := range evs[n] {
			s := e.(*logs.SignIn)
			if s.Result != logs.Failure {
				t.Errorf("line %d: %s, want failure", n, s.Result)
			}
			if s.IP.IsValid() && s.IP.String() != want.Host {
				t.Errorf("line %d: IP %s, want %s", n, s.IP, want.Host)
			}
			if s.Time.IsZero() {
				t.Errorf("line %d: no time", n)
			}
			found++
		}
	}
	if found < flagged*2/3 {
		t.Errorf("recognised %d of %d flagged failures (errors: %v)", found, flagged, st.Sample)
	}
	t.Logf("%d/%d flagged failures recognised, %d events, %d bad lines", found, flagged, st.Events, st.Errors)
}

func TestLines(t *testing.T) {
	tests := []struct {
		line   string
		user   string
		ip     string
		result logs.Result
		client string
	}{
		{"Mar  3 08:12:01 mail dovecot: imap-login: Login: user=<alice@cabinet.example>, method=PLAIN, rip=192.0.2.10, lip=192.0.2.1, mpid=4242, TLS, session=<abc>", "alice@cabinet.example", "192.0.2.10", logs.Success, "imap"},
		{"Mar  3 08:12:01 mail dovecot[241]: imap-login: Login aborted: Connection closed (auth failed, 3 attempts in 16 secs) (auth_failed): user=<test>, method=PLAIN, rip=192.0.2.241, lip=203.0.113.104, TLS", "test", "192.0.2.241", logs.Failure, "imap"},
		{"2013-08-11 03:56:40 auth-worker(default): Info: pam(username,1.2.3.4): pam_authenticate() failed: Authentication failure (password mismatch?)", "username", "1.2.3.4", logs.Failure, ""},
		{"@400000004c91b044077a9e94 imap-login: Info: Aborted login (auth failed, 1 attempts): user=<martin@waschbuesch.de>, method=CRAM-MD5, rip=80.187.101.33, lip=80.254.129.240, TLS", "martin@waschbuesch.de", "80.187.101.33", logs.Failure, "imap"},
	}
	for _, tc := range tests {
		evs, st := logstest.ParseString(t, Parser, "x", tc.line)
		if len(evs[1]) != 1 {
			t.Errorf("%s: %d events %v", tc.line, len(evs[1]), st.Sample)
			continue
		}
		s := evs[1][0].(*logs.SignIn)
		if s.User != tc.user || s.IP.String() != tc.ip || s.Result != tc.result || s.Client != tc.client {
			t.Errorf("%s:\n got %+v", tc.line, s)
		}
	}
}

func FuzzParse(f *testing.F) {
	b, _ := os.ReadFile("testdata/fail2ban-dovecot.log")
	logstest.Fuzz(f, Parser, string(b), "@4000000000000000ffffffff x", "Jan  1 00:00:00 h dovecot: pam(,", "")
}

// TestIndexAssign: indexAssign finds what bytes.Index finds.
func TestIndexAssign(t *testing.T) {
	tests := []struct{ line, key string }{
		{"Login: user=<a@b.fr>, method=PLAIN, rip=192.0.2.7, lip=192.0.2.1", "rip="},
		{"Login: user=<a@b.fr>, method=PLAIN, rip=192.0.2.7, lip=192.0.2.1", "user=<"},
		{"Login: user=<trip=x>, rip=192.0.2.7", "rip="}, // inside the user name, as bytes.Index
		{"Login: user=<a>, method=PLAIN", "rip="},
		{"rip=", "rip="},
		{"=rip=", "rip="},
		{"rip", "rip="},
		{"", "user=<"},
		{"user==<user=<", "user=<"},
		{"a=b", "no-equals"},
	}
	for _, tc := range tests {
		if got, want := indexAssign([]byte(tc.line), tc.key), bytes.Index([]byte(tc.line), []byte(tc.key)); got != want {
			t.Errorf("indexAssign(%q, %q) = %d, want %d", tc.line, tc.key, got, want)
		}
	}
}

// FuzzIndexAssign holds indexAssign to bytes.Index.
func FuzzIndexAssign(f *testing.F) {
	f.Add([]byte("Login: user=<a@b.fr>, method=PLAIN, rip=192.0.2.7, lip=192.0.2.1"), "rip=")
	f.Add([]byte("user==<"), "=<")
	f.Fuzz(func(t *testing.T, line []byte, key string) {
		if got, want := indexAssign(line, key), bytes.Index(line, []byte(key)); got != want {
			t.Fatalf("indexAssign(%q, %q) = %d, want %d", line, key, got, want)
		}
	})
}

// fastLoginReference is fastLogin before it looked for "user=<" at the
// start first (3116ab3).
func fastLoginReference(rest []byte) *logs.SignIn {
	i := bytes.Index(rest, []byte("-login: "))
	if i <= 0 || i > 80 {
		return nil
	}
	msg := rest[i+len("-login: "):]
	msg = bytes.TrimPrefix(msg, []byte("Info: "))
	if !bytes.HasPrefix(msg, []byte("Login: ")) {
		return nil
	}
	proto := rest[:i]
	if k := bytes.LastIndexByte(proto, ' '); k >= 0 {
		proto = proto[k+1:]
	}
	user := fieldBytes(msg, bytes.Index(msg, []byte("user=<")), "user=<", '>')
	ip := fieldBytes(msg, bytes.Index(msg, []byte("rip=")), "rip=", ',')
	return &logs.SignIn{User: logs.LowerString(user), IP: logs.ParseIPBytes(ip), Result: logs.Success, Client: string(proto), App: "dovecot"}
}

// FuzzFastLogin holds fastLogin to fastLoginReference.
func FuzzFastLogin(f *testing.F) {
	f.Add([]byte("mail dovecot: imap-login: Login: user=<A@b.fr>, method=PLAIN, rip=192.0.2.7, lip=192.0.2.1, TLS"))
	f.Add([]byte("dovecot: pop3-login: Info: Login: xuser=<a>, user=<b>, rip=::1, rip=1.2.3.4"))
	f.Add([]byte("imap-login: Login: user=<rip=1.2.3.4>, rip=5.6.7.8,"))
	f.Fuzz(func(t *testing.T, rest []byte) {
		got, want := fastLogin(rest), fastLoginReference(rest)
		if (got == nil) != (want == nil) || got != nil && *got != *want {
			t.Fatalf("fastLogin(%q) = %+v, want %+v", rest, got, want)
		}
	})
}
