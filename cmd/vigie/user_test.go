package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// withStdin runs a command with input on standard input.
func withStdin(t *testing.T, input string, args ...string) (int, string, string) {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "stdin")
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(input)
	f.Seek(0, 0)
	old := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = old; f.Close() }()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUserCommands(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "v.db")
	for _, tc := range []struct {
		input string
		args  []string
		code  int
		out   string
	}{
		{"correct horse battery\n", []string{"user", "add", "--store", dsn, "--role", "admin", "alice"}, 0, "account alice created (admin)"},
		{"correct horse battery\n", []string{"user", "add", "--store", dsn, "alice"}, 1, ""},
		{"short\n", []string{"user", "add", "--store", dsn, "bob"}, 1, ""},
		{"", []string{"user", "add", "--store", dsn, "--role", "boss", "bob"}, 2, ""},
		{"another long password\n", []string{"user", "passwd", "--store", dsn, "alice"}, 0, "password of alice changed"},
		{"", []string{"user", "list", "--store", dsn}, 0, "alice  admin"},
		{"", []string{"user", "rm", "--store", dsn, "alice"}, 0, "account alice deleted"},
		{"", []string{"user", "rm", "--store", dsn, "alice"}, 1, ""},
	} {
		code, out, errs := withStdin(t, tc.input, tc.args...)
		if code != tc.code || !strings.Contains(out, tc.out) {
			t.Errorf("%v: exit %d, out %q, err %q; want %d and %q", tc.args[1:], code, out, errs, tc.code, tc.out)
		}
	}
}
