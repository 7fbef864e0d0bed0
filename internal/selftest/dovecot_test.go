package selftest_test

import (
	"testing"

	"vigie.dev/vigie/internal/mailbox/mailboxtest"
)

// dovecot is the test recipient's real mailbox: a private Dovecot (IMAP
// and LMTP on loopback ports, maildirs in a temporary directory), the one
// the mailbox remediation tests run (internal/mailbox/mailboxtest).
type dovecot struct {
	IMAP, LMTP int
	User, Pass string
}

func startDovecot(t *testing.T, user string) *dovecot {
	t.Helper()
	d := mailboxtest.Start(t, user)
	return &dovecot{IMAP: d.IMAP, LMTP: d.LMTP, User: user, Pass: mailboxtest.UserPass}
}
