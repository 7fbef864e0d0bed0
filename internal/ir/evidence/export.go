package evidence

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// SumsFile is the export's hash list, in the format `sha256sum -c` reads.
const SumsFile = "SHA256SUMS"

// ManifestFile is the export's JSON manifest.
const ManifestFile = "manifest.json"

// Attachment is a document produced at export time (the journal, the
// report) that goes into the export next to the evidence.
type Attachment struct {
	Name string
	Data []byte
}

// ManifestEntry is one exported file.
type ManifestEntry struct {
	Path   string  `json:"path"` // relative to the export directory, slash-separated
	SHA256 string  `json:"sha256"`
	Size   int64   `json:"size"`
	Record *Record `json:"evidence,omitempty"` // nil for attachments
	// Custody is the chain of custody of a piece of evidence: collected,
	// entered into Vigie, exported.
	Custody []Custody `json:"custody,omitempty"`
}

// Custody is one hand the evidence passed through.
type Custody struct {
	Event string    `json:"event"` // collected, added, exported
	By    string    `json:"by"`
	At    time.Time `json:"at,omitzero"`
	Where string    `json:"where,omitempty"`
}

// CustodyOf lists the hands a record passed through, ending with the
// export being made.
func CustodyOf(r Record, exportedBy string, exportedAt time.Time, dir string) []Custody {
	var out []Custody
	if r.CollectedBy != "" || r.Source != "" || !r.CollectedAt.IsZero() {
		out = append(out, Custody{Event: "collected", By: r.CollectedBy, At: r.CollectedAt, Where: r.Source})
	}
	out = append(out, Custody{Event: "added", By: r.AddedBy, At: r.AddedAt, Where: "vigie"})
	return append(out, Custody{Event: "exported", By: exportedBy, At: exportedAt, Where: dir})
}

// Manifest describes an export.
type Manifest struct {
	IncidentID  int64           `json:"incident_id"`
	ExportedAt  time.Time       `json:"exported_at"`
	ExportedBy  string          `json:"exported_by"`
	JournalHead string          `json:"journal_head,omitempty"` // hash of the last journal entry
	JournalSeq  int64           `json:"journal_seq,omitempty"`
	Files       []ManifestEntry `json:"files"`
}

// Export copies records and attachments into dir (which must be empty or
// absent), verifying each stored file before copying and each copy after,
// and writes SHA256SUMS and manifest.json. m carries the header fields;
// its Files are filled in.
func (s *Store) Export(dir string, m Manifest, records []Record, attachments []Attachment) (Manifest, error) {
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return m, fmt.Errorf("evidence: export: %s is not empty", dir)
	}
	if err := os.MkdirAll(filepath.Join(dir, "evidence"), 0o750); err != nil {
		return m, fmt.Errorf("evidence: export: %w", err)
	}
	m.Files = nil
	for i, r := range records {
		if err := s.Verify(r.SHA256); err != nil {
			return m, fmt.Errorf("evidence: export %s: %w", r.Name, err)
		}
		rel := fmt.Sprintf("evidence/%02d-%s", i+1, SafeName(r.Name))
		src, err := s.Open(r.SHA256)
		if err != nil {
			return m, err
		}
		err = writeFile(filepath.Join(dir, filepath.FromSlash(rel)), src)
		src.Close()
		if err != nil {
			return m, err
		}
		rec := r
		m.Files = append(m.Files, ManifestEntry{Path: rel, SHA256: r.SHA256, Size: r.Size, Record: &rec,
			Custody: CustodyOf(r, m.ExportedBy, m.ExportedAt, dir)})
	}
	for _, a := range attachments {
		rel := SafeName(a.Name)
		if err := writeFile(filepath.Join(dir, rel), bytes.NewReader(a.Data)); err != nil {
			return m, err
		}
		sum, n, _ := hashReader(bytes.NewReader(a.Data))
		m.Files = append(m.Files, ManifestEntry{Path: rel, SHA256: sum, Size: n})
	}
	var sums bytes.Buffer
	for _, f := range m.Files {
		fmt.Fprintf(&sums, "%s  %s\n", f.SHA256, f.Path)
	}
	if err := writeFile(filepath.Join(dir, SumsFile), &sums); err != nil {
		return m, err
	}
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, fmt.Errorf("evidence: export: %w", err)
	}
	if err := writeFile(filepath.Join(dir, ManifestFile), bytes.NewReader(append(js, '\n'))); err != nil {
		return m, err
	}
	// Read back what was written: a copy is evidence only if it still
	// hashes to what the manifest says.
	if _, err := VerifyExport(dir); err != nil {
		return m, err
	}
	return m, nil
}

func writeFile(path string, r io.Reader) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o440)
	if err != nil {
		return fmt.Errorf("evidence: export: %w", err)
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return fmt.Errorf("evidence: export %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("evidence: export %s: %w", path, err)
	}
	return nil
}

// SumLine is one line of a SHA256SUMS file.
type SumLine struct {
	SHA256 string
	Path   string
}

// ParseSums reads a SHA256SUMS file ("HASH  PATH" or "HASH *PATH" lines).
// Paths must be relative and stay inside the export directory.
func ParseSums(r io.Reader) ([]SumLine, error) {
	var out []SumLine
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		sum, path, ok := strings.Cut(line, " ")
		if !ok || !ValidSum(sum) {
			return nil, fmt.Errorf("evidence: %s line %d: want \"SHA256  PATH\"", SumsFile, n)
		}
		path = strings.TrimPrefix(strings.TrimPrefix(path, " "), "*")
		clean := filepath.ToSlash(filepath.Clean(filepath.FromSlash(path)))
		if path == "" || filepath.IsAbs(path) || strings.HasPrefix(path, "/") || clean == ".." || strings.HasPrefix(clean, "../") {
			return nil, fmt.Errorf("evidence: %s line %d: path %q leaves the export", SumsFile, n, path)
		}
		out = append(out, SumLine{SHA256: sum, Path: clean})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("evidence: %s: %w", SumsFile, err)
	}
	return out, nil
}

// VerifyExport re-hashes every file listed in an export's SHA256SUMS and
// returns how many it checked.
func VerifyExport(dir string) (int, error) {
	f, err := os.Open(filepath.Join(dir, SumsFile))
	if err != nil {
		return 0, fmt.Errorf("evidence: verify export: %w", err)
	}
	lines, err := ParseSums(f)
	f.Close()
	if err != nil {
		return 0, err
	}
	for _, l := range lines {
		g, err := os.Open(filepath.Join(dir, filepath.FromSlash(l.Path)))
		if err != nil {
			return 0, fmt.Errorf("evidence: verify export: %w", err)
		}
		got, _, err := hashReader(g)
		g.Close()
		if err != nil {
			return 0, fmt.Errorf("evidence: verify export %s: %w", l.Path, err)
		}
		if got != l.SHA256 {
			return 0, fmt.Errorf("evidence: verify export %s: %w", l.Path, ErrMismatch)
		}
	}
	return len(lines), nil
}
