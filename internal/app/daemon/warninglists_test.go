package daemon_test

import (
	"os"
	"path/filepath"
	"testing"
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
