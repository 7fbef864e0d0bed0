package sdnotify

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestNotify(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	if err := Notify(Ready); err != nil {
		t.Fatalf("without systemd: %v", err)
	}
	for _, name := range []string{filepath.Join(t.TempDir(), "notify"), "@vigie-sdnotify-test"} {
		addr := name
		if strings.HasPrefix(name, "@") {
			addr = "\x00" + name[1:]
		}
		ln, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: addr, Net: "unixgram"})
		if err != nil {
			t.Fatal(err)
		}
		t.Setenv("NOTIFY_SOCKET", name)
		for _, want := range []string{Ready, Reloading, Stopping} {
			if err := Notify(want); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 256)
			ln.SetReadDeadline(time.Now().Add(30 * time.Second))
			n, err := ln.Read(buf)
			if err != nil || string(buf[:n]) != want {
				t.Errorf("%s: systemd got %q (%v), want %q", name, buf[:n], err, want)
			}
		}
		ln.Close()
	}
}
