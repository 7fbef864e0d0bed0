// Package imapbox is the mailbox connector for IMAP servers (Dovecot,
// Zimbra, BlueMind, Cyrus…) reached with an administrator's login: either
// SASL PLAIN with the user as authorization identity (Dovecot master
// users, Zimbra and Cyrus admins) or a LOGIN of "user*admin" (Dovecot's
// auth_master_user_separator). Sieve rules are read and disabled over
// ManageSieve (RFC 5804) with the same credentials.
//
// The IMAP protocol is spoken by github.com/emersion/go-imap/v2; the
// connector only uses UID commands, searches on the server (never
// downloads a folder to look for a message) and moves with MOVE (RFC 6851)
// or, failing that, COPY and UID EXPUNGE (UIDPLUS, RFC 4315), which only
// expunges the messages moved. A server with neither is refused: a plain
// EXPUNGE would also remove whatever else the user had marked deleted.
package imapbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"

	"vigie.dev/vigie/internal/mailbox"
)

// Login modes.
const (
	LoginAuthzID   = "authzid"   // AUTHENTICATE PLAIN user\0admin\0password
	LoginSeparator = "separator" // LOGIN "user<sep>admin" password
)

// Config says how to reach the server.
type Config struct {
	Addr      string // host:port (143 or 993)
	TLS       string // "implicit" (993), "starttls", "none" (loopback tests)
	TLSConfig *tls.Config
	Admin     string
	Password  string
	Login     string // LoginAuthzID (default) or LoginSeparator
	Separator string // for LoginSeparator (default "*")
	// SieveAddr is the ManageSieve server (host:4190); "" when the server
	// has none (rules are then not read).
	SieveAddr string
	SieveTLS  string // as TLS, for ManageSieve (default: as TLS)
	// UsersFile lists the mailboxes for audit --all: one address per line,
	// or a Dovecot passwd-file (the name before the first ':').
	UsersFile string
	// ForwardMaps are Postfix virtual(5) alias tables in source form, read
	// for forwarding set on the server.
	ForwardMaps []string
	// Forwards reads forwarding the server keeps outside Sieve and the
	// maps, per user (Zimbra's admin API, internal/mailbox/zimbra); nil:
	// none.
	Forwards ForwardSource
	Timeout  time.Duration // dial and per-command (0: 30 s)
	Dial     func(ctx context.Context, network, addr string) (net.Conn, error)
}

// ForwardSource reads a user's forwarding from the mail server's own
// administration interface, as rules.
type ForwardSource interface {
	Forwards(ctx context.Context, user string) ([]mailbox.Rule, error)
}

// Connector implements mailbox.Connector.
type Connector struct{ cfg Config }

// New checks the configuration and returns a connector.
func New(cfg Config) (*Connector, error) {
	if cfg.Addr == "" {
		return nil, errors.New("imapbox: no server address")
	}
	if cfg.Admin == "" || cfg.Password == "" {
		return nil, errors.New("imapbox: no administrator login or password")
	}
	switch cfg.Login {
	case "":
		cfg.Login = LoginAuthzID
	case LoginAuthzID, LoginSeparator:
	default:
		return nil, fmt.Errorf("imapbox: login mode %q (want %s or %s)", cfg.Login, LoginAuthzID, LoginSeparator)
	}
	if cfg.Separator == "" {
		cfg.Separator = "*"
	}
	switch cfg.TLS {
	case "", "implicit", "starttls", "none":
	default:
		return nil, fmt.Errorf("imapbox: tls %q (want implicit, starttls or none)", cfg.TLS)
	}
	if cfg.TLS == "" {
		cfg.TLS = "implicit"
	}
	if cfg.SieveTLS == "" {
		cfg.SieveTLS = cfg.TLS
		if cfg.SieveTLS == "implicit" {
			cfg.SieveTLS = "starttls" // ManageSieve has no implicit-TLS port
		}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Dial == nil {
		d := &net.Dialer{Timeout: cfg.Timeout}
		cfg.Dial = d.DialContext
	}
	return &Connector{cfg: cfg}, nil
}

// Name implements mailbox.Connector.
func (c *Connector) Name() string { return "imap" }

// Users implements mailbox.Lister from the users file.
func (c *Connector) Users(ctx context.Context) ([]string, error) {
	if c.cfg.UsersFile == "" {
		return nil, fmt.Errorf("imapbox: no users file configured (mailbox.imap.users_file): %w", mailbox.ErrUnsupported)
	}
	b, err := os.ReadFile(c.cfg.UsersFile)
	if err != nil {
		return nil, fmt.Errorf("imapbox: users: %w", err)
	}
	return ParseUsers(string(b)), nil
}

// ParseUsers reads one address per line or a passwd-file (user:…);
// blank lines and # comments are skipped.
func ParseUsers(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		u, _, _ := strings.Cut(l, ":")
		u = strings.TrimSpace(u)
		if u != "" && !seen[u] && !strings.ContainsAny(u, " \t\x00") {
			seen[u] = true
			out = append(out, u)
		}
	}
	return out
}

