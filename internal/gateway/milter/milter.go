// Package milter is the gateway's Postfix/Sendmail front end: a milter
// (the Sendmail mail filter protocol, as spoken by Postfix's
// smtpd_milters) over github.com/emersion/go-milter. It buffers the
// message the MTA streams to it, scans it at end of body with a deadline
// (milter callbacks carry no context), and answers: accept, tag (add our
// header fields, prefix the subject), quarantine (keep our copy, then hold
// or discard), reject with 550 5.7.1, or tempfail with 451 4.7.1.
package milter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/user"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	gomilter "github.com/emersion/go-milter"

	"vigie.dev/vigie/internal/gateway"
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
	// Timeout bounds the scan at end of message (30 s when zero), waiting
	// for memory included.
	Timeout time.Duration
	// Discard tells the MTA to discard a quarantined message once our copy
	// is kept; by default it is put on hold (Postfix's hold queue). A
	// message of which we kept only the scanned part is held anyway.
	Discard bool
	// MaxSize is the scan window (limits.max_size, 50 MiB when zero): a
	// longer message is judged on its first MaxSize bytes, refused or
	// passed as gateway.Settings.Oversize says.
	MaxSize int64
	// SpoolDir holds the temporary files of messages under way.
	SpoolDir string
	// Limit bounds the MTA connections and closes idle ones.
	Limit gateway.Limit
	Log   *slog.Logger

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
	ln = s.Limit.Listen(ln)
	srv := &gomilter.Server{
		NewMilter: func() gomilter.Milter { return s.newSession() },
		Actions:   gomilter.OptAddHeader | gomilter.OptChangeHeader | gomilter.OptChangeBody | gomilter.OptQuarantine,
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
