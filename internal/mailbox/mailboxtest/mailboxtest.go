// Package mailboxtest runs a private Dovecot for tests of the mailbox
// connectors: IMAP, LMTP and ManageSieve (Pigeonhole) on loopback ports
// taken from :0, a master user (the administrator Vigie logs in as), users
// in a passwd-file the test can change while Dovecot runs, the special-use
// folders created, maildirs in a temporary directory. Postfix delivers to
// it over LMTP (DeliverVia), the way a real site's MX does.
//
// It needs root (Dovecot drops privileges to the mail user) and the
// dovecot-imapd, dovecot-lmtpd, dovecot-managesieved and dovecot-sieve
// packages that scripts/install-test-deps.sh installs. Require skips the
// test locally and fails it when CI=true.
package mailboxtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/smtp"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie.dev/vigie/internal/postfixtest"
	"vigie.dev/vigie/internal/testenv"
)

// Admin and AdminPass are the master user's credentials.
const (
	Admin     = "vigie-admin"
	AdminPass = "mot-de-passe-maitre"
	UserPass  = "mot-de-passe-utilisateur"
	// MailUID owns the mail files (nobody).
	MailUID = 65534
)

// Require skips (locally) or fails (CI=true) when Dovecot with Pigeonhole
// cannot run here.
func Require(t testing.TB) {
	t.Helper()
	testenv.RequireFiles(t, "test", "root privileges", "/usr/sbin/dovecot", "/usr/lib/dovecot/managesieve",
		"/usr/lib/dovecot/modules/lib90_sieve_plugin.so", "/usr/lib/dovecot/lmtp")
}

// Dovecot is a running server.
type Dovecot struct {
	Dir                     string
	IMAP, LMTP, ManageSieve int
	IMAPS                   int // implicit TLS; IMAP and ManageSieve offer STARTTLS
	certPool                *x509.CertPool
	mu                      sync.Mutex
	users                   []string
	stamp, prev             time.Time
}

// TLSConfig trusts the server's self-signed certificate (for "localhost").
func (d *Dovecot) TLSConfig() *tls.Config {
	return &tls.Config{RootCAs: d.certPool, ServerName: "localhost"}
}

// IMAPSAddr is the implicit-TLS IMAP address.
func (d *Dovecot) IMAPSAddr() string { return fmt.Sprintf("127.0.0.1:%d", d.IMAPS) }

// writeCert makes a self-signed ECDSA certificate for "localhost".
func (d *Dovecot) writeCert(t testing.TB) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	os.WriteFile(filepath.Join(d.Dir, "cert.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(filepath.Join(d.Dir, "key.pem"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	d.certPool = x509.NewCertPool()
	d.certPool.AddCert(cert)
}

// IMAPAddr, LMTPAddr and SieveAddr are host:port.
func (d *Dovecot) IMAPAddr() string  { return fmt.Sprintf("127.0.0.1:%d", d.IMAP) }
func (d *Dovecot) LMTPAddr() string  { return fmt.Sprintf("127.0.0.1:%d", d.LMTP) }
func (d *Dovecot) SieveAddr() string { return fmt.Sprintf("127.0.0.1:%d", d.ManageSieve) }

// UsersFile is the passwd-file of the users.
func (d *Dovecot) UsersFile() string { return filepath.Join(d.Dir, "users") }

// Start runs Dovecot with the given users (each with UserPass).
func Start(t testing.TB, users ...string) *Dovecot {
	t.Helper()
	Require(t)
	dir := postfixtest.WorldDir(t, "vigie-mailbox-")
	d := &Dovecot{Dir: dir, IMAP: postfixtest.FreePort(t), IMAPS: postfixtest.FreePort(t), LMTP: postfixtest.FreePort(t),
		ManageSieve: postfixtest.FreePort(t)}
	d.writeCert(t)
	for _, sub := range []string{"run", "state", "home"} {
		os.MkdirAll(filepath.Join(dir, sub), 0o755)
	}
	exec.Command("chown", fmt.Sprint(MailUID, ":", MailUID), filepath.Join(dir, "home")).Run()
	os.WriteFile(filepath.Join(dir, "masters"), []byte(Admin+":{PLAIN}"+AdminPass+"\n"), 0o644)
	d.SetUsers(t, users...)
	conf := fmt.Sprintf(`base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
protocols = imap lmtp sieve
listen = 127.0.0.1
ssl = yes
ssl_cert = <%[1]s/cert.pem
ssl_key = <%[1]s/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_master_user_separator = *
mail_location = maildir:~/Maildir
default_login_user = dovenull
default_internal_user = dovecot
mail_uid = %[5]d
mail_gid = %[5]d
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/masters
  master = yes
  pass = yes
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/users
}
userdb {
  driver = passwd-file
  args = username_format=%%u %[1]s/users
  default_fields = uid=%[5]d gid=%[5]d home=%[1]s/home/%%u
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \Sent
    auto = create
  }
  mailbox Drafts {
    special_use = \Drafts
    auto = create
  }
  mailbox Trash {
    special_use = \Trash
    auto = create
  }
  mailbox Junk {
    special_use = \Junk
    auto = create
  }
  mailbox Templates {
    auto = create
  }
}
protocol lmtp {
  mail_plugins = $mail_plugins sieve
}
plugin {
  sieve = file:~/sieve;active=~/.dovecot.sieve
}
# Sieve redirects are not sent anywhere from a test.
sendmail_path = /bin/true
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = %[2]d
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = %[6]d
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = %[3]d
  }
}
service managesieve-login {
  inet_listener sieve {
    address = 127.0.0.1
    port = %[4]d
  }
}
service anvil {
  chroot =
}
`, dir, d.IMAP, d.LMTP, d.ManageSieve, MailUID, d.IMAPS)
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
			if len(b) > 20000 {
				b = b[len(b)-20000:]
			}
			t.Logf("dovecot log:\n%s\n%s", b, s)
		}
	})
	postfixtest.WaitListening(t, d.IMAPAddr())
	postfixtest.WaitListening(t, d.LMTPAddr())
	postfixtest.WaitListening(t, d.SieveAddr())
	postfixtest.WaitListening(t, d.IMAPSAddr())
	return d
}

