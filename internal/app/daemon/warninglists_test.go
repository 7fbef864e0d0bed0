package daemon_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"vigie.dev/vigie/internal/scan"
)

// A reload (SIGHUP) reads data.warninglists again: the scanner the
// gateway swaps in and the indicators' guard consult the newer lists, and
// a reload with the directory gone fails, the previous lists kept.
func TestReloadReadsNewerWarningLists(t *testing.T) {
	lists, err := filepath.Abs("../../warninglist/testdata/refresh")
	if err != nil {
		t.Fatal(err)
	}
	const added = "msftncsi.net" // the newer microsoft list's one added entry
	file := filepath.Join(t.TempDir(), "vigie.yaml")
	if err := os.WriteFile(file, []byte("policy:\n  subject_prefix: \"[SUSPECT]\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d, _ := start(t, file, nil)
	guard := d.App.Indicators().Guard()
	if d.Gateway.Scanner().Lists.TopSite(added) || guard.Lists().TopSite(added) {
		t.Fatalf("%s is a top site before the newer lists are read", added)
	}
	copied := filepath.Join(t.TempDir(), "misp")
	if err := os.CopyFS(copied, os.DirFS(lists)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("data:\n  warninglists: "+copied+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := d.Reload(); err != nil {
		t.Fatal(err)
	}
	if !d.Gateway.Scanner().Lists.TopSite(added) {
		t.Error("after Reload: the scanner does not read the newer list")
	}
	if !guard.Lists().TopSite(added) {
		t.Error("after Reload: the guard does not read the newer list")
	}
	if err := os.RemoveAll(copied); err != nil {
		t.Fatal(err)
	}
	if err := d.Reload(); err == nil {
		t.Error("Reload accepted a data.warninglists that is gone")
	}
	if !d.Gateway.Scanner().Lists.TopSite(added) || !guard.Lists().TopSite(added) {
		t.Error("a failed reload changed the lists")
	}
}

// Reloads running side by side (SIGHUP beside a learned-weights rebuild)
// while messages are scanned and indicators guarded: no data race
// (go test -race), every scan sees one whole set of lists, and once the
// reloads are done the scanner and the guard read the same set.
func TestReloadsBesideScansAgreeOnOneSet(t *testing.T) {
	lists, err := filepath.Abs("../../warninglist/testdata/refresh")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "vigie.yaml")
	if err := os.WriteFile(file, []byte("data:\n  warninglists: "+lists+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d, _ := start(t, file, nil)
	guard := d.App.Indicators().Guard()
	raw := []byte("From: a@msftncsi.net\r\nTo: b@example.test\r\nSubject: hello\r\n\r\nhello\r\n")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				sc := d.Gateway.Scanner()
				if v := sc.Scan(context.Background(), raw, scan.Envelope{}); v == nil {
					t.Error("no verdict")
					return
				}
				if !sc.Lists.TopSite("msftncsi.net") || !guard.Lists().TopSite("msftncsi.net") {
					t.Error("a scan or the guard read lists without the newer file")
					return
				}
			}
		}()
	}
	var reloads sync.WaitGroup
	for range 2 {
		reloads.Add(1)
		go func() {
			defer reloads.Done()
			for range 2 {
				if err := d.Reload(); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	reloads.Wait()
	close(stop)
	wg.Wait()
	if d.Gateway.Scanner().Lists != guard.Lists() {
		t.Error("after the reloads, the guard and the scanner read different sets")
	}
}
