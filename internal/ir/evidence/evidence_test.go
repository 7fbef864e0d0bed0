package evidence

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const fixture = "../../engine/testdata/chorus-pro-phish.eml"

func TestPutKeepsOriginalBytes(t *testing.T) {
	raw, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sum, size, err := s.Put(bytes.NewReader(raw), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256(raw)
	if sum != hex.EncodeToString(want[:]) || size != int64(len(raw)) {
		t.Fatalf("Put = %s, %d", sum, size)
	}
	st, err := os.Stat(s.Path(sum))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm()&0o222 != 0 {
		t.Errorf("stored file is writable: %v", st.Mode())
	}
	// Same bytes again: one copy, same answer.
	if sum2, _, err := s.Put(bytes.NewReader(raw), 0); err != nil || sum2 != sum {
		t.Fatalf("second Put = %s, %v", sum2, err)
	}
	got, err := s.ReadAll(sum)
	if err != nil || !bytes.Equal(got, raw) {
		t.Fatalf("ReadAll: %v", err)
	}
	// Tampering on disk is detected.
	os.Chmod(s.Path(sum), 0o640)
	os.WriteFile(s.Path(sum), append(raw, '\n'), 0o640)
	if err := s.Verify(sum); !errors.Is(err, ErrMismatch) {
		t.Errorf("Verify after tampering = %v", err)
	}
	if _, err := s.ReadAll(sum); !errors.Is(err, ErrMismatch) {
		t.Errorf("ReadAll after tampering = %v", err)
	}
}

func TestExport(t *testing.T) {
	raw, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := Open(t.TempDir())
	sum, size, err := s.Put(bytes.NewReader(raw), 0)
	if err != nil {
		t.Fatal(err)
	}
	logs := []byte("Mar 12 09:14:02 mx postfix/smtpd[1]: connect from unknown[203.0.113.45]\n")
	lsum, lsize, _ := s.Put(bytes.NewReader(logs), 0)
	recs := []Record{
		{ID: 1, IncidentID: 4, SHA256: sum, Size: size, Name: "../../Facture FA-2024.eml", AddedBy: "alice", AddedAt: time.Now()},
		{ID: 2, IncidentID: 4, SHA256: lsum, Size: lsize, Name: "maillog", AddedBy: "bob", AddedAt: time.Now()},
	}
	dir := filepath.Join(t.TempDir(), "out")
	m, err := s.Export(dir, Manifest{IncidentID: 4, ExportedBy: "alice", ExportedAt: time.Now()}, recs,
		[]Attachment{{Name: "journal.json", Data: []byte("[]")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != 3 || m.Files[0].Path != "evidence/01-Facture_FA-2024.eml" {
		t.Fatalf("manifest files = %+v", m.Files)
	}
	got, err := os.ReadFile(filepath.Join(dir, "evidence", "01-Facture_FA-2024.eml"))
	if err != nil || !bytes.Equal(got, raw) {
		t.Fatalf("exported copy differs: %v", err)
	}
	sums, _ := os.ReadFile(filepath.Join(dir, SumsFile))
	if !strings.Contains(string(sums), sum+"  evidence/01-Facture_FA-2024.eml\n") {
		t.Errorf("SHA256SUMS =\n%s", sums)
	}
	if n, err := VerifyExport(dir); err != nil || n != 3 {
		t.Errorf("VerifyExport = %d, %v", n, err)
	}
	// An export never overwrites.
	if _, err := s.Export(dir, Manifest{}, recs, nil); err == nil {
		t.Error("export into a non-empty directory succeeded")
	}
	// A corrupted store refuses to export.
	os.Chmod(s.Path(lsum), 0o640)
	os.WriteFile(s.Path(lsum), []byte("edited"), 0o640)
	if _, err := s.Export(filepath.Join(t.TempDir(), "x"), Manifest{}, recs, nil); !errors.Is(err, ErrMismatch) {
		t.Errorf("export of tampered evidence = %v", err)
	}
}

func TestParseSums(t *testing.T) {
	h := strings.Repeat("ab", 32)
	tests := []struct {
		in   string
		want []SumLine
		ok   bool
	}{
		{h + "  a/b.eml\n" + h + " *c\n\n", []SumLine{{h, "a/b.eml"}, {h, "c"}}, true},
		{h + "  ../etc/passwd\n", nil, false},
		{h + "  /etc/passwd\n", nil, false},
		{"xyz  a\n", nil, false},
		{h + "\n", nil, false},
	}
	for _, tt := range tests {
		got, err := ParseSums(strings.NewReader(tt.in))
		if (err == nil) != tt.ok {
			t.Errorf("ParseSums(%q) error = %v", tt.in, err)
			continue
		}
		if tt.ok && len(got) != len(tt.want) {
			t.Errorf("ParseSums(%q) = %v", tt.in, got)
		}
		for i := range tt.want {
			if tt.ok && got[i] != tt.want[i] {
				t.Errorf("ParseSums(%q)[%d] = %v", tt.in, i, got[i])
			}
		}
	}
}

func FuzzParseSums(f *testing.F) {
	f.Add(strings.Repeat("0", 64) + "  evidence/01-x.eml\n")
	f.Add(strings.Repeat("f", 64) + " *../x\n")
	f.Fuzz(func(t *testing.T, s string) {
		lines, err := ParseSums(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, l := range lines {
			if !ValidSum(l.SHA256) || strings.HasPrefix(l.Path, "/") || l.Path == ".." || strings.HasPrefix(l.Path, "../") {
				t.Fatalf("accepted %+v", l)
			}
		}
	})
}

func TestSafeName(t *testing.T) {
	for in, want := range map[string]string{
		"../../etc/passwd":          "passwd",
		"C:\\Users\\x\\Facture.eml": "Facture.eml",
		".hidden":                   "hidden",
		"":                          "evidence",
		"fäcture é.pdf":             "f_cture__.pdf",
	} {
		if got := SafeName(in); got != want {
			t.Errorf("SafeName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestOpenFileRefuses never follows a link nor reads a device, and Put
// keeps nothing past the size cap.
func TestOpenFileRefuses(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "signalement.eml")
	os.WriteFile(ok, []byte("Subject: x\r\n\r\ny\r\n"), 0o600)
	link := filepath.Join(dir, "lien.eml")
	os.Symlink("/etc/shadow", link)
	for path, reason := range map[string]string{link: "symlink", "/dev/zero": "not-regular", dir: "not-regular"} {
		f, _, err := OpenFile(path)
		var fe *FileError
		if !errors.As(err, &fe) || fe.Reason != reason {
			t.Errorf("OpenFile(%s) = %v, want %s", path, err, reason)
		}
		if f != nil {
			f.Close()
		}
	}
	f, st, err := OpenFile(ok)
	if err != nil || st.Size() == 0 {
		t.Fatalf("OpenFile(regular) = %v", err)
	}
	f.Close()
	s, _ := Open(filepath.Join(dir, "store"))
	if _, _, err := s.Put(io.LimitReader(zeros{}, 2048), 1024); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Put over the cap = %v", err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "store", "sha256", "*"))
	if len(left) != 0 {
		t.Errorf("the refused content was kept: %v", left)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }
