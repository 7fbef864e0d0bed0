// Package olemsg reads Outlook .msg files ([MS-OXMSG]: a message stored
// as MAPI properties in an OLE compound file, [MS-CFB]) and rebuilds them
// as RFC 5322 messages, so that a .msg attached to a mail, reported by a
// user or given to `vigie scan` is judged by the one message parser and
// scanner that judge an .eml. A phishing message sent inside an attached
// .msg is an evasion CERT Santé's mx_sec_conf names ("courriel attaché
// (eml, msg) contenant l'élément malveillant"): a gateway that reads only
// .eml leaves it opaque.
//
// What is kept is what the scanner reads: the transport headers Outlook
// stored (PR_TRANSPORT_MESSAGE_HEADERS) when there are some, else the
// sender, recipients, subject and date rebuilt from the properties; the
// plain and HTML bodies (the HTML from the compressed RTF when Outlook
// kept it only there, [MS-OXRTFCP] and [MS-OXRTFEX]); the attachments, an
// embedded message rebuilt in turn as a message/rfc822 part.
//
// The compound file is read by github.com/richardlehane/mscfb; the
// property streams are read here. Everything is bounded (Limits): a
// corrupt or hostile file gives an error wrapping ErrFormat or
// ErrTooLarge, never a panic or an unbounded allocation.
package olemsg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/richardlehane/mscfb"
)

// MediaType is the media type Outlook and browsers give a .msg file.
const MediaType = "application/vnd.ms-outlook"

// signature opens every compound file ([MS-CFB] 2.2, Header Signature).
var signature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// propertiesStream is the property stream of a message, an attachment or
// a recipient ([MS-OXMSG] 2.4); at the root, it tells a .msg from any
// other compound file (a .doc, an .xls).
const propertiesStream = "__properties_version1.0"

var (
	// ErrFormat is wrapped by every error about a file that is not a
	// readable .msg.
	ErrFormat = errors.New("olemsg: not a readable .msg file")
	// ErrTooLarge is wrapped when a limit is reached.
	ErrTooLarge = errors.New("olemsg: limit reached")
)

// Limits bound the reading of one file. A zero field takes its default.
type Limits struct {
	MaxBytes       int64 // size of the file, and of all streams read together (default 32 MiB)
	MaxStreams     int   // directory entries (default 4096)
	MaxAttachments int   // attachments per message; more are left out (default 64)
	MaxDepth       int   // embedded messages within embedded messages (default 2)
	// Timeout bounds reading and rebuilding. ReadContext stops as well
	// when its context is done: with a context that has a deadline (a
	// scan's), a zero Timeout leaves that deadline alone to decide;
	// without one, a zero Timeout is 2 s.
	Timeout time.Duration
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = 32 << 20
	}
	if l.MaxStreams <= 0 {
		l.MaxStreams = 4096
	}
	if l.MaxAttachments <= 0 {
		l.MaxAttachments = 64
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = 2
	}
	return l
}

// defaultTimeout bounds a reading whose context has no deadline and whose
// Limits set no Timeout.
const defaultTimeout = 2 * time.Second

// budget is when a reading stops: the earlier of the context's deadline
// and Timeout from now, or defaultTimeout from now when neither is set.
// The context is also asked (a cancelled scan stops the reading too).
type budget struct {
	ctx      context.Context
	deadline time.Time
}

func newBudget(ctx context.Context, timeout time.Duration) budget {
	d, ok := ctx.Deadline()
	switch {
	case timeout > 0:
		if t := time.Now().Add(timeout); !ok || t.Before(d) {
			d = t
		}
	case !ok:
		d = time.Now().Add(defaultTimeout)
	}
	return budget{ctx: ctx, deadline: d}
}

// spent returns an error wrapping ErrTooLarge (and the context's error,
// if it is done) once the budget is spent, else nil.
func (b budget) spent(what string) error {
	if err := b.ctx.Err(); err != nil {
		return fmt.Errorf("olemsg: %s stopped: %w: %w", what, err, ErrTooLarge)
	}
	if time.Now().After(b.deadline) {
		return fmt.Errorf("olemsg: %s past its time budget: %w", what, ErrTooLarge)
	}
	return nil
}

// IsCompound reports whether b starts with the compound file signature.
// Word, Excel and PowerPoint 97-2003 files do as well: Read tells a .msg.
func IsCompound(b []byte) bool { return bytes.HasPrefix(b, signature) }

// Convert reads a .msg and rebuilds it as an RFC 5322 message.
func Convert(b []byte, lim Limits) ([]byte, error) {
	return ConvertContext(context.Background(), b, lim)
}

