// Package relay is the gateway's SMTP front end: Vigie listening as the MX
// in front of the organisation's mail server (github.com/emersion/go-smtp).
// It accepts mail only for the configured domains (never an open relay),
// offers STARTTLS with the configured certificate, scans each message at
// end of DATA and answers with the verdict. An accepted message gets its
// 250 only once it is durably in the on-disk queue (package queue), whose
// workers hand it to the next hop.
package relay

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-smtp"

	"vigie.dev/vigie/internal/gateway"
	"vigie.dev/vigie/internal/gateway/queue"
	"vigie.dev/vigie/internal/gateway/rcptverify"
	"vigie.dev/vigie/internal/gateway/release"
	"vigie.dev/vigie/internal/scan"
)

// Queue stores an accepted message durably (package queue): parts are
// written one after the other under id.
type Queue interface {
	PutID(id, from string, to []string, parts ...[]byte) error
}

// Server is the SMTP relay. Set the fields, then call Serve.
type Server struct {
	Gateway  *gateway.Gateway
	Queue    Queue
	Domains  []string // accepted recipient domains
	Hostname string   // greeting and Received name
	TLS      *tls.Config
	MaxSize  int64 // bytes accepted (SIZE, end of DATA); 50 MiB when zero
	// ScanSize is the scan window (limits.max_size): a longer message is
	// judged on its first ScanSize bytes, refused or passed as
	// gateway.Settings.Oversize says. 0: MaxSize.
	ScanSize int64
	MaxRcpt  int // recipients per message; 100 when zero
	Timeout  time.Duration
	// Verify, when set, asks the next hop about each recipient before
	// accepting it (package rcptverify).
	Verify   *rcptverify.Verifier
	SpoolDir string        // temporary files of messages under way
	Limit    gateway.Limit // connections at once (421 beyond)
	Log      *slog.Logger

	mu       sync.Mutex
	srv      *smtp.Server
	draining bool
	// sessions are the open SMTP sessions, so that Shutdown can end the
	// idle ones instead of waiting for their clients to leave.
	sessions map[*session]struct{}
}

// Replies: short, and naming no rule, list or threshold.
var (
	errRelayDenied = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Relaying denied"}
	errTooManyRcpt = &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 5, 3}, Message: "Too many recipients"}
	errRejected    = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Message refused: it looks like phishing or fraud"}
	errTempfail    = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "Message could not be checked now, try again later"}
	errQueue       = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary local problem, try again later"}
	errShutdown    = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2}, Message: "Service shutting down, try again later"}
	errBadAddress  = &smtp.SMTPError{Code: 501, EnhancedCode: smtp.EnhancedCode{5, 1, 3}, Message: "Bad recipient address syntax"}
	errOversize    = &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4}, Message: "Message too big for the content filter"}
	errBusy        = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 2}, Message: "Content filter busy, try again later"}
	replyTooMany   = "421 4.7.0 Too many connections, try again later\r\n"
)

// Serve answers SMTP on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	srv := smtp.NewServer(s)
	srv.Domain = s.Hostname
	srv.TLSConfig = s.TLS
	srv.MaxMessageBytes = s.MaxSize
	if srv.MaxMessageBytes <= 0 {
		srv.MaxMessageBytes = 50 << 20
	}
	srv.MaxRecipients = s.MaxRcpt
	if srv.MaxRecipients <= 0 {
		srv.MaxRecipients = 100
	}
	srv.ReadTimeout = 5 * time.Minute // RFC 5321 §4.5.3.2 server timeout
	srv.WriteTimeout = 5 * time.Minute
	srv.EnableSMTPUTF8 = true
	srv.ErrorLog = slogLogger{s.logger()}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	limit := s.Limit
	limit.Refuse = func(c net.Conn) { io.WriteString(c, replyTooMany) }
	err := srv.Serve(limit.Listen(ln))
	if errors.Is(err, smtp.ErrServerClosed) || s.isDraining() {
		return nil
	}
	return fmt.Errorf("relay: serve: %w", err)
}

