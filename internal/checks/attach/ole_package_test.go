package attach

import (
	"archive/zip"
	"bytes"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// TestOfficeBinaryPartPackagingAProgram: an Office package's .bin part is
// spared as the package's own (printer settings, an embedded object)
// unless it is a program or an OLE Package object whose embedded file is
// named as a program or a script — the dropper a document shows as an
// icon, which the .bin spare (0961d8b) would otherwise let through.
func TestOfficeBinaryPartPackagingAProgram(t *testing.T) {
	ole := func(name string) []byte {
		var b bytes.Buffer
		b.WriteString("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
		b.Write(make([]byte, 504))
		b.Write(utf16le("Root Entry"))
		b.Write(make([]byte, 44))
		b.Write(utf16le("\x01Ole10Native"))
		b.Write(make([]byte, 40))
		b.WriteString("\x02\x00" + name + "\x00C:\\Users\\compta\\Desktop\\" + name + "\x00\x00\x00\x03\x00")
		b.WriteString("C:\\Users\\compta\\AppData\\Local\\Temp\\" + name + "\x00")
		b.Write(bytes.Repeat([]byte{0x41}, 64))
		return b.Bytes()
	}
	for _, c := range []struct {
		name string
		part []byte
		want bool
	}{
		{"printer settings", append([]byte("\x00\x00\x04\x05"), make([]byte, 200)...), false},
		{"a program renamed", append([]byte("MZ\x90\x00"), make([]byte, 200)...), true},
		{"a packaged program", ole("facture.pdf.exe"), true},
		{"a packaged script", ole("relance.vbs"), true},
		{"a packaged PDF", ole("plan-masse.pdf"), false},
		{"an OLE object that packages nothing", ole("")[:600], false},
	} {
		var z bytes.Buffer
		w := zip.NewWriter(&z)
		for _, m := range []struct {
			name string
			data []byte
		}{{"[Content_Types].xml", []byte("<Types/>")}, {"xl/embeddings/oleObject1.bin", c.part}} {
			fw, err := w.Create(m.name)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := fw.Write(m.data); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(z.Bytes()), int64(z.Len()))
		if err != nil {
			t.Fatal(err)
		}
		if got := binaryIsProgram(c.name, zr.File[1], &expansion{left: maxMessageExpansion}, &scan.Emitter{}); got != c.want {
			t.Errorf("%s: binaryIsProgram = %v, want %v", c.name, got, c.want)
		}
	}
}
