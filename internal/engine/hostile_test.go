package engine

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/scan"
)

// Hostile messages each get a verdict carrying a MALFORMED_* or OVERSIZE
// signal, within the per-message deadline and without the memory they try
// to make us spend.
func TestHostileInputsGetAVerdict(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 50 MB message")
	}
	cfg := config.Default()
	cfg.Auth.Mode = "headers"
	s, err := New(&cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	hdr := "From: a@b.example\r\nTo: c@d.example\r\nSubject: x\r\nMessage-ID: <h@b.example>\r\nDate: Tue, 12 Mar 2024 10:00:00 +0100\r\n"
	nested := func(depth int) []byte {
		var b bytes.Buffer
		b.WriteString(hdr + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n")
		for i := range depth {
			fmt.Fprintf(&b, "--b%d\r\nContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n", i, i+1)
		}
		b.WriteString("--b" + fmt.Sprint(depth) + "\r\nContent-Type: text/plain\r\n\r\nfond\r\n")
		for i := depth; i >= 0; i-- {
			fmt.Fprintf(&b, "--b%d--\r\n", i)
		}
		return b.Bytes()
	}
	big := func() []byte {
		var b bytes.Buffer
		b.Grow(51 << 20)
		b.WriteString(hdr + "Content-Type: text/plain\r\n\r\n")
		line := strings.Repeat("a", 998) + "\r\n"
		for b.Len() < 51<<20 {
			b.WriteString(line)
		}
		return b.Bytes()
	}
	cases := []struct {
		name string
		raw  func() []byte
		want []string // any of these
	}{
		{"50 MB message", big, []string{"OVERSIZE"}},
		{"100 nested multiparts", func() []byte { return nested(100) }, []string{"MALFORMED_MIME_DEPTH"}},
		{"1 GB declared base64 part", func() []byte {
			return []byte(hdr + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"x\"\r\n\r\n--x\r\n" +
				"Content-Type: application/octet-stream; name=a.bin\r\nContent-Length: 1073741824\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
				strings.Repeat("QUFB", 1000) + "\r\n")
		}, []string{"MALFORMED_MIME", "OVERSIZE", "MALFORMED_ENCODING"}},
		{"20,000 parts", func() []byte {
			var b bytes.Buffer
			b.WriteString(hdr + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"p\"\r\n\r\n")
			for range 20_000 {
				b.WriteString("--p\r\nContent-Type: text/plain\r\n\r\nx\r\n")
			}
			b.WriteString("--p--\r\n")
			return b.Bytes()
		}, []string{"MALFORMED_MIME_PARTS"}},
		{"NUL bytes", func() []byte {
			return []byte("From: a@b.example\r\nSub\x00ject: x\x00y\r\nX-Bad\x00: 1\r\n\r\nbody\x00\x00\r\n")
		}, []string{"MALFORMED_HEADER"}},
		{"broken boundaries", func() []byte {
			return []byte(hdr + "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"zz\"\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nbonjour\r\n--z\r\n--zzz--\r\n")
		}, []string{"MALFORMED_MIME"}},
		{"100,000-line header", func() []byte {
			var b bytes.Buffer
			b.WriteString(hdr)
			for i := range 100_000 {
				fmt.Fprintf(&b, "X-Filler-%d: %d\r\n", i, i)
			}
			b.WriteString("\r\nbody\r\n")
			return b.Bytes()
		}, []string{"OVERSIZE_HEADER", "MALFORMED_HEADER"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw := c.raw()
			runtime.GC()
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			v := s.Scan(context.Background(), raw, scan.Envelope{})
			took := time.Since(start)
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			found := false
			for _, w := range c.want {
				found = found || v.Has(w)
			}
			if !found {
				t.Errorf("none of %v in %v", c.want, names(v))
			}
			if took > cfg.Scan.Timeout {
				t.Errorf("took %s, beyond the %s deadline", took, cfg.Scan.Timeout)
			}
			// Allocated during the scan, on top of the input itself.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 256<<20 {
				t.Errorf("scan allocated %d MB", alloc>>20)
			}
			if after.Sys > 512<<20 {
				t.Errorf("process memory %d MB", after.Sys>>20)
			}
			t.Logf("%s: %s score %.1f in %s, %d MB allocated", c.name, v.Action, v.Score, took.Round(time.Millisecond), (after.TotalAlloc-before.TotalAlloc)>>20)
		})
	}
}
