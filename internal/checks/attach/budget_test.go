package attach

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/scan"
)

// bombPackage is an Office package ([Content_Types].xml at its root) of n
// binary parts of maxNestedBytes zeros each, a few kilobytes compressed:
// every part is read for the program it may be (binaryIsProgram).
func bombPackage(t *testing.T, n int) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("[Content_Types].xml")
	w.Write([]byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`))
	zero := make([]byte, maxNestedBytes)
	for i := range n {
		w, err := zw.Create(fmt.Sprintf("xl/embeddings/oleObject%d.bin", i))
		if err != nil {
			t.Fatal(err)
		}
		w.Write(zero)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// nestedBombs is a zip of n zips, each storing (uncompressed) a member of
// maxNestedBytes/2 zeros, which the outer zip compresses: every inner zip
// is expanded to be listed.
func nestedBombs(t *testing.T, n int) []byte {
	var inner bytes.Buffer
	zw := zip.NewWriter(&inner)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "zeros.txt", Method: zip.Store})
	w.Write(make([]byte, maxNestedBytes/2))
	zw.Close()
	var b bytes.Buffer
	zw = zip.NewWriter(&b)
	for i := range n {
		w, err := zw.Create(fmt.Sprintf("lot%d.zip", i))
		if err != nil {
			t.Fatal(err)
		}
		w.Write(inner.Bytes())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// judge runs the family on a message of the attachments and reports the
// bytes it expanded and its wall time.
func judge(t *testing.T, files map[string][]byte) (*scan.Emitter, int64, time.Duration) {
	t.Helper()
	m := &message.Message{}
	for name, data := range files {
		m.Attachments = append(m.Attachments, message.Attachment{Filename: name, Data: data, SniffedType: message.Sniff(data), Size: int64(len(data))})
	}
	out := &scan.Emitter{}
	start := time.Now()
	x := check(context.Background(), &scan.Input{Msg: m}, out)
	return out, x, time.Since(start)
}

// TestHostileArchiveBombs: archives that expand to gigabytes within one
// message (an Office package of 200 binary parts of 8 MiB each, 100
// packages of 20 such parts, 40 zips of 200 zips of 4 MiB each) are
// judged within the message's expansion budget (maxMessageExpansion) and
// each attachment's floor past it (attachMinExpansion), in bounded time,
// and said not read whole (ATTACH_ARCHIVE_OPAQUE). Bounded per member
// alone, the first expanded 1.6 GiB.
func TestHostileArchiveBombs(t *testing.T) {
	many := map[string][]byte{}
	pkg := bombPackage(t, 20)
	for i := range 100 {
		many[fmt.Sprintf("devis%d.xlsx", i)] = pkg
	}
	nested := map[string][]byte{}
	z := nestedBombs(t, 200)
	for i := range 40 {
		nested[fmt.Sprintf("lots%d.zip", i)] = z
	}
	for name, files := range map[string]map[string][]byte{
		"one package of 200 parts": {"devis.xlsx": bombPackage(t, 200)},
		"100 packages of 20 parts": many,
		"40 zips of 200 zips":      nested,
	} {
		out, x, d := judge(t, files)
		t.Logf("%s: %d bytes expanded in %v", name, x, d)
		// The budget, then attachMinExpansion for each attachment after.
		if most := int64(maxMessageExpansion + len(files)*attachMinExpansion); x > most {
			t.Errorf("%s: %d bytes expanded, at most %d", name, x, most)
		}
		if !out.Emitted("ATTACH_ARCHIVE_OPAQUE") {
			t.Errorf("%s: not said to be read in part (ATTACH_ARCHIVE_OPAQUE)", name)
		}
		if out.Emitted("ATTACH_EXECUTABLE_IN_ARCHIVE") {
			t.Errorf("%s: a part left unread was taken for a program", name)
		}
		// Tens of milliseconds; generous for a loaded machine under -race.
		if d > 20*time.Second {
			t.Errorf("%s: judged in %v", name, d)
		}
	}
}

// TestArchiveBudgetLeavesRealPackages: a message of packages within the
// budget is read whole, as before: nothing said of it.
func TestArchiveBudgetLeavesRealPackages(t *testing.T) {
	out, x, _ := judge(t, map[string][]byte{"a.xlsx": bombPackage(t, 2), "b.docx": bombPackage(t, 2)})
	// The four parts, and the two [Content_Types].xml read for EICAR.
	if x < 4*maxNestedBytes || x > 4*maxNestedBytes+256 || out.Emitted("ATTACH_ARCHIVE_OPAQUE") {
		t.Errorf("%d bytes expanded, opaque %v; want %d and no signal", x, out.Emitted("ATTACH_ARCHIVE_OPAQUE"), 4*maxNestedBytes)
	}
}

// TestDecoysLeaveTheNextArchiveRead: packages of bombs sent first spend
// the message's budget; the archive after them is still listed to its
// first attachMinExpansion bytes: a script in a zip inside a zip, and a
// program renamed into a document's binary part, are still
// ATTACH_EXECUTABLE_IN_ARCHIVE (weight 8), not only ATTACH_ARCHIVE_OPAQUE
// (1.5).
func TestDecoysLeaveTheNextArchiveRead(t *testing.T) {
	zipOf := func(name string, data []byte) []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		w, _ := zw.Create(name)
		w.Write(data)
		zw.Close()
		return b.Bytes()
	}
	var pkg bytes.Buffer
	zw := zip.NewWriter(&pkg)
	w, _ := zw.Create("[Content_Types].xml")
	w.Write([]byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`))
	w, _ = zw.Create("word/embeddings/oleObject1.bin")
	w.Write(append([]byte("MZ\x90\x00"), make([]byte, 4096)...))
	zw.Close()
	decoy := bombPackage(t, maxMessageExpansion/maxNestedBytes)
	for name, payload := range map[string][]byte{
		"facture.zip":  zipOf("documents.zip", zipOf("facture.js", []byte("WScript.CreateObject('WScript.Shell').Run('x');"))),
		"contrat.docx": pkg.Bytes(),
	} {
		m := &message.Message{}
		for i, data := range [][]byte{decoy, payload} {
			n := []string{"annexe.xlsx", name}[i]
			m.Attachments = append(m.Attachments, message.Attachment{Filename: n, Data: data, SniffedType: message.Sniff(data), Size: int64(len(data))})
		}
		out := &scan.Emitter{}
		x := check(context.Background(), &scan.Input{Msg: m}, out)
		if !out.Emitted("ATTACH_EXECUTABLE_IN_ARCHIVE") {
			t.Errorf("%s after the decoy: no ATTACH_EXECUTABLE_IN_ARCHIVE (%d bytes expanded)", name, x)
		}
	}
}
