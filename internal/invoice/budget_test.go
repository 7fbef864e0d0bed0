package invoice

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"vigie.dev/vigie/internal/message"
)

// TestExtractManyBombs: a message of documents each holding its own
// decoding bound (MaxDecodedBytes) in flate bombs, embedded files of
// MaxStreamBytes zeros, is read within the message's budget
// (MaxMessageDecodedBytes) and said partial.
func TestExtractManyBombs(t *testing.T) {
	lim := DefaultLimits()
	small := deflate(make([]byte, lim.MaxStreamBytes))
	var pdf bytes.Buffer
	pdf.WriteString("%PDF-1.7\n")
	n := lim.MaxDecodedBytes / lim.MaxStreamBytes
	for i := range n {
		fmt.Fprintf(&pdf, "%d 0 obj << /Type /EmbeddedFile /Filter /FlateDecode >> stream\n%s\nendstream endobj\n", i+1, small)
	}
	m := &message.Message{}
	for i := range 2 * lim.MaxDocuments {
		m.Attachments = append(m.Attachments, message.Attachment{Filename: fmt.Sprintf("f%d.pdf", i), SniffedType: "application/pdf", Data: pdf.Bytes()})
	}
	start := time.Now()
	f := Extract(m, Limits{})
	d := time.Since(start)
	t.Logf("%d documents of %d bytes: %d read in %v, decoded %d", len(m.Attachments), pdf.Len(), f.Documents, d, f.decoded)
	if f.decoded > lim.MaxMessageDecodedBytes || !f.Truncated {
		t.Errorf("%d bytes decoded, truncated %v; want at most %d, truncated", f.decoded, f.Truncated, lim.MaxMessageDecodedBytes)
	}
	if d > 20*time.Second {
		t.Errorf("read in %v", d)
	}
}