func (c *Connector) tlsConfig() *tls.Config {
	if c.cfg.TLSConfig != nil {
		return c.cfg.TLSConfig
	}
	host, _, _ := net.SplitHostPort(c.cfg.Addr)
	return &tls.Config{ServerName: host}
}

// dial connects and authenticates; as is the SASL authorization identity
// ("" for the administrator alone).
func (c *Connector) dial(ctx context.Context, as string) (*imapclient.Client, int, error) {
	conn, err := c.cfg.Dial(ctx, "tcp", c.cfg.Addr)
	if err != nil {
		return nil, 0, fmt.Errorf("imap %s: %w: %v", c.cfg.Addr, mailbox.ErrUnreachable, err)
	}
	opts := &imapclient.Options{TLSConfig: c.tlsConfig()}
	var cl *imapclient.Client
	n := 0
	switch c.cfg.TLS {
	case "implicit":
		cl = imapclient.New(tls.Client(conn, c.tlsConfig()), opts)
	case "starttls":
		if cl, err = imapclient.NewStartTLS(conn, opts); err != nil {
			conn.Close()
			return nil, 1, fmt.Errorf("imap %s: STARTTLS: %w: %v", c.cfg.Addr, mailbox.ErrUnreachable, err)
		}
		n++ // STARTTLS
	default:
		cl = imapclient.New(conn, opts)
	}
	stop := context.AfterFunc(ctx, func() { cl.Close() })
	defer stop()
	if err := cl.WaitGreeting(); err != nil {
		cl.Close()
		return nil, n, fmt.Errorf("imap %s: greeting: %w: %v", c.cfg.Addr, mailbox.ErrUnreachable, err)
	}
	n++ // LOGIN or AUTHENTICATE
	if c.cfg.Login == LoginSeparator && as != "" {
		err = cl.Login(as+c.cfg.Separator+c.cfg.Admin, c.cfg.Password).Wait()
	} else {
		err = cl.Authenticate(sasl.NewPlainClient(as, c.cfg.Admin, c.cfg.Password))
	}
	if err != nil {
		cl.Close()
		return nil, n, err
	}
	return cl, n, nil
}

// Open implements mailbox.Connector. A refused login is told apart: when
// the administrator alone can log in, the user's mailbox does not exist
// (ErrNoMailbox); otherwise the credentials are wrong (ErrCredentials).
func (c *Connector) Open(ctx context.Context, user string) (mailbox.Session, error) {
	cl, n, err := c.dial(ctx, user)
	if err == nil {
		return &session{c: c, cl: cl, user: user, commands: n, created: map[string]bool{}}, nil
	}
	if errors.Is(err, mailbox.ErrUnreachable) {
		return nil, err
	}
	// RFC 5530: the administrator's credentials were good, but it may not
	// act as that user — on Dovecot, Zimbra and Cyrus: no such user.
	var ie *imap.Error
	if errors.As(err, &ie) && ie.Code == imap.ResponseCodeAuthorizationFailed {
		return nil, fmt.Errorf("imap %s: log in to %s: %w: %v", c.cfg.Addr, user, mailbox.ErrNoMailbox, err)
	}
	admin, _, aerr := c.dial(ctx, "")
	if aerr == nil {
		admin.Logout().Wait()
		admin.Close()
		return nil, fmt.Errorf("imap %s: log in to %s: %w (the administrator login works): %v", c.cfg.Addr, user, mailbox.ErrNoMailbox, err)
	}
	return nil, fmt.Errorf("imap %s: log in as %s for %s: %w: %v", c.cfg.Addr, c.cfg.Admin, user, mailbox.ErrCredentials, err)
}

