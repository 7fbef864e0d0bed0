package engine

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"vigie.dev/vigie/internal/config"
	"vigie.dev/vigie/internal/scan"
	"vigie.dev/vigie/internal/testenv"
)

// Hostile messages each get a verdict carrying a MALFORMED_* or OVERSIZE
// signal, within the per-message deadline and without the memory they try
// to make us spend. Under -race the code runs five to ten times slower and
// allocates more (internal/testenv): there the scan is given room to finish
// whole and only the verdict is asserted; scripts/test.sh runs this test
// again without -race (its name ends in Budget) for the time and memory
// bounds.
func TestHostileInputsGetAVerdictWithinBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 50 MB message")
	}
	cfg := config.Default()
	cfg.Auth.Mode = "headers"
	budget := cfg.Scan.Timeout
	if testenv.RaceEnabled {
		cfg.Scan.Timeout *= 10
	}
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
		// Attachments that expand: the message's budgets (message
		// Limits.MaxInflatedBytes, attach maxMessageExpansion) bound them
		// all together, where each file's bounds alone let hundreds of
		// small files expand to gigabytes.
		{"480 PDFs of deflate bombs", func() []byte {
			return hostileFiles(hdr, 480, "application/pdf", "pdf", hostilePDF(t))
		}, []string{"OVERSIZE"}},
		{"100 Office packages of 20 binary parts of 8 MiB", func() []byte {
			return hostileFiles(hdr, 100, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", hostilePackage(t, 20))
		}, []string{"ATTACH_ARCHIVE_OPAQUE"}},
		// Each picture its own (no reading is cached): the message's QR
		// budget (qrMaxPixelBudget) bounds the decoding, and the
		// pictures shaped like codes it leaves unread are said.
		{"400 PNG pictures of 640x640", func() []byte {
			var pics [][]byte
			for i := range 400 {
				img := image.NewGray(image.Rect(0, 0, 640, 640))
				img.Pix[i] = 255
				var b bytes.Buffer
				png.Encode(&b, img)
				pics = append(pics, b.Bytes())
			}
			return hostileFiles(hdr, len(pics), "image/png", "png", pics...)
		}, []string{"OVERSIZE"}},
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
			found := c.want == nil
			for _, w := range c.want {
				found = found || v.Has(w)
			}
			if !found {
				t.Errorf("none of %v in %v", c.want, names(v))
			}
			if took > budget && !testenv.RaceEnabled {
				t.Errorf("took %s, beyond the %s deadline", took, budget)
			}
			// Judged whole: every check ran, and the verdict is one the
			// policy acts on (delivered, tagged or quarantined), not lost.
			if v.Partial || v.Has("SCAN_TIMEOUT") || v.Has("SCAN_CHECK_ERROR") || v.Action == "" {
				t.Errorf("verdict partial %v, action %q, signals %v", v.Partial, v.Action, names(v))
			}
			// Allocated during the scan, on top of the input itself.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 256<<20 && !testenv.RaceEnabled {
				t.Errorf("scan allocated %d MB", alloc>>20)
			}
			if after.Sys > 512<<20 && !testenv.RaceEnabled {
				t.Errorf("process memory %d MB", after.Sys>>20)
			}
			t.Logf("%s: %s score %.1f in %s, %d MB allocated", c.name, v.Action, v.Score, took.Round(time.Millisecond), (after.TotalAlloc-before.TotalAlloc)>>20)
		})
	}
}

// hostileFiles is a message of n attachments, of data in turn.
func hostileFiles(hdr string, n int, typ, ext string, data ...[]byte) []byte {
	var enc []string
	for _, d := range data {
		enc = append(enc, base64.StdEncoding.EncodeToString(d))
	}
	var b bytes.Buffer
	b.WriteString(hdr + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"f\"\r\n\r\n--f\r\nContent-Type: text/plain\r\n\r\nci-joint\r\n")
	for i := range n {
		fmt.Fprintf(&b, "--f\r\nContent-Type: %s\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"f%d.%s\"\r\n\r\n%s\r\n", typ, i, ext, enc[i%len(enc)])
	}
	b.WriteString("--f--\r\n")
	return b.Bytes()
}

