package milter

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/netip"
	"net/textproto"
	"slices"
	"strings"
	"time"

	gomilter "github.com/emersion/go-milter"

	"vigie.dev/vigie/internal/gateway"
	"vigie.dev/vigie/internal/gateway/release"
	"vigie.dev/vigie/internal/scan"
)

const (
	replyOversize = "552 5.3.4 Message too big for the content filter"
	replyBusy     = "451 4.3.2 Content filter busy, try again later"
)

// session is one MTA connection; go-milter calls it from one goroutine.
type session struct {
	srv *Server
	env scan.Envelope // connection part survives Abort

	queueID string
	spool   gateway.Spool
	// seen counts the fields of each (lower-cased) name so far, and forged
	// lists the fields only Vigie may write (gateway.OwnField) with their
	// 1-based index among the fields of their name: the milter protocol
	// addresses a field by name and index. They are removed.
	seen       map[string]int
	forged     []fieldRef
	hasSubject bool
	release    string // the X-Vigie-Release value, if any
}

type fieldRef struct {
	name  string
	index int
}

func (s *Server) newSession() *session {
	m := &session{srv: s}
	m.spool.Dir = s.SpoolDir
	m.spool.Max = s.maxSize() + 1 // one more: the parser then knows it was cut (OVERSIZE)
	return m
}

func (s *Server) maxSize() int64 {
	if s.MaxSize <= 0 {
		return 50 << 20
	}
	return s.MaxSize
}

func (m *session) reset() {
	m.env.MailFrom, m.env.RcptTo, m.env.Authenticated = "", nil, false
	m.queueID = ""
	m.spool.Reset()
	m.seen, m.forged, m.hasSubject, m.release = nil, nil, false, ""
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
	if from == "" {
		m.env.MailFrom = scan.NullSender // MAIL FROM:<>, a bounce or an auto-reply
	}
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
		if strings.EqualFold(name, release.Header) && m.release == "" {
			m.release = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(value, "\r", ""), "\n", ""))
		}
	}
	if key == "subject" {
		m.hasSubject = true
	}
	// The MTA sends folded values with bare LF line breaks.
	v := strings.ReplaceAll(strings.ReplaceAll(value, "\r\n", "\n"), "\n", "\r\n")
	m.spool.WriteString(name + ": " + v + "\r\n")
	return gomilter.RespContinue, nil
}

func (m *session) Headers(_ textproto.MIMEHeader, _ *gomilter.Modifier) (gomilter.Response, error) {
	m.spool.WriteString("\r\n")
	return gomilter.RespContinue, nil
}

func (m *session) BodyChunk(chunk []byte, _ *gomilter.Modifier) (gomilter.Response, error) {
	m.spool.Write(chunk)
	return gomilter.RespContinue, nil
}

func (m *session) Abort(_ *gomilter.Modifier) error {
	m.reset()
	return nil
}

func reply(s string) gomilter.Response {
	return gomilter.NewResponseStr(byte(gomilter.ActReplyCode), s)
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
	g := s.Gateway
	log := s.logger().With("queue_id", m.queueID)
	if err := m.spool.Err(); err != nil {
		g.CountError("milter")
		log.Error("milter: spool write failed, message refused with 451", "err", err)
		return reply(replyTempfail), nil
	}
	truncated := m.spool.Truncated()
	if truncated {
		switch g.Settings().Oversize {
		case gateway.OversizeReject:
			log.Info("message over limits.max_size refused", "size", m.spool.Size(), "limit", s.maxSize())
			return reply(replyOversize), nil
		case gateway.OversizeAccept:
			log.Warn("message over limits.max_size passed unscanned (serve.oversize: accept)", "size", m.spool.Size(), "limit", s.maxSize())
			if err := m.stripForged(mod); err != nil {
				return nil, err
			}
			if err := mod.AddHeader(gateway.HeaderVerdict, "oversize"); err != nil {
				return nil, err
			}
			return gomilter.RespAccept, nil
		}
		// OversizeScan: the first MaxSize bytes are judged below.
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	deadline := time.Now().Add(timeout)
	raw, done, err := g.Load(&m.spool, timeout)
	if err != nil {
		if errors.Is(err, gateway.ErrBusy) {
			log.Warn("milter: no memory for the message in time, refused with 451", "size", m.spool.Len())
			return reply(replyBusy), nil
		}
		g.CountError("milter")
		log.Error("milter: spool read failed, message refused with 451", "err", err)
		return reply(replyTempfail), nil
	}
	defer done()
	job := gateway.Job{Frontend: "milter", QueueID: m.queueID, Raw: raw, Env: m.env,
		Timeout: max(time.Until(deadline), time.Second), MTAHold: !s.Discard || truncated, Truncated: truncated}
	if g.CheckRelease(&job, m.release, release.BodyOf(raw)) {
		// The releasing side wrote the X-Vigie-Banner fields (a suspect
		// invoice's warning): they stay (gateway.StripReleased).
		m.forged = slices.DeleteFunc(m.forged, func(f fieldRef) bool { return strings.EqualFold(f.name, gateway.HeaderBanner) })
		err := m.stripForged(mod)
		if err == nil {
			err = mod.AddHeader(gateway.HeaderVerdict, "released")
		}
		if err != nil {
			return nil, err
		}
		return gomilter.RespAccept, nil
	}
	o := g.Process(context.Background(), job)
	switch o.Action {
	case gateway.Tempfail:
		return reply(replyTempfail), nil
	case scan.Reject:
		return reply(replyReject), nil
	case scan.Quarantine:
		if s.Discard && !truncated {
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
		g.CountError("milter")
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
	if o.Body != nil {
		errs = append(errs, m.replaceBody(mod, o.Body))
	}
	return errors.Join(errs...)
}

// replaceBodyChunk is the most a milter reply carries (libmilter's
// MILTER_CHUNK_SIZE): a longer body goes in several replies, cut at line
// ends, which the MTA appends to one another.
const replaceBodyChunk = 65535

// replaceBody makes the MTA deliver b's body: the content fields move
// into the wrapped part, the header gets the new Content-Type.
func (m *session) replaceBody(mod *gomilter.Modifier, b *gateway.BodyBanner) error {
	for _, name := range b.Moved {
		for i := m.seen[strings.ToLower(name)]; i >= 1; i-- {
			if err := mod.ChangeHeader(i, name, ""); err != nil {
				return err
			}
		}
	}
	if b.AddMIMEVersion {
		if err := mod.AddHeader("MIME-Version", "1.0"); err != nil {
			return err
		}
	}
	if err := mod.AddHeader("Content-Type", gateway.Fold("Content-Type", b.ContentType, "\n")); err != nil {
		return err
	}
	body := b.Body
	for len(body) > 0 {
		n := len(body)
		if n > replaceBodyChunk {
			n = replaceBodyChunk
			if nl := bytes.LastIndexByte(body[:n], '\n'); nl > 0 {
				n = nl + 1
			}
		}
		if err := mod.ReplaceBody(body[:n]); err != nil {
			return err
		}
		body = body[n:]
	}
	return nil
}
