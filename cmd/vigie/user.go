package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"vigie.dev/vigie/internal/account"
	"vigie.dev/vigie/internal/app"
)

func init() {
	for _, c := range []command{
		{"user add", "create a web console account: NAME --role admin|analyst|lecture (password on standard input)", runUserAdd},
		{"user passwd", "change a console account's password (on standard input) and end its sessions", runUserPasswd},
		{"user rm", "delete a console account and its sessions", runUserRm},
		{"user list", "list the console accounts", runUserList},
	} {
		register(c)
	}
}

// userCmd opens the account service over the configured store.
type userCmd struct {
	fs     *flag.FlagSet
	stderr io.Writer
	config string
	store  string
	stdin  io.Reader
}

func newUserCmd(name string, stderr io.Writer) *userCmd {
	c := &userCmd{fs: flag.NewFlagSet(name, flag.ContinueOnError), stderr: stderr, stdin: os.Stdin}
	c.fs.SetOutput(stderr)
	c.fs.StringVar(&c.config, "config", "", "configuration file (data directory, store)")
	c.fs.StringVar(&c.store, "store", os.Getenv(envStore), "store DSN (default: from the configuration)")
	return c
}

func (c *userCmd) parse(args []string, n int, usage string) ([]string, error) {
	if err := c.fs.Parse(args); err != nil {
		return nil, usageErr("%v", err)
	}
	if c.fs.NArg() != n {
		return nil, usageErr("usage: vigie %s", usage)
	}
	return c.fs.Args(), nil
}

func (c *userCmd) open(ctx context.Context) (*account.Service, *app.App, error) {
	a, err := app.Load(ctx, c.config, app.Options{Store: c.store, Log: cliLog(c.stderr)})
	if err != nil {
		return nil, nil, err
	}
	return a.Accounts(), a, nil
}

// readPassword reads one line; the password never appears in arguments
// (they show in ps and in the shell history).
func readPassword(r io.Reader, stderr io.Writer) (string, error) {
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprintf(stderr, "password (at least %d characters; input is echoed, prefer a pipe): ", account.MinPassword)
		}
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func runUserAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newUserCmd("user add", stderr)
	role := c.fs.String("role", "lecture", "admin, analyst or lecture (read-only)")
	pos, err := c.parse(args, 1, "user add NAME --role admin|analyst|lecture < password")
	if err != nil {
		return err
	}
	r, err := account.ParseRole(*role)
	if err != nil {
		return usageErr("%v", err)
	}
	pw, err := readPassword(c.stdin, stderr)
	if err != nil {
		return err
	}
	svc, a, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := svc.Add(ctx, pos[0], r, pw); err != nil {
		return err
	}
	svc.Audit(ctx, account.AuditEntry{Actor: operator(""), Action: "user.add", Target: pos[0], Detail: string(r)})
	fmt.Fprintf(stdout, "account %s created (%s)\n", pos[0], r)
	return nil
}

func runUserPasswd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newUserCmd("user passwd", stderr)
	pos, err := c.parse(args, 1, "user passwd NAME < password")
	if err != nil {
		return err
	}
	pw, err := readPassword(c.stdin, stderr)
	if err != nil {
		return err
	}
	svc, a, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := svc.SetPassword(ctx, pos[0], pw); err != nil {
		return err
	}
	svc.Audit(ctx, account.AuditEntry{Actor: operator(""), Action: "user.passwd", Target: pos[0]})
	fmt.Fprintf(stdout, "password of %s changed; its sessions are closed\n", pos[0])
	return nil
}

func runUserRm(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newUserCmd("user rm", stderr)
	pos, err := c.parse(args, 1, "user rm NAME")
	if err != nil {
		return err
	}
	svc, a, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := svc.Remove(ctx, pos[0]); err != nil {
		return err
	}
	svc.Audit(ctx, account.AuditEntry{Actor: operator(""), Action: "user.rm", Target: pos[0]})
	fmt.Fprintf(stdout, "account %s deleted\n", pos[0])
	return nil
}

func runUserList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newUserCmd("user list", stderr)
	asJSON := c.fs.Bool("json", false, "JSON output")
	if _, err := c.parse(args, 0, "user list [--json]"); err != nil {
		return err
	}
	svc, a, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	users, err := svc.List(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, users)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tCREATED\tLAST LOG-IN")
	for _, u := range users {
		last := "never"
		if !u.LastLoginAt.IsZero() {
			last = u.LastLoginAt.Local().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Name, u.Role, u.CreatedAt.Local().Format("2006-01-02"), last)
	}
	return tw.Flush()
}