// Shutdown stops accepting connections and new messages and waits for the
// sessions to end, or ctx; then it closes what is left. Messages being
// received or scanned are answered first; a session between transactions
// (a client keeping its connection open, as Postfix's connection cache
// does) is told 421 and closed at once rather than holding the stop until
// ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.draining = true
	srv := s.srv
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	done := make(chan struct{})
	defer close(done)
	go s.endIdleSessions(done)
	err := srv.Shutdown(ctx)
	if err != nil {
		srv.Close()
	}
	return err
}

// endIdleSessions wakes the sessions waiting for a command outside a mail
// transaction until done: their read deadline is moved to now, so go-smtp
// answers 421 4.4.2 and closes the connection. A session reading its next
// command re-arms its deadline, hence the repeat.
func (s *Server) endIdleSessions(done <-chan struct{}) {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		s.mu.Lock()
		for m := range s.sessions {
			if !m.busy.Load() {
				m.conn.Conn().SetReadDeadline(time.Now())
			}
		}
		s.mu.Unlock()
		select {
		case <-done:
			return
		case <-t.C:
		}
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

// accepts reports whether rcpt's domain is one of ours. Local parts that
// a downstream server could read as a route — "%", "!" or a quoted "@"
// (the percent hack, UUCP bang paths; RFC 5321 §3.6.1, §7.9) — are
// refused, so the relay is never open by way of the next hop.
func (s *Server) accepts(rcpt string) bool {
	i := strings.LastIndexByte(rcpt, '@')
	if i <= 0 || strings.ContainsAny(rcpt[:i], "%!@") {
		return false
	}
	d := strings.ToLower(rcpt[i+1:])
	for _, ok := range s.Domains {
		if d == strings.ToLower(ok) {
			return true
		}
	}
	return false
}

// NewSession implements smtp.Backend.
func (s *Server) NewSession(c *smtp.Conn) (smtp.Session, error) {
	if s.isDraining() {
		return nil, errShutdown
	}
	sess := &session{srv: s, conn: c}
	s.mu.Lock()
	if s.sessions == nil {
		s.sessions = map[*session]struct{}{}
	}
	s.sessions[sess] = struct{}{}
	s.mu.Unlock()
	if ta, ok := c.Conn().RemoteAddr().(*net.TCPAddr); ok {
		if a, ok := netip.AddrFromSlice(ta.IP); ok {
			sess.ip = a.Unmap()
		}
	}
	return sess, nil
}

type session struct {
	srv  *Server
	conn *smtp.Conn
	ip   netip.Addr
	from string
	to   []string
	// busy is set from MAIL FROM to the end of the transaction: Shutdown
	// lets such a session finish.
	busy atomic.Bool
}

func (m *session) Reset() { m.from, m.to = "", nil; m.busy.Store(false) }

func (m *session) Logout() error {
	m.srv.mu.Lock()
	delete(m.srv.sessions, m)
	m.srv.mu.Unlock()
	return nil
}

func (m *session) Mail(from string, opts *smtp.MailOptions) error {
	if m.srv.isDraining() {
		return errShutdown
	}
	if opts != nil && opts.Size > 0 && m.srv.MaxSize > 0 && opts.Size > m.srv.MaxSize {
		return smtp.ErrDataTooLarge // RFC 1870 §6.1
	}
	m.from, m.to = from, nil
	m.busy.Store(true)
	return nil
}

func (m *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if !strings.Contains(to, "@") {
		return errBadAddress
	}
	if !m.srv.accepts(to) {
		m.srv.logger().Info("relay denied", "client_ip", m.ip.String(), "helo", m.conn.Hostname(), "mail_from", m.from, "rcpt", to)
		return errRelayDenied
	}
	max := m.srv.MaxRcpt
	if max <= 0 {
		max = 100
	}
	if len(m.to) >= max {
		return errTooManyRcpt
	}
	if err := m.srv.verify(m, to); err != nil {
		return err
	}
	m.to = append(m.to, to)
	return nil
}

// verify asks the next hop whether rcpt exists: refused there, it is
// refused here (550 5.1.1) rather than bounced later to a sender that may
// be forged; when the next hop cannot say, the client is asked to retry
// (450 4.1.1), as Postfix's reject_unverified_recipient does.
func (s *Server) verify(m *session, rcpt string) error {
	if s.Verify == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	r := s.Verify.Verify(ctx, rcpt)
	cancel()
	if mt := s.Gateway.Metrics; mt != nil {
		mt.RcptVerify.WithLabelValues(r.Status.String(), fmt.Sprint(r.Cached)).Inc()
	}
	switch r.Status {
	case rcptverify.Refused:
		s.logger().Info("recipient refused by the next hop", "client_ip", m.ip.String(), "mail_from", m.from, "rcpt", rcpt,
			"reply", r.Reply, "cached", r.Cached)
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
			Message: fmt.Sprintf("<%s>: Recipient address rejected: User unknown", rcpt)}
	case rcptverify.Unknown:
		s.logger().Warn("recipient could not be verified, client asked to retry", "client_ip", m.ip.String(), "rcpt", rcpt,
			"reply", r.Reply, "cached", r.Cached)
		return &smtp.SMTPError{Code: 450, EnhancedCode: smtp.EnhancedCode{4, 1, 1},
			Message: fmt.Sprintf("<%s>: Recipient address rejected: unverified address, try again later", rcpt)}
	}
	return nil
}

