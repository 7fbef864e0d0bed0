package attach

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"testing"
)

func gzipOf(t *testing.T, name string, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Name = name
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func tarOf(t *testing.T, files ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := tar.NewWriter(&b)
	for i := 0; i+1 < len(files); i += 2 {
		if err := w.WriteHeader(&tar.Header{Name: files[i], Mode: 0o644, Size: int64(len(files[i+1])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[i+1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestGzipAndTarMembersAreJudged: the program a purchase-order lure mails
// as "PO.gz" or "Shipping_Documents.tar" is seen as a zip's would be, by
// its recorded name or its first bytes; a supplier's price list as
// .csv.gz, a .tar.gz of documents, are not.
func TestGzipAndTarMembersAreJudged(t *testing.T) {
	program := append([]byte("MZ\x90\x00"), make([]byte, 300)...)
	for _, c := range []struct {
		name, file string
		data       []byte
		want       bool
	}{
		{"gzip recording an .exe", "Inquiry_RFQ.gz", gzipOf(t, "Inquiry_RFQ.exe", program), true},
		{"gzip named after its .exe", "commande.exe.gz", gzipOf(t, "", program), true},
		{"gzip of a program under a document name", "PO_7781.gz", gzipOf(t, "PO_7781.pdf", program), true},
		{"tar holding a program", "Shipping_Documents.tar", tarOf(t, "Shipping_Documents.exe", string(program)), true},
		{"tar.gz holding a script", "BL.tar.gz", gzipOf(t, "BL.tar", tarOf(t, "lisez-moi.txt", "x", "BL.js", "WScript.Echo(1)")), true},
		{"price list as csv.gz", "tarifs_S50.csv.gz", gzipOf(t, "tarifs_S50.csv", bytes.Repeat([]byte("PL-220;platine;18,40;1200\n"), 500)), false},
		{"documents as tar.gz", "dossier.tar.gz", gzipOf(t, "dossier.tar", tarOf(t, "plan.pdf", "%PDF-1.7", "notes.txt", "x")), false},
		{"log as gz without a name", "maillog.gz", gzipOf(t, "", bytes.Repeat([]byte("postfix/smtpd[1]: connect\n"), 200)), false},
	} {
		out, _, _ := judge(t, map[string][]byte{c.file: c.data})
		if got := out.Emitted("ATTACH_EXECUTABLE_IN_ARCHIVE"); got != c.want {
			t.Errorf("%s: ATTACH_EXECUTABLE_IN_ARCHIVE %v, want %v", c.name, got, c.want)
		}
	}
}

// TestGzipBombsStayWithinTheBudget: 40 gzip attachments of 16 MiB of zeros
// each expand no more than the message's budget and each attachment's
// floor past it, the message is said not read whole, and a program in a
// gzip among them is still seen.
func TestGzipBombsStayWithinTheBudget(t *testing.T) {
	bomb := gzipOf(t, "data.csv", make([]byte, 16<<20))
	files := map[string][]byte{}
	for i := range 40 {
		files[fmt.Sprintf("lot%d.gz", i)] = bomb
	}
	files["PO_4471.gz"] = gzipOf(t, "PO_4471.pdf", append([]byte("MZ\x90\x00"), make([]byte, 300)...))
	out, x, d := judge(t, files)
	t.Logf("%d bytes expanded in %v", x, d)
	if most := int64(maxMessageExpansion + len(files)*attachMinExpansion); x > most {
		t.Errorf("%d bytes expanded, at most %d", x, most)
	}
	if !out.Emitted("ATTACH_ARCHIVE_OPAQUE") {
		t.Error("not said to be read in part (ATTACH_ARCHIVE_OPAQUE)")
	}
	if !out.Emitted("ATTACH_EXECUTABLE_IN_ARCHIVE") {
		t.Error("the program in PO_4471.gz went unseen behind the bombs")
	}
}

// TestArchivesHiddenInArchives: the program of a tar reached another way
// than the outer file's name says is still seen — a gzip whose empty
// first member hides the tar in the next (gunzip and 7-Zip write both
// members out as one file), a zip holding a .tar.gz, a tar holding a tar.
// Each was judged clean and not even said to be read in part.
func TestArchivesHiddenInArchives(t *testing.T) {
	program := append([]byte("MZ\x90\x00"), make([]byte, 300)...)
	tarExe := tarOf(t, "Shipping_Documents.exe", string(program))
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	w, err := zw.Create("documents.tar.gz")
	if err != nil {
		t.Fatal(err)
	}
	w.Write(gzipOf(t, "documents.tar", tarExe))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, file string
		data       []byte
	}{
		{"gzip of two members, the first empty", "BL.tar.gz", append(gzipOf(t, "BL.tar", nil), gzipOf(t, "", tarExe)...)},
		{"zip holding a tar.gz", "documents.zip", z.Bytes()},
		{"tar holding a tar", "lot.tar", tarOf(t, "lot.tar", string(tarExe))},
		{"gzip of a gzip", "PO.gz", gzipOf(t, "PO.tar.gz", gzipOf(t, "PO.tar", tarExe))},
		{"tar holding a RAR naming a program", "lot.tar", tarOf(t, "PO.rar", string(rar5Of(false, "PO.exe")))},
		{"tar holding a cabinet naming a program", "lot.tar", tarOf(t, "notice.cab", string(cabOf("notice.exe")))},
	} {
		out, _, _ := judge(t, map[string][]byte{c.file: c.data})
		if !out.Emitted("ATTACH_EXECUTABLE_IN_ARCHIVE") {
			t.Errorf("%s: the program went unseen", c.name)
		}
	}
}

// retyped rewrites the type of a tar's first header and its checksum
// (POSIX.1-1988: the typeflag at offset 156, the checksum at 148, the sum
// of the header's bytes with its own field read as spaces).
func retyped(data []byte, typ byte) []byte {
	b := append([]byte(nil), data...)
	b[156] = typ
	copy(b[148:156], "        ")
	sum := 0
	for _, c := range b[:512] {
		sum += int(c)
	}
	copy(b[148:156], fmt.Sprintf("%06o\x00 ", sum))
	return b
}

// TestTarFileTypesExtractedAsFiles: a program in a tar member typed as a
// contiguous file ('7') or a GNU sparse file ('S'), which GNU tar and
// 7-Zip extract as regular files, is judged as one.
func TestTarFileTypesExtractedAsFiles(t *testing.T) {
	program := string(append([]byte("MZ\x90\x00"), make([]byte, 300)...))
	var gnu bytes.Buffer
	w := tar.NewWriter(&gnu)
	if err := w.WriteHeader(&tar.Header{Name: "Shipping_Documents.exe", Mode: 0o644, Size: int64(len(program)), Typeflag: tar.TypeReg, Format: tar.FormatGNU}); err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(program))
	w.Close()
	for _, typ := range []byte{tar.TypeCont, tar.TypeGNUSparse} {
		data := retyped(tarOf(t, "Shipping_Documents.exe", program), typ)
		if typ == tar.TypeGNUSparse {
			// A sparse file without holes: its real size (offset 483)
			// is its size, its map empty.
			data = retyped(gnu.Bytes(), typ)
			copy(data[483:495], data[124:136])
			data = retyped(data, typ)
		}
		out, _, _ := judge(t, map[string][]byte{"Shipping_Documents.tar": data})
		if !out.Emitted("ATTACH_EXECUTABLE_IN_ARCHIVE") {
			t.Errorf("type %q: the program went unseen", typ)
		}
	}
}
