// Package milter is the gateway's Postfix/Sendmail front end: a milter
// (the Sendmail mail filter protocol, as spoken by Postfix's
// smtpd_milters) over github.com/emersion/go-milter. It buffers the
// message the MTA streams to it, scans it at end of body with a deadline
// (milter callbacks carry no context), and answers: accept, tag (add our
// header fields, prefix the subject), quarantine (keep our copy, then hold
// or discard), reject with 550 5.7.1, or tempfail with 451 4.7.1.
package milter

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/textproto"
	"os"
	"os/user"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	gomilter "github.com/emersion/go-milter"

	"vigie.dev/vigie/internal/gateway"
	"vigie.dev/vigie/internal/scan"
)

// Replies. They say what happened without naming any rule, threshold or
// list, so that a sender probing the filter learns nothing of its setup.
const (
	replyReject   = "550 5.7.1 Message refused: it looks like phishing or fraud"
	replyTempfail = "451 4.7.1 Message could not be checked now, try again later"
)

// Server is the milter listener.
type Server struct {
	Gateway *gateway.Gateway
	// Timeout bounds the scan at end of message (30 s when zero).
	Timeout time.Duration
	// Discard tells the MTA to discard a quarantined message once our copy
	// is kept; by default it is put on hold (Postfix's hold queue).
	Discard bool
	// MaxSize bounds the bytes buffered per message (50 MiB when zero); a
	// larger message is passed unscanned with X-Vigie-Verdict: oversize.
	MaxSize int64
	Log     *slog.Logger

	mu       sync.Mutex
	ln       net.Listener
	draining bool
	active   sync.WaitGroup
}

// Socket says who may use a Unix-domain milter socket.
type Socket struct {
	Mode  os.FileMode // permission bits; 0660 when zero
	Group string      // group name or number owning it; "" keeps the process's
}

// Listen opens addr: "host:port" or "unix:/path/to/socket". A Unix socket
// gets sock's mode and group (Postfix's smtpd must be able to connect:
// group postfix, mode 0660). A socket file left by a process that died is
// removed first; a socket some process still answers on, or a path that is
// not a socket, is an error and is left alone.
func Listen(addr string, sock Socket) (net.Listener, error) {
	path, ok := strings.CutPrefix(addr, "unix:")
	if !ok {
		return net.Listen("tcp", addr)
	}
	if err := removeStale(path); err != nil {
		return nil, err
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	mode := sock.Mode
	if mode == 0 {
		mode = 0o660
	}
	if sock.Group != "" {
		gid, err := lookupGroup(sock.Group)
		if err == nil {
			err = os.Chown(path, -1, gid)
		}
		if err != nil {
			ln.Close()
			return nil, fmt.Errorf("milter: socket group %s: %w", sock.Group, err)
		}
	}
	if err := os.Chmod(path, mode.Perm()); err != nil {
		ln.Close()
		return nil, fmt.Errorf("milter: socket mode: %w", err)
	}
	return ln, nil
}

// removeStale removes a Unix socket nobody listens on any more.
func removeStale(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("milter: %w", err)
	}
	if fi.Mode()&os.ModeSocket == 0 {
		return fmt.Errorf("milter: %s exists and is not a socket: not removed", path)
	}
	c, err := net.DialTimeout("unix", path, 2*time.Second)
	if err == nil {
		c.Close()
		return fmt.Errorf("milter: %s is in use by another process (another vigie serve?)", path)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("milter: probing %s: %w", path, err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("milter: removing stale socket: %w", err)
	}
	return nil
}

func lookupGroup(name string) (int, error) {
	if gid, err := strconv.Atoi(name); err == nil {
		return gid, nil
	}
	g, err := user.LookupGroup(name)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(g.Gid)
}

// Serve answers milter connections on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	s.ln = ln
	s.mu.Unlock()
	srv := &gomilter.Server{
		NewMilter: func() gomilter.Milter { return &session{srv: s} },
		Actions:   gomilter.OptAddHeader | gomilter.OptChangeHeader | gomilter.OptQuarantine,
		Protocol:  gomilter.OptNoUnknown | gomilter.OptNoData,
	}
	err := srv.Serve(ln)
	if s.isDraining() {
		return nil
	}
	return fmt.Errorf("milter: serve: %w", err)
}