// ConvertContext is Convert stopping when ctx is done (see Limits.Timeout).
func ConvertContext(ctx context.Context, b []byte, lim Limits) ([]byte, error) {
	m, err := ReadContext(ctx, b, lim)
	if err != nil {
		return nil, err
	}
	return m.RFC822(), nil
}

// Read reads a .msg file.
func Read(b []byte, lim Limits) (*Message, error) {
	return ReadContext(context.Background(), b, lim)
}

// ReadContext reads a .msg file, stopping when ctx is done or lim.Timeout
// has passed, whichever comes first: a scan gives its own context, so that
// an attached .msg is read within the scan's deadline.
func ReadContext(ctx context.Context, b []byte, lim Limits) (*Message, error) {
	lim = lim.withDefaults()
	bud := newBudget(ctx, lim.Timeout)
	if int64(len(b)) > lim.MaxBytes {
		return nil, fmt.Errorf("olemsg: %d bytes, over %d: %w", len(b), lim.MaxBytes, ErrTooLarge)
	}
	if !IsCompound(b) {
		return nil, fmt.Errorf("olemsg: no compound file signature: %w", ErrFormat)
	}
	st, err := readStreams(b, lim, bud)
	if err != nil {
		return nil, err
	}
	if _, ok := st.data[propertiesStream]; !ok {
		return nil, fmt.Errorf("olemsg: compound file without a message property stream (a document?): %w", ErrFormat)
	}
	r := &reader{streams: st, lim: lim, budget: bud}
	return r.message("", topHeader, 0)
}

// canonicalName writes the name of a .msg stream or storage as
// [MS-OXMSG] does, its hexadecimal part in upper case: directory names
// compare without case ([MS-CFB] 2.6.4), and some writers use lower case.
func canonicalName(s string) string {
	for _, prefix := range []string{"__substg1.0_", "__attach_version1.0_#", "__recip_version1.0_#"} {
		if len(s) > len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
			return prefix + strings.ToUpper(s[len(prefix):])
		}
	}
	if strings.EqualFold(s, propertiesStream) {
		return propertiesStream
	}
	return s
}

// streams are a compound file's streams by path ("a/b/c"), and its
// storages.
type streams struct {
	data     map[string][]byte
	storages map[string]bool
}

// readStreams reads every stream of the compound file, within the limits:
// a stream may not be larger than the file (a corrupt size), and the
// streams read together may not exceed MaxBytes (a corrupt FAT can chain
// several streams through the same sectors).
//
// mscfb.New bounds what it reads from the header, the FAT and the
// directory (slices capped at 64,000 entries, sector cycles detected,
// tree walk capped by the number of entries), and FuzzRead found no
// panic in it (v1.0.9): there is no recover here. The scanner's pipeline
// still recovers a failing check (SCAN_CHECK_ERROR).
func readStreams(b []byte, lim Limits, bud budget) (streams, error) {
	var st streams
	doc, err := mscfb.New(bytes.NewReader(b))
	if err != nil {
		return st, fmt.Errorf("olemsg: compound file: %v: %w", err, ErrFormat)
	}
	if len(doc.File) > lim.MaxStreams {
		return st, fmt.Errorf("olemsg: %d directory entries, over %d: %w", len(doc.File), lim.MaxStreams, ErrTooLarge)
	}
	st = streams{data: map[string][]byte{}, storages: map[string]bool{}}
	var total int64
	for _, f := range doc.File[1:] { // [0] is the root storage
		parts := append(append([]string(nil), f.Path...), f.Name)
		for i, p := range parts {
			parts[i] = canonicalName(p)
		}
		name := strings.Join(parts, "/")
		if f.FileInfo().IsDir() {
			st.storages[name] = true
			continue
		}
		if err := bud.spent("reading streams"); err != nil {
			return st, err
		}
		if f.Size > int64(len(b)) {
			return st, fmt.Errorf("olemsg: stream %s claims %d bytes in a %d-byte file: %w", name, f.Size, len(b), ErrFormat)
		}
		if total += f.Size; total > lim.MaxBytes {
			return st, fmt.Errorf("olemsg: streams over %d bytes: %w", lim.MaxBytes, ErrTooLarge)
		}
		buf := make([]byte, f.Size)
		if _, err := io.ReadFull(f, buf); err != nil {
			return st, fmt.Errorf("olemsg: stream %s: %v: %w", name, err, ErrFormat)
		}
		st.data[name] = buf
	}
	return st, nil
}
