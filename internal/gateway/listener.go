package gateway

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Limit bounds a listener: at most Max connections at once (a connection
// beyond is handed to Refuse, which answers and closes it), and with
// IdleTimeout a connection that sends nothing for that long is closed.
type Limit struct {
	Max         int
	IdleTimeout time.Duration
	Refuse      func(net.Conn) // nil: close at once
	OnRefuse    func()         // counts refusals
}

// Listen wraps ln with the limit.
func (l Limit) Listen(ln net.Listener) net.Listener {
	return &limitListener{Listener: ln, l: l}
}

type limitListener struct {
	net.Listener
	l      Limit
	active atomic.Int64
}

func (ll *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := ll.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if ll.l.Max > 0 && ll.active.Load() >= int64(ll.l.Max) {
			if ll.l.OnRefuse != nil {
				ll.l.OnRefuse()
			}
			go func() {
				if ll.l.Refuse != nil {
					c.SetDeadline(time.Now().Add(10 * time.Second))
					ll.l.Refuse(c)
				}
				c.Close()
			}()
			continue
		}
		ll.active.Add(1)
		return &limitConn{Conn: c, ll: ll}, nil
	}
}

type limitConn struct {
	net.Conn
	ll   *limitListener
	once sync.Once
}

func (c *limitConn) Read(b []byte) (int, error) {
	if d := c.ll.l.IdleTimeout; d > 0 {
		c.Conn.SetReadDeadline(time.Now().Add(d))
	}
	return c.Conn.Read(b)
}

func (c *limitConn) Close() error {
	c.once.Do(func() { c.ll.active.Add(-1) })
	return c.Conn.Close()
}
