// Package archtest keeps Vigie's import graph the shape docs/flow.md
// describes: a message goes front end → scan → checks → verdict → action,
// and no package imports one above it. Its test reads the graph with
// `go list -deps` and checks every import of production code against the
// layers below and a few explicit bans; a new package must be given its
// layer here. The package has no code: only the test and this comment.
package archtest
