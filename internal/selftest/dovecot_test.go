package selftest_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"vigie.dev/vigie/internal/postfixtest"
)

// dovecot is a private Dovecot (IMAP and LMTP on loopback ports, one
// passwd-file user, maildirs in a temporary directory): the test
// recipient's real mailbox.
type dovecot struct {
	IMAP, LMTP int
	User, Pass string
}

func startDovecot(t *testing.T, user string) *dovecot {
	t.Helper()
	if _, err := os.Stat("/usr/sbin/dovecot"); err != nil {
		msg := "the IMAP selftest needs dovecot-imapd and dovecot-lmtpd: run scripts/install-test-deps.sh as root"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir := postfixtest.WorldDir(t, "vigie-dovecot-")
	d := &dovecot{IMAP: postfixtest.FreePort(t), LMTP: postfixtest.FreePort(t), User: user, Pass: "mot-de-passe-de-test"}
	for _, sub := range []string{"run", "state", "mail"} {
		os.MkdirAll(filepath.Join(dir, sub), 0o755)
	}
	exec.Command("chown", "65534:65534", filepath.Join(dir, "mail")).Run()
	os.WriteFile(filepath.Join(dir, "users"), []byte(fmt.Sprintf("%s:{PLAIN}%s\n", d.User, d.Pass)), 0o644)
	conf := fmt.Sprintf(`base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:%[1]s/mail/%%u
default_login_user = dovenull
default_internal_user = dovecot
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/users
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=%[1]s/mail/%%u allow_all_users=yes
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = %[2]d
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = %[3]d
  }
}
service anvil {
  chroot =
}
`, dir, d.IMAP, d.LMTP)
	cf := filepath.Join(dir, "dovecot.conf")
	os.WriteFile(cf, []byte(conf), 0o644)
	cmd := exec.Command("/usr/sbin/dovecot", "-F", "-c", cf)
	out, _ := os.Create(filepath.Join(dir, "stdout"))
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("dovecot: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
			s, _ := os.ReadFile(filepath.Join(dir, "stdout"))
			t.Logf("dovecot log:\n%s\n%s", b, s)
		}
	})
	postfixtest.WaitListening(t, fmt.Sprintf("127.0.0.1:%d", d.IMAP))
	postfixtest.WaitListening(t, fmt.Sprintf("127.0.0.1:%d", d.LMTP))
	return d
}
