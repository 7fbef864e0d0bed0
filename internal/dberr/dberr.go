// Package dberr names the failures every repository reports alike,
// whatever database is behind it: a row not found, a row that already
// exists, the database out of reach. The domain packages own their
// repository interfaces (quarantine.Repository, ioc.Repository…) and
// test errors against these without knowing package store, which
// implements them.
package dberr

import (
	"context"
	"database/sql/driver"
	"errors"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// ErrNotFound is returned by repositories when a row does not exist.
var ErrNotFound = errors.New("store: not found")

// ErrExists is returned when creating a row whose key is taken.
var ErrExists = errors.New("store: already exists")

// ErrUnavailable marks a failure to reach the database, as opposed to a
// bad request or a bug: callers answer 503 and retry later.
var ErrUnavailable = errors.New("store: database unavailable")

// Unavailable reports whether err means the database could not be reached
// (connection refused or lost, server shutting down, pool timed out), so
// that an API answers 503 rather than blaming the request.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrUnavailable) || errors.Is(err, driver.ErrBadConn) {
		return true
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	if errors.As(err, &ce) || errors.As(err, &ne) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08: connection exception; 57P01-57P03: admin shutdown,
		// crash shutdown, cannot connect now.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "connection refused") || strings.Contains(msg, "conn closed") ||
		strings.Contains(msg, "database is locked") || strings.Contains(msg, "unexpected EOF")
}
