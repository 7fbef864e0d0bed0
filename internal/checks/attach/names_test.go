package attach

import (
	"encoding/binary"
	"testing"
)

func rarVint(v uint64) []byte {
	var b []byte
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}

// rar5Of builds a RAR 5 archive naming files (RARLAB's RAR 5.0 technote:
// signature, main header, one file header each with its data, end of
// archive), or one whose headers are encrypted.
func rar5Of(encrypted bool, files ...string) []byte {
	head := func(typ, flags uint64, data []byte, body ...byte) []byte {
		h := append(rarVint(typ), rarVint(flags)...)
		if flags&2 != 0 {
			h = append(h, rarVint(uint64(len(data)))...)
		}
		h = append(h, body...)
		out := append([]byte{0, 0, 0, 0}, rarVint(uint64(len(h)))...)
		return append(append(out, h...), data...)
	}
	b := []byte("Rar!\x1a\x07\x01\x00")
	if encrypted {
		b = append(b, head(4, 0, nil, 0, 15)...)
		return append(b, make([]byte, 64)...)
	}
	b = append(b, head(1, 0, nil, 0)...)
	for _, f := range files {
		data := []byte("compressed bytes of " + f)
		var body []byte
		body = append(body, rarVint(4)...)   // file flags: CRC32 present
		body = append(body, rarVint(600)...) // unpacked size
		body = append(body, rarVint(0x20)...)
		body = append(body, 1, 2, 3, 4) // CRC32
		body = append(body, rarVint(0)...)
		body = append(body, rarVint(0)...) // Windows
		body = append(body, rarVint(uint64(len(f)))...)
		body = append(body, f...)
		b = append(b, head(2, 2, data, body...)...)
	}
	return append(b, head(5, 0, nil, 0)...)
}

// rar4Of builds a RAR 4 archive naming files (marker, archive header,
// file headers with their packed data).
func rar4Of(files ...string) []byte {
	b := []byte("Rar!\x1a\x07\x00")
	b = append(b, 0, 0, 0x73, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0)
	for _, f := range files {
		data := []byte("packed " + f)
		h := make([]byte, 32)
		h[2] = 0x74
		binary.LittleEndian.PutUint16(h[3:], 0x8000)
		binary.LittleEndian.PutUint16(h[5:], uint16(32+len(f)))
		binary.LittleEndian.PutUint32(h[7:], uint32(len(data)))
		binary.LittleEndian.PutUint16(h[26:], uint16(len(f)))
		b = append(append(append(b, h...), f...), data...)
	}
	return b
}

// cabOf builds a cabinet naming files ([MS-CAB]: CFHEADER, one CFFOLDER,
// the CFFILE entries).
func cabOf(files ...string) []byte {
	h := make([]byte, 36)
	copy(h, "MSCF")
	binary.LittleEndian.PutUint32(h[16:], 44)
	h[24], h[25] = 3, 1
	binary.LittleEndian.PutUint16(h[26:], 1)
	binary.LittleEndian.PutUint16(h[28:], uint16(len(files)))
	b := append(h, make([]byte, 8)...)
	for _, f := range files {
		e := make([]byte, 16)
		binary.LittleEndian.PutUint32(e, 600)
		b = append(append(append(b, e...), f...), 0)
	}
	return append(b, make([]byte, 64)...)
}

