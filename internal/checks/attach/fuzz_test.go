package attach

import (
	"archive/zip"
	"bytes"
	"context"
	"testing"
	"time"

	"vigie.dev/vigie/internal/checks/checktest"
	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// FuzzCheck runs the family on one attachment of any bytes and name, typed
// as the message parser types it (message.Sniff): archives nested and
// damaged, OLE2 files, PDFs, HTML and SVG must give signals, never a
// panic, and the family's work stays bounded (the archive entry, depth and
// expansion limits, the message's expansion budget). The seeds are the
// golden messages' attachments and a zip in a zip.
func FuzzCheck(f *testing.F) {
	for _, m := range checktest.ParsedTestdata(f) {
		for _, a := range m.Attachments {
			f.Add(a.Filename, a.Data)
		}
	}
	inner := zipOf(f, map[string]string{"facture.js": "WScript.Echo(1)", "lisez-moi.txt": "x"})
	f.Add("archive.zip", zipOf(f, map[string]string{"documents.zip": string(inner), "index.html": "<form><input type=password>"}))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		a := message.Attachment{Filename: name, Data: data, SniffedType: message.Sniff(data), Size: int64(len(data)), Path: "2"}
		in := &scan.Input{Msg: &message.Message{Attachments: []message.Attachment{a}}}
		out := &scan.Emitter{}
		start := time.Now()
		if x := check(context.Background(), in, out); x > maxMessageExpansion {
			t.Errorf("%d bytes expanded, budget %d", x, maxMessageExpansion)
		}
		// A runaway (a loop, an expansion), not a slow machine: on the
		// shared test machine a seed that takes 0.00 s was once stalled
		// 9 s under -race, so the bound is generous.
		if d := time.Since(start); d > 30*time.Second {
			t.Errorf("%d bytes judged in %v", len(data), d)
		}
	})
}

func zipOf(f *testing.F, files map[string]string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			f.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		f.Fatal(err)
	}
	return b.Bytes()
}