// session is one user's mailbox.
type session struct {
	c        *Connector
	cl       *imapclient.Client
	user     string
	commands int
	selected string
	readOnly bool
	writing  bool
	created  map[string]bool
	folders  []mailbox.Folder
	sieve    *sieveState
}

func (s *session) Commands() int {
	n := s.commands
	if s.sieve != nil && s.sieve.client != nil {
		n += s.sieve.client.Commands
	}
	return n
}

func (s *session) Close() error {
	if s.sieve != nil && s.sieve.client != nil {
		s.sieve.client.Logout()
	}
	s.commands++
	s.cl.Logout().Wait()
	return s.cl.Close()
}

// Folders implements mailbox.Session with LIST (RETURN SPECIAL-USE where
// the server has it).
func (s *session) Folders(ctx context.Context) ([]mailbox.Folder, error) {
	if s.folders != nil {
		return s.folders, nil
	}
	var opts *imap.ListOptions
	if s.cl.Caps().Has(imap.CapSpecialUse) {
		opts = &imap.ListOptions{ReturnSpecialUse: true}
	}
	s.commands++
	list, err := s.cl.List("", "*", opts).Collect()
	if err != nil {
		return nil, fmt.Errorf("imap %s: LIST: %w", s.user, err)
	}
	for _, l := range list {
		if hasAttr(l.Attrs, imap.MailboxAttrNoSelect) || hasAttr(l.Attrs, imap.MailboxAttrNonExistent) {
			continue
		}
		s.folders = append(s.folders, mailbox.Folder{Name: l.Mailbox, Role: roleOf(l.Mailbox, l.Attrs, l.Delim)})
	}
	return s.folders, nil
}

func hasAttr(attrs []imap.MailboxAttr, a imap.MailboxAttr) bool {
	for _, x := range attrs {
		if strings.EqualFold(string(x), string(a)) {
			return true
		}
	}
	return false
}

func roleOf(name string, attrs []imap.MailboxAttr, delim rune) mailbox.Role {
	if strings.EqualFold(name, "INBOX") {
		return mailbox.Inbox
	}
	for attr, role := range map[imap.MailboxAttr]mailbox.Role{imap.MailboxAttrSent: mailbox.Sent,
		imap.MailboxAttrDrafts: mailbox.Drafts, imap.MailboxAttrTrash: mailbox.Trash, imap.MailboxAttrJunk: mailbox.Junk,
		imap.MailboxAttrArchive: mailbox.Archive} {
		if hasAttr(attrs, attr) {
			return role
		}
	}
	leaf := name
	if delim != 0 {
		if i := strings.LastIndex(name, string(delim)); i >= 0 {
			leaf = name[i+1:]
		}
	}
	return mailbox.RoleByName(leaf)
}

// ForWriting implements mailbox.Writer: folders are opened read-write
// from now on (SELECT, not EXAMINE).
func (s *session) ForWriting() { s.writing = true }

// selectFolder selects folder, read-only unless write (or the session's
// ForWriting) is set.
func (s *session) selectFolder(ctx context.Context, folder string, write bool) error {
	write = write || s.writing
	if s.selected == folder && (!write || !s.readOnly) {
		return nil
	}
	s.commands++
	stop := context.AfterFunc(ctx, func() { s.cl.Close() })
	defer stop()
	if _, err := s.cl.Select(folder, &imap.SelectOptions{ReadOnly: !write}).Wait(); err != nil {
		s.selected = ""
		if isNo(err) {
			return fmt.Errorf("imap %s: select %q: %w: %v", s.user, folder, mailbox.ErrNoFolder, err)
		}
		return fmt.Errorf("imap %s: select %q: %w", s.user, folder, err)
	}
	s.selected, s.readOnly = folder, !write
	return nil
}

func isNo(err error) bool {
	var ie *imap.Error
	return errors.As(err, &ie) && ie.Type == imap.StatusResponseTypeNo
}