func (m *session) Data(r io.Reader) error {
	s := m.srv
	sp := gateway.Spool{Dir: s.SpoolDir}
	defer sp.Reset()
	if _, err := io.Copy(&sp, r); err != nil {
		// Over the size limit or a broken connection: go-smtp answers.
		return err
	}
	if mt := s.Gateway.Metrics; mt != nil {
		start := time.Now()
		defer func() { mt.DataTime.Observe(time.Since(start).Seconds()) }()
	}
	env := scan.Envelope{ClientIP: m.ip, HELO: m.conn.Hostname(), MailFrom: m.from, RcptTo: append([]string(nil), m.to...)}
	if m.from == "" {
		env.MailFrom = scan.NullSender // MAIL FROM:<>
	}
	qid := queue.NewID()
	log := s.logger().With("queue_id", qid)
	if err := sp.Err(); err != nil {
		s.Gateway.CountError("relay")
		log.Error("relay: spool write failed, message refused with 451", "err", err)
		return errQueue
	}
	scanSize := s.ScanSize
	if scanSize <= 0 {
		scanSize = s.MaxSize
	}
	oversize := scanSize > 0 && sp.Len() > scanSize
	policy := s.Gateway.Settings().Oversize
	if oversize && policy == gateway.OversizeReject {
		log.Info("message over limits.max_size refused", "size", sp.Len(), "limit", scanSize)
		return errOversize
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	deadline := time.Now().Add(timeout)
	raw, done, err := s.Gateway.Load(&sp, timeout)
	if err != nil {
		if errors.Is(err, gateway.ErrBusy) {
			log.Warn("relay: no memory for the message in time, refused with 451", "size", sp.Len())
			return errBusy
		}
		s.Gateway.CountError("relay")
		log.Error("relay: spool read failed, message refused with 451", "err", err)
		return errQueue
	}
	defer done()
	job := gateway.Job{Frontend: "relay", QueueID: qid, Raw: raw, Env: env, Timeout: max(time.Until(deadline), time.Second)}
	var o gateway.Outcome
	released := s.Gateway.CheckRelease(&job, releaseField(raw), release.BodyOf(raw))
	switch {
	case released:
		o = gateway.Outcome{Action: scan.Accept, Fields: []gateway.Field{{Name: gateway.HeaderVerdict, Value: "released"}}}
	case oversize && policy == gateway.OversizeAccept:
		log.Warn("message over limits.max_size passed unscanned (serve.oversize: accept)", "size", len(raw), "limit", scanSize)
		o = gateway.Outcome{Action: scan.Accept, Fields: []gateway.Field{{Name: gateway.HeaderVerdict, Value: "oversize"}}}
	default:
		o = s.Gateway.Process(context.Background(), job)
	}
	switch o.Action {
	case gateway.Tempfail:
		return errTempfail
	case scan.Reject:
		return errRejected
	case scan.Quarantine:
		return queued(qid) // our copy is durable: the message is taken care of
	}
	strip := gateway.StripOwnFields
	if released {
		strip = gateway.StripReleased
	}
	out, _ := strip(raw, s.Gateway.Settings().AuthServID)
	if o.Subject != "" {
		out = gateway.RewriteSubject(out, o.Subject)
	}
	if o.Body != nil {
		out = o.Body.Apply(out)
	}
	fields := append([]gateway.Field{{Name: "Received", Value: m.received(qid)}}, o.Fields...)
	if err := s.Queue.PutID(qid, m.from, env.RcptTo, gateway.Prepend(nil, fields), out); err != nil {
		s.Gateway.CountError("queue")
		log.Error("relay: queue write failed, message refused with 451", "err", err)
		return errQueue
	}
	return queued(qid)
}

// releaseField returns the value of the first X-Vigie-Release field of
// raw's header, "" when there is none.
func releaseField(raw []byte) string {
	h := raw[:len(raw)-len(release.BodyOf(raw))]
	var value []byte
	in := false
	for _, line := range bytes.SplitAfter(h, []byte("\n")) {
		if in && len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
			value = append(value, line...) // folded continuation
			continue
		}
		if in {
			break
		}
		name, v, ok := bytes.Cut(line, []byte(":"))
		if ok && strings.EqualFold(string(bytes.TrimSpace(name)), release.Header) {
			value, in = append(value, v...), true
		}
	}
	return strings.Join(strings.Fields(string(value)), " ")
}

