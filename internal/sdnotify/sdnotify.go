// Package sdnotify tells systemd how a Type=notify service is doing
// (sd_notify(3)): READY=1 once every listener is open, RELOADING=1 while
// the configuration is re-read, STOPPING=1 on shutdown. Outside systemd
// (no NOTIFY_SOCKET) it does nothing.
package sdnotify

import (
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

// States sent by the daemon. Reloading is sent before a reload, Ready
// again once it is done (the unit reloads with ExecReload=kill -HUP).
const (
	Ready     = "READY=1"
	Reloading = "RELOADING=1"
	Stopping  = "STOPPING=1"
)

// Notify sends state to the socket systemd named in NOTIFY_SOCKET; it
// returns nil when there is none.
func Notify(state string) error {
	addr := os.Getenv("NOTIFY_SOCKET")
	if addr == "" {
		return nil
	}
	if strings.HasPrefix(addr, "@") {
		addr = "\x00" + addr[1:] // abstract namespace
	}
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: addr, Net: "unixgram"})
	if err != nil {
		return fmt.Errorf("sdnotify: %w", err)
	}
	defer c.Close()
	c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte(state)); err != nil {
		return fmt.Errorf("sdnotify: %w", err)
	}
	return nil
}
