// Command vigie is the one Vigie binary: a table of subcommands that
// translate flags and arguments into calls on the services package app
// builds (`vigie serve` runs package daemon), and nothing else.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// command is one entry of the subcommand table. Name may have several words
// ("ioc add"); the longest matching name wins.
type command struct {
	Name    string
	Summary string
	Run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{}

// register adds a subcommand; each command's file calls it from init.
func register(c command) {
	if _, dup := commands[c.Name]; dup {
		panic("vigie: command registered twice: " + c.Name)
	}
	commands[c.Name] = c
}

// exitError carries a specific exit code (2 for usage errors, 1 otherwise).
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }
func (e exitError) Unwrap() error { return e.err }

func usageErr(format string, a ...any) error {
	return exitError{code: 2, err: fmt.Errorf(format, a...)}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, rest, ok := lookup(args)
	if !ok {
		usage(stderr)
		if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
			return 0
		}
		return 2
	}
	if err := c.Run(ctx, rest, stdout, stderr); err != nil {
		// An error worded in French too (a refused start) says it first.
		var fr interface{ French() string }
		if errors.As(err, &fr) {
			fmt.Fprintf(stderr, "vigie %s : %s\n", c.Name, fr.French())
		}
		fmt.Fprintf(stderr, "vigie %s: %v\n", c.Name, err)
		if e, ok := err.(exitError); ok {
			return e.code
		}
		return 1
	}
	return 0
}

// lookup finds the longest command name that prefixes args.
func lookup(args []string) (command, []string, bool) {
	for n := min(len(args), 3); n > 0; n-- {
		if c, ok := commands[strings.Join(args[:n], " ")]; ok {
			return c, args[n:], true
		}
	}
	return command{}, nil, false
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: vigie COMMAND [options]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-22s %s\n", n, commands[n].Summary)
	}
}
