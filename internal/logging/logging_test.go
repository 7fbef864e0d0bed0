package logging

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
)

func TestJournalFormat(t *testing.T) {
	var b bytes.Buffer
	log, err := New(&b, "journal", "debug")
	if err != nil {
		t.Fatal(err)
	}
	log.Error("queue write failed", "queue_id", "A1")
	log.Warn("verdict", "action", "tempfail")
	log.Info("verdict", "action", "accept")
	log.Debug("detail")
	want := []string{
		`<3>level=ERROR msg="queue write failed" queue_id=A1`,
		`<4>level=WARN msg=verdict action=tempfail`,
		`<6>level=INFO msg=verdict action=accept`,
		`<7>level=DEBUG msg=detail`,
	}
	if got := strings.Split(strings.TrimSpace(b.String()), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestAutoDetectsTheJournal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	t.Setenv("JOURNAL_STREAM", "")
	if IsJournal(f) {
		t.Error("journal without JOURNAL_STREAM")
	}
	fi, _ := f.Stat()
	st := fi.Sys().(*syscall.Stat_t)
	t.Setenv("JOURNAL_STREAM", fmt.Sprintf("%d:%d", st.Dev, st.Ino))
	log, err := New(f, "auto", "info")
	if err != nil {
		t.Fatal(err)
	}
	log.Info("started")
	if b, _ := os.ReadFile(f.Name()); string(b) != "<6>level=INFO msg=started\n" {
		t.Errorf("auto under systemd wrote %q", b)
	}
	other, _ := os.CreateTemp(t.TempDir(), "other")
	defer other.Close()
	if IsJournal(other) {
		t.Error("another file taken for the journal")
	}
}

func TestBadFormat(t *testing.T) {
	if _, err := New(os.Stderr, "xml", "info"); err == nil {
		t.Error("xml accepted")
	}
	if _, err := New(os.Stderr, "text", "loud"); err == nil {
		t.Error("level loud accepted")
	}
}