// hostilePDF is a PDF of eight FlateDecode streams of 1 MiB of zeros, its
// file's inflation bound, from a few kilobytes.
func hostilePDF(t *testing.T) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(make([]byte, 1<<20))
	w.Close()
	var pdf bytes.Buffer
	pdf.WriteString("%PDF-1.7\n")
	for i := range 8 {
		fmt.Fprintf(&pdf, "%d 0 obj << /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream\nendobj\n", i+1, z.Len(), z.Bytes())
	}
	return pdf.Bytes()
}

// hostilePackage is an Office package of n binary parts of 8 MiB zeros.
func hostilePackage(t *testing.T, n int) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("[Content_Types].xml")
	w.Write([]byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`))
	zero := make([]byte, 8<<20)
	for i := range n {
		w, _ := zw.Create(fmt.Sprintf("xl/embeddings/oleObject%d.bin", i))
		w.Write(zero)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestHostileQRDecoys: decoy pictures sent before an MFA lure's QR code
// must not hide its link to a free host. Sixteen blank pictures of 21x21
// pixels used up the reading (16 pictures) and the link was never judged;
// 250 blank squares of 60x60 pixels, shaped like codes, still spend the
// budget before the code, and the verdict then says a picture went
// unread.
func TestHostileQRDecoys(t *testing.T) {
	cfg := config.Default()
	cfg.Auth.Mode = "headers"
	s, err := New(&cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	bits, err := qrcode.NewQRCodeWriter().Encode("https://mfa-verification-chu.web.app/?e=claire%40chu-exemple.fr", gozxing.BarcodeFormat_QR_CODE, 300, 300, nil)
	if err != nil {
		t.Fatal(err)
	}
	var code bytes.Buffer
	if err := png.Encode(&code, bits); err != nil {
		t.Fatal(err)
	}
	blank := func(side int) []byte {
		img := image.NewGray(image.Rect(0, 0, side, side))
		for i := range img.Pix {
			img.Pix[i] = byte(200 + i%7)
		}
		var b bytes.Buffer
		png.Encode(&b, img)
		return b.Bytes()
	}
	for _, c := range []struct {
		n, side int
		want    []string // any of these
	}{
		{16, 21, []string{"URL_FREE_HOSTING"}},
		{250, 60, []string{"URL_FREE_HOSTING", "OVERSIZE"}},
	} {
		var b bytes.Buffer
		b.WriteString("From: Service informatique <it-support@chu-exemple-support.com>\r\nTo: claire@chu-exemple.fr\r\n" +
			"Subject: Authentification multifacteur\r\nMessage-ID: <qr@chu-exemple-support.com>\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: multipart/related; boundary=b\r\n\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
			"<p>Scannez le code QR ci-dessous pour renouveler votre authentification.</p>\r\n")
		pic := func(name string, data []byte) {
			fmt.Fprintf(&b, "--b\r\nContent-Type: image/png\r\nContent-ID: <%s@x>\r\nContent-Disposition: inline; filename=\"%s.png\"\r\n"+
				"Content-Transfer-Encoding: base64\r\n\r\n%s\r\n", name, name, base64.StdEncoding.EncodeToString(data))
		}
		decoy := blank(c.side)
		for i := range c.n {
			pic(fmt.Sprintf("d%d", i), decoy)
		}
		pic("qr", code.Bytes())
		b.WriteString("--b--\r\n")
		v := s.Scan(context.Background(), b.Bytes(), scan.Envelope{})
		found := false
		for _, w := range c.want {
			found = found || v.Has(w)
		}
		if !found {
			t.Errorf("%d pictures of %dx%d before the code: none of %v in %v (%.2f)", c.n, c.side, c.side, c.want, names(v), v.Score)
		}
	}
}