// queued is the reply to a message taken care of, as Postfix words it, so
// that the client's log names our queue id ("status=sent (250 2.0.0 Ok:
// queued as ...)"). go-smtp sends an *SMTPError returned by Data as is,
// whatever its code.
func queued(id string) error {
	return &smtp.SMTPError{Code: 250, EnhancedCode: smtp.EnhancedCode{2, 0, 0}, Message: "Ok: queued as " + id}
}

// received is our trace field (RFC 5321 §4.4).
func (m *session) received(id string) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "from %s ([%s]) by %s (Vigie) with ", traceName(m.conn.Hostname()), m.ip, m.srv.Hostname)
	if _, ok := m.conn.TLSConnectionState(); ok {
		b.WriteString("ESMTPS")
	} else {
		b.WriteString("ESMTP")
	}
	fmt.Fprintf(&b, " id %s", id)
	if len(m.to) == 1 {
		fmt.Fprintf(&b, " for <%s>", m.to[0])
	}
	fmt.Fprintf(&b, "; %s", time.Now().Format(time.RFC1123Z))
	return b.String()
}

// traceName is the client's HELO as our trace field may carry it: the
// client says what it likes, and a bare CR, a parenthesis or a semicolon
// in it would let it write part of the field itself (a comment, a "by"
// clause, a date) for whoever reads the trace later, Vigie included. The
// characters of a domain or an address literal (RFC 5321 §4.1.3) are
// kept, any other byte becomes "?", as Postfix prints a client's
// unprintable input, and the name is cut at 255 bytes, a domain's length
// limit (RFC 5321 §4.5.3.1.2).
func traceName(helo string) string {
	const limit = 255
	b := make([]byte, 0, min(len(helo), limit))
	for i := 0; i < len(helo) && len(b) < limit; i++ {
		switch c := helo[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '.', c == '-', c == '_', c == ':', c == '[', c == ']':
			b = append(b, c)
		default:
			b = append(b, '?')
		}
	}
	if len(b) == 0 {
		return "unknown"
	}
	return string(b)
}

// slogLogger adapts slog to go-smtp's error log.
type slogLogger struct{ l *slog.Logger }

func (l slogLogger) Printf(format string, v ...any) { l.l.Warn(fmt.Sprintf("smtp: "+format, v...)) }
func (l slogLogger) Println(v ...any)               { l.l.Warn("smtp: " + fmt.Sprintln(v...)) }