// TestRarAndCabNamesAreJudged: the program a RAR or a cabinet names is
// seen though the archive is not unpacked; documents are not taken for
// one, and a RAR whose headers are encrypted names nothing.
func TestRarAndCabNamesAreJudged(t *testing.T) {
	for _, c := range []struct {
		name, file string
		data       []byte
		want       bool
	}{
		{"RAR 5 naming an .exe", "PO-20261208.r00", rar5Of(false, "PO-20261208.exe"), true},
		{"RAR 5 of documents", "plans.rar", rar5Of(false, "plan-masse.pdf", "devis.xlsx"), false},
		{"RAR 5, headers encrypted", "lot.rar", rar5Of(true), false},
		{"RAR 4 naming a .js after a document", "commande.rar", rar4Of("lisez-moi.txt", "commande.js"), true},
		{"RAR 4 of documents", "photos.rar", rar4Of("photo1.jpg", "photo2.jpg"), false},
		{"cabinet naming an .exe", "Arrival_Notice.cab", cabOf("readme.txt", "Arrival_Notice.exe"), true},
		{"cabinet of drivers' data", "pilote.cab", cabOf("pilote.inf.txt", "pilote.cat"), false},
	} {
		out, _, _ := judge(t, map[string][]byte{c.file: c.data})
		if got := out.Emitted("ATTACH_EXECUTABLE_IN_ARCHIVE"); got != c.want {
			t.Errorf("%s: ATTACH_EXECUTABLE_IN_ARCHIVE %v, want %v", c.name, got, c.want)
		}
		if !out.Emitted("ATTACH_ARCHIVE_OPAQUE") {
			t.Errorf("%s: not ATTACH_ARCHIVE_OPAQUE", c.name)
		}
	}
}

// FuzzArchiveNames: no archive header, however it lies about sizes,
// makes the name readers panic or loop.
func FuzzArchiveNames(f *testing.F) {
	f.Add(rar5Of(false, "a.exe", "b.pdf"))
	f.Add(rar4Of("a.exe"))
	f.Add(cabOf("a.exe"))
	f.Add(rar4UnicodeOf("a.pdf", "a.exe"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rarNames(data)
		cabNames(data)
		if len(data) > 0 {
			rar4Unicode(data[:len(data)/2], data[len(data)/2:])
		}
	})
}

// rar4UnicodeOf builds a RAR 4 archive of one file whose header carries
// an OEM name and, after it, the Unicode name (flag 0x200) written one
// byte a character (flag bits 00).
func rar4UnicodeOf(oem, unicode string) []byte {
	enc := []byte{0}
	for i := 0; i < len(unicode); i++ {
		if i%4 == 0 {
			enc = append(enc, 0)
		}
		enc = append(enc, unicode[i])
	}
	name := append(append([]byte(oem), 0), enc...)
	b := []byte("Rar!\x1a\x07\x00")
	b = append(b, 0, 0, 0x73, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0)
	data := []byte("packed")
	h := make([]byte, 32)
	h[2] = 0x74
	binary.LittleEndian.PutUint16(h[3:], 0x8000|0x200)
	binary.LittleEndian.PutUint16(h[5:], uint16(32+len(name)))
	binary.LittleEndian.PutUint32(h[7:], uint32(len(data)))
	binary.LittleEndian.PutUint16(h[26:], uint16(len(name)))
	return append(append(append(b, h...), name...), data...)
}

// TestRar4UnicodeNameIsJudged: a RAR 4 header's OEM name "Invoice.pdf"
// over the Unicode name "Invoice.exe", under which WinRAR and 7-Zip show
// and extract the file, is judged by the Unicode name too; the same name
// twice is a document.
func TestRar4UnicodeNameIsJudged(t *testing.T) {
	if got := rarNames(rar4UnicodeOf("Invoice.pdf", "Invoice.exe")); len(got) != 2 || got[1] != "Invoice.exe" {
		t.Fatalf("names %q, want the OEM and the Unicode name", got)
	}
	out, _, _ := judge(t, map[string][]byte{"Invoice.rar": rar4UnicodeOf("Invoice.pdf", "Invoice.exe")})
	if !out.Emitted("ATTACH_EXECUTABLE_IN_ARCHIVE") {
		t.Error("the Unicode name's .exe went unseen")
	}
	out, _, _ = judge(t, map[string][]byte{"Factures.rar": rar4UnicodeOf("Facture.pdf", "Facture.pdf")})
	if out.Emitted("ATTACH_EXECUTABLE_IN_ARCHIVE") {
		t.Error("a document taken for a program")
	}
	// A run copied from the OEM name (flag bits 11, length 9 + 2).
	if got := rar4Unicode([]byte("Invoice.pdf"), []byte{0, 0xC0, 9}); got != "Invoice.pdf" {
		t.Errorf("run decoded as %q", got)
	}
}