// Shutdown stops accepting connections, refuses new messages on open ones
// (tempfail: the MTA keeps them), and waits for the messages being scanned
// to be answered, or for ctx.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.draining = true
	ln := s.ln
	s.mu.Unlock()
	if ln != nil {
		ln.Close()
	}
	done := make(chan struct{})
	go func() { s.active.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("milter: shutdown: %w", ctx.Err())
	}
}

func (s *Server) isDraining() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.draining
}

func (s *Server) logger() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

// session is one MTA connection; go-milter calls it from one goroutine.
type session struct {
	srv *Server
	env scan.Envelope // connection part survives Abort

	queueID  string
	header   bytes.Buffer
	body     bytes.Buffer
	oversize bool
	// seen counts the fields of each (lower-cased) name so far, and forged
	// lists the fields only Vigie may write (gateway.OwnField) with their
	// 1-based index among the fields of their name: the milter protocol
	// addresses a field by name and index. They are removed.
	seen       map[string]int
	forged     []fieldRef
	hasSubject bool
}

type fieldRef struct {
	name  string
	index int
}

func (m *session) reset() {
	m.env.MailFrom, m.env.RcptTo, m.env.Authenticated = "", nil, false
	m.queueID = ""
	m.header.Reset()
	m.body.Reset()
	m.oversize = false
	m.seen, m.forged, m.hasSubject = nil, nil, false
}

func (m *session) Connect(host string, family string, port uint16, addr net.IP, _ *gomilter.Modifier) (gomilter.Response, error) {
	if a, ok := netip.AddrFromSlice(addr); ok && (family == "tcp4" || family == "tcp6") {
		m.env.ClientIP = a.Unmap()
	}
	if host != "" && !strings.HasPrefix(host, "[") && host != "unknown" {
		// Postfix passes the verified client name, or "[ip]" when it has none.
		m.env.RDNS, m.env.RDNSKnown = strings.ToLower(host), true
	} else if host != "" {
		m.env.RDNSKnown = true
	}
	return gomilter.RespContinue, nil
}

func (m *session) Helo(name string, _ *gomilter.Modifier) (gomilter.Response, error) {
	m.env.HELO = name
	return gomilter.RespContinue, nil
}

func (m *session) MailFrom(from string, mod *gomilter.Modifier) (gomilter.Response, error) {
	m.reset()
	if m.srv.isDraining() {
		return gomilter.NewResponseStr(byte(gomilter.ActReplyCode), replyTempfail), nil
	}
	m.env.MailFrom = from
	if mod.Macros["{auth_authen}"] != "" {
		m.env.Authenticated = true
	}
	m.queueID = mod.Macros["i"]
	return gomilter.RespContinue, nil
}

func (m *session) RcptTo(rcpt string, _ *gomilter.Modifier) (gomilter.Response, error) {
	m.env.RcptTo = append(m.env.RcptTo, rcpt)
	return gomilter.RespContinue, nil
}

func (m *session) Header(name, value string, _ *gomilter.Modifier) (gomilter.Response, error) {
	if m.seen == nil {
		m.seen = map[string]int{}
	}
	key := strings.ToLower(name)
	m.seen[key]++
	if gateway.OwnField(name, value, m.srv.Gateway.Settings().AuthServID) {
		m.forged = append(m.forged, fieldRef{name, m.seen[key]})
	}
	if strings.EqualFold(name, "Subject") {
		m.hasSubject = true
	}
	if m.room(len(name) + len(value) + 4) {
		// The MTA sends folded values with bare LF line breaks.
		v := strings.ReplaceAll(strings.ReplaceAll(value, "\r\n", "\n"), "\n", "\r\n")
		m.header.WriteString(name + ": " + v + "\r\n")
	}
	return gomilter.RespContinue, nil
}

