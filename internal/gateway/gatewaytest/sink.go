package gatewaytest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Mail is one message the sink accepted.
type Mail struct {
	From string
	To   []string
	Data []byte
}

// SinkOptions shape the sink's answers.
type SinkOptions struct {
	// TLS, when set, is offered with STARTTLS.
	TLS *tls.Config
	// Refuse lists recipients refused at RCPT TO with the given reply.
	Refuse map[string]*smtp.SMTPError
	// RefuseData, when set, answers the end of DATA.
	RefuseData *smtp.SMTPError
}

// Sink is an SMTP server (go-smtp's) standing for a next hop.
type Sink struct {
	Addr string
	o    SinkOptions
	srv  *smtp.Server

	mu       sync.Mutex
	mails    []Mail
	conns    map[net.Conn]bool
	sessions int
	arrived  chan struct{}
}

// NewSink starts a sink on 127.0.0.1:0; it stops when the test ends.
func NewSink(t testing.TB, o SinkOptions) *Sink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Sink{Addr: ln.Addr().String(), o: o, conns: map[net.Conn]bool{}, arrived: make(chan struct{}, 1)}
	s.srv = smtp.NewServer(s)
	s.srv.Domain = "sink.test"
	s.srv.TLSConfig = o.TLS
	s.srv.AllowInsecureAuth = true
	go s.srv.Serve(&trackingListener{Listener: ln, s: s})
	t.Cleanup(func() { s.srv.Close() })
	return s
}

// Mails returns the messages accepted so far.
func (s *Sink) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// Sessions is the number of SMTP sessions opened so far.
func (s *Sink) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions
}

// Wait returns once the sink holds n messages, failing the test after d.
func (s *Sink) Wait(t testing.TB, n int, d time.Duration) []Mail {
	t.Helper()
	deadline := time.After(d)
	for {
		if m := s.Mails(); len(m) >= n {
			return m
		}
		select {
		case <-s.arrived:
		case <-deadline:
			t.Fatalf("sink: %d messages after %s, want %d", len(s.Mails()), d, n)
		}
	}
}

// DropConnections closes every open connection, as a server restarting
// or timing out idle clients does.
func (s *Sink) DropConnections() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.Close()
	}
}

// NewSession implements smtp.Backend.
func (s *Sink) NewSession(*smtp.Conn) (smtp.Session, error) {
	s.mu.Lock()
	s.sessions++
	s.mu.Unlock()
	return &sinkSession{s: s}, nil
}

type sinkSession struct {
	s    *Sink
	from string
	to   []string
}

func (m *sinkSession) Reset()        { m.from, m.to = "", nil }
func (m *sinkSession) Logout() error { return nil }

func (m *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	m.from = from
	return nil
}

func (m *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if e := m.s.o.Refuse[to]; e != nil {
		return e
	}
	m.to = append(m.to, to)
	return nil
}

func (m *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if m.s.o.RefuseData != nil {
		return m.s.o.RefuseData
	}
	m.s.mu.Lock()
	m.s.mails = append(m.s.mails, Mail{From: m.from, To: m.to, Data: b})
	m.s.mu.Unlock()
	select {
	case m.s.arrived <- struct{}{}:
	default:
	}
	return nil
}

type trackingListener struct {
	net.Listener
	s *Sink
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.s.mu.Lock()
	l.s.conns[c] = true
	l.s.mu.Unlock()
	return &trackedConn{Conn: c, s: l.s}, nil
}

type trackedConn struct {
	net.Conn
	s *Sink
}

func (c *trackedConn) Close() error {
	c.s.mu.Lock()
	delete(c.s.conns, c.Conn)
	c.s.mu.Unlock()
	return c.Conn.Close()
}

// Header returns the value of the first field called name in a message's
// header, unfolded; "" when there is none.
func Header(raw []byte, name string) string {
	head, _, _ := bytes.Cut(bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n")), []byte("\n\n"))
	var value string
	in := false
	for _, line := range strings.Split(string(head), "\n") {
		if in && (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) {
			value += " " + strings.TrimSpace(line)
			continue
		}
		if in {
			break
		}
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, name) {
			value, in = strings.TrimSpace(v), true
		}
	}
	return value
}

// ServerTLS returns a TLS configuration with a self-signed certificate for
// "localhost" and 127.0.0.1.
func ServerTLS(t testing.TB) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}
}
