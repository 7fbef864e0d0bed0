package store

import "vigie.dev/vigie/internal/dberr"

// The repositories' errors (package dberr), under the names the store's
// own code uses.
var (
	ErrNotFound    = dberr.ErrNotFound
	ErrExists      = dberr.ErrExists
	ErrUnavailable = dberr.ErrUnavailable
)

// Unavailable reports whether err means the database could not be reached
// (dberr.Unavailable).
func Unavailable(err error) bool { return dberr.Unavailable(err) }