func (m *session) Headers(_ textproto.MIMEHeader, _ *gomilter.Modifier) (gomilter.Response, error) {
	m.header.WriteString("\r\n")
	return gomilter.RespContinue, nil
}

func (m *session) BodyChunk(chunk []byte, _ *gomilter.Modifier) (gomilter.Response, error) {
	if m.room(len(chunk)) {
		m.body.Write(chunk)
	}
	return gomilter.RespContinue, nil
}

// room reports whether n more bytes fit under MaxSize, and remembers when
// they did not.
func (m *session) room(n int) bool {
	max := m.srv.MaxSize
	if max <= 0 {
		max = 50 << 20
	}
	if int64(m.header.Len()+m.body.Len()+n) > max {
		m.oversize = true
	}
	return !m.oversize
}

func (m *session) Abort(_ *gomilter.Modifier) error {
	m.reset()
	return nil
}

// Body is called at end of message: scan and answer.
func (m *session) Body(mod *gomilter.Modifier) (gomilter.Response, error) {
	s := m.srv
	s.active.Add(1)
	defer s.active.Done()
	defer m.reset()
	if id := mod.Macros["i"]; id != "" {
		m.queueID = id
	}
	log := s.logger().With("queue_id", m.queueID)
	if m.oversize {
		log.Warn("message over the milter size limit passed unscanned", "limit", s.MaxSize)
		if err := mod.AddHeader(gateway.HeaderVerdict, "oversize"); err != nil {
			return nil, err
		}
		return gomilter.RespAccept, nil
	}
	raw := make([]byte, 0, m.header.Len()+m.body.Len())
	raw = append(append(raw, m.header.Bytes()...), m.body.Bytes()...)
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	o := s.Gateway.Process(context.Background(), gateway.Job{
		Frontend: "milter", QueueID: m.queueID, Raw: raw, Env: m.env, Timeout: timeout,
	})
	switch o.Action {
	case gateway.Tempfail:
		return gomilter.NewResponseStr(byte(gomilter.ActReplyCode), replyTempfail), nil
	case scan.Reject:
		return gomilter.NewResponseStr(byte(gomilter.ActReplyCode), replyReject), nil
	case scan.Quarantine:
		if s.Discard {
			return gomilter.RespDiscard, nil
		}
		// Postfix's held copy may be released with postsuper -H: it must
		// not carry forged verdicts either.
		if err := m.stripForged(mod); err != nil {
			return nil, err
		}
		if err := mod.Quarantine("vigie quarantine " + o.QuarantineID); err != nil {
			return nil, err
		}
		return gomilter.RespAccept, nil
	}
	if err := m.modify(mod, o); err != nil {
		s.Gateway.CountError("milter")
		return nil, err
	}
	return gomilter.RespAccept, nil
}

// stripForged removes the incoming fields only Vigie may write, from the
// last so that the indexes of earlier ones stay valid. Errors are write
// errors on the MTA connection.
func (m *session) stripForged(mod *gomilter.Modifier) error {
	for i := len(m.forged) - 1; i >= 0; i-- {
		if err := mod.ChangeHeader(m.forged[i].index, m.forged[i].name, ""); err != nil {
			return err
		}
	}
	return nil
}

// modify removes forged fields and adds ours. Errors are write errors on
// the MTA connection.
func (m *session) modify(mod *gomilter.Modifier, o gateway.Outcome) error {
	if err := m.stripForged(mod); err != nil {
		return err
	}
	var errs []error
	for _, f := range o.Fields {
		v := gateway.Fold(f.Name, f.Value, "\n")
		if f.Name == "Authentication-Results" {
			// On top, as a trace field (RFC 8601 §2.1).
			errs = append(errs, mod.InsertHeader(0, f.Name, v))
			continue
		}
		errs = append(errs, mod.AddHeader(f.Name, v))
	}
	if o.Subject != "" {
		if m.hasSubject {
			errs = append(errs, mod.ChangeHeader(1, "Subject", o.Subject))
		} else {
			errs = append(errs, mod.AddHeader("Subject", o.Subject))
		}
	}
	return errors.Join(errs...)
}