// SetUsers rewrites the users file (Dovecot rereads it on change): a user
// left out no longer exists, as when a mailbox is removed.
func (d *Dovecot) SetUsers(t testing.TB, users ...string) {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	var b strings.Builder
	for _, u := range users {
		fmt.Fprintf(&b, "%s:{PLAIN}%s::::::\n", u, UserPass)
	}
	tmp := filepath.Join(d.Dir, "users.tmp")
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	// Dovecot rereads the file when its mtime (in seconds) changes: move it
	// past the previous version's second instead of waiting for the clock.
	if d.stamp = time.Now(); !d.stamp.After(d.prev.Add(time.Second)) {
		d.stamp = d.prev.Add(2 * time.Second)
	}
	d.prev = d.stamp
	os.Chtimes(tmp, d.stamp, d.stamp)
	if err := os.Rename(tmp, d.UsersFile()); err != nil {
		t.Fatal(err)
	}
	d.users = slices.Clone(users)
}

// Maildir is a user's maildir.
func (d *Dovecot) Maildir(user string) string { return filepath.Join(d.Dir, "home", user, "Maildir") }

// Snapshot maps each folder of a user's mailbox to the sorted SHA-256 of
// the messages it holds, read from the maildir: moving a message changes
// two folders' entries, anything else changes none.
func (d *Dovecot) Snapshot(t testing.TB, user string) map[string][]string {
	t.Helper()
	root := d.Maildir(user)
	out := map[string][]string{}
	dirs := map[string]string{"INBOX": root}
	ents, _ := os.ReadDir(root)
	for _, e := range ents {
		if e.IsDir() && strings.HasPrefix(e.Name(), ".") {
			dirs[strings.ReplaceAll(e.Name()[1:], ".", "/")] = filepath.Join(root, e.Name())
		}
	}
	for name, dir := range dirs {
		var sums []string
		for _, sub := range []string{"new", "cur"} {
			files, _ := os.ReadDir(filepath.Join(dir, sub))
			for _, f := range files {
				b, err := os.ReadFile(filepath.Join(dir, sub, f.Name()))
				if err != nil {
					continue
				}
				sums = append(sums, SHA256(CRLF(b)))
			}
		}
		slices.Sort(sums)
		out[name] = sums
	}
	return out
}

// CRLF turns the bare line feeds Dovecot stores into the CRLF line ends
// IMAP serves, so that file digests match what Vigie fetched.
func CRLF(b []byte) []byte {
	return bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
}

// SHA256 is the hex digest the snapshots and Vigie's journal use.
func SHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// DeliverVia sends msg through a Postfix at addr (SMTP) to rcpts and waits
// until every recipient's maildir holds a message with the given
// Message-ID header.
func (d *Dovecot) DeliverVia(t testing.TB, addr, from string, rcpts []string, messageID string, msg []byte) {
	t.Helper()
	if err := smtp.SendMail(addr, nil, from, rcpts, msg); err != nil {
		t.Fatalf("deliver %s: %v", messageID, err)
	}
	deadline := time.Now().Add(90 * time.Second)
	for _, r := range rcpts {
		for !d.holds(r, messageID) {
			if time.Now().After(deadline) {
				t.Fatalf("%s not delivered to %s after 90 s", messageID, r)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// holds reports whether any folder of user's maildir has the message.
func (d *Dovecot) holds(user, messageID string) bool {
	needle := []byte("Message-ID: " + messageID)
	found := false
	filepath.WalkDir(d.Maildir(user), func(p string, e os.DirEntry, err error) error {
		if err != nil || found || e.IsDir() || !strings.Contains(p, "/new/") && !strings.Contains(p, "/cur/") {
			return nil
		}
		b, _ := os.ReadFile(p)
		if bytes.Contains(b, needle) {
			found = true
		}
		return nil
	})
	return found
}

// Postfix starts a Postfix that relays the given domain to the Dovecot
// over LMTP (the selftest's MX set-up) and returns its SMTP address.
func (d *Dovecot) Postfix(t testing.TB, domain string) string {
	t.Helper()
	postfixtest.Require(t)
	pf := postfixtest.Start(t, map[string]string{
		"myhostname":               "mx." + domain,
		"mynetworks":               "127.0.0.0/8",
		"relay_domains":            domain,
		"transport_maps":           fmt.Sprintf("inline:{ %s=lmtp:inet:%s }", domain, d.LMTPAddr()),
		"smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination",
	})
	return pf.Addr()
}

// Files lists a user's message files (their names carry the maildir
// flags: a \Seen set by mistake changes a name).
func (d *Dovecot) Files(t testing.TB, user string) []string {
	t.Helper()
	var out []string
	root := d.Maildir(user)
	filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && (strings.Contains(p, "/new/") || strings.Contains(p, "/cur/")) {
			rel, _ := filepath.Rel(root, p)
			out = append(out, rel)
		}
		return nil
	})
	slices.Sort(out)
	return out
}
