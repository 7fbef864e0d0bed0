package message

import (
	"bytes"
	"compress/zlib"
	"os"
	"testing"
	"time"
)

// FuzzPDFURIs reads URI actions in a PDF of any bytes: literal and hex
// strings cut anywhere, FlateDecode streams damaged or unterminated, a
// deflate bomb. Every URI stays within maxURLLen, the inflated output
// within its budget, and no file takes long. The message parser reaches
// the PDF only through a base64 part, which the engine's fuzzing seldom
// mutates into valid PDF syntax.
func FuzzPDFURIs(f *testing.F) {
	if raw, err := os.ReadFile("testdata/pdf-uri.eml"); err == nil {
		for _, a := range Parse(raw, DefaultLimits()).Attachments {
			f.Add(a.Data)
		}
	}
	f.Add([]byte("%PDF-1.4\n1 0 obj << /A << /S /URI /URI (https://a.example/\\(x\\)\\\nb) >> >> endobj\n2 0 obj << /URI <FEFF0068007400740070003A002F002F0062> >> endobj"))
	f.Add([]byte("%PDF-1.5\n3 0 obj << /Type /ObjStm /Filter /FlateDecode /Length 40 >>\nstream\r\n" +
		string(deflate(f, []byte("<< /URI (https://c.example/login) >>"))) + "\nendstream\nendobj"))
	f.Add([]byte("<< /Filter /FlateDecode >>\nstream\n" + string(deflate(f, bytes.Repeat([]byte("/URI (x) "), 1<<18)))))
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		n := 0
		pdfURIs(data, func(u string) {
			n++
			if len(u) > 4*maxURLLen { // a byte may widen to a 3-byte rune
				t.Fatalf("URI of %d bytes", len(u))
			}
		})
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%d bytes, %d URIs read in %v", len(data), n, d)
		}
	})
}

func deflate(f *testing.F, b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(b)
	if err := w.Close(); err != nil {
		f.Fatal(err)
	}
	return buf.Bytes()
}
