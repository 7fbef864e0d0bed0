package attach

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"strings"

	"vigie.dev/vigie/internal/scan"
)

// The gzip and tar attachments of the commodity-malware campaigns: a
// purchase order, a request for quotation or shipping documents as
// "PO_1234.gz" or "Shipping_Documents.tar" holding one program (Agent
// Tesla, FormBook, Snake Keylogger and GuLoader lures: abuse.ch
// MalwareBazaar's file-type statistics for these families, Proofpoint's
// and Microsoft's threat write-ups on the archives mailed with them).
// Both formats are in extensions.yaml's archive list (CERT Santé's
// mx_sec_conf archive_extensions); unlike a zip they were not opened, so
// the program inside went unseen.

// isTar tells a POSIX or GNU tar archive by the magic of its first header
// (POSIX.1-1988 ustar, "ustar" at offset 257).
func isTar(data []byte) bool {
	return len(data) >= 262 && string(data[257:262]) == "ustar"
}

// judgeGzip judges the one file a gzip attachment holds (RFC 1952): by the
// name its header records (FNAME) or, without one, the attachment's name
// less ".gz", and by its first bytes (a Windows program); a tar inside
// (".tar.gz", ".tgz") is judged member by member, a zip or gzip as one. What is
// decompressed is bounded and charged to the message's budget x.
func judgeGzip(ctx context.Context, name string, data []byte, depth int, pw *passwordSaid, x *expansion, out *scan.Emitter) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		out.Emit("ATTACH_ARCHIVE_OPAQUE", name)
		return
	}
	// Every member, one after the other, as gunzip and 7-Zip write
	// them out under the first header's name: an empty first member
	// would otherwise hide a tar or a program in the next.
	member := zr.Name
	if member == "" {
		base := name
		if i := strings.LastIndex(base, " → "); i >= 0 {
			base = base[i+len(" → "):]
		}
		lower := strings.ToLower(base)
		switch {
		case strings.HasSuffix(lower, ".tgz"):
			member = base[:len(base)-len(".tgz")] + ".tar"
		case strings.HasSuffix(lower, ".gz"):
			member = base[:len(base)-len(".gz")]
		}
	}
	inner := name + " → " + member
	// Read to the larger of what is left of the message's budget and of
	// the attachment's floor (readBounded), charging both.
	room := max(x.left, x.floor)
	if room <= 0 {
		judgeMember(inner, member, nil, out)
		out.Emit("ATTACH_ARCHIVE_OPAQUE", name)
		return
	}
	n := min(int64(maxNestedBytes), room)
	var buf bytes.Buffer
	_, err = buf.ReadFrom(&limitedReader{r: zr, n: n})
	x.left -= int64(buf.Len())
	x.floor -= int64(buf.Len())
	if err == errLimit && n < maxNestedBytes {
		out.Emit("ATTACH_ARCHIVE_OPAQUE", name)
	}
	b := buf.Bytes()
	if depth == 0 && ext(strings.ToLower(name)) == "svgz" {
		// A compressed SVG, which the browser opening it inflates.
		judgeHTML(name, b, true, false, out)
	}
	judgeMember(inner, member, b, out)
	switch {
	case isTar(b):
		judgeTar(ctx, inner, b, depth+1, pw, x, out)
	case depth+1 < maxArchiveDepth && (bytes.HasPrefix(b, []byte("PK\x03\x04")) || bytes.HasPrefix(b, []byte("\x1f\x8b"))):
		judgeNested(ctx, inner, b, depth+1, pw, x, out)
	}
}

// judgeTar judges each file a tar attachment holds, by name and first
// bytes, as a zip's members are; an archive inside (zip, gzip, tar) is
// opened while depth allows. A tar is read from memory, so its members cost no
// expansion; a truncated one (a gzip read to its bound) stops where it
// ends.
func judgeTar(ctx context.Context, name string, data []byte, depth int, pw *passwordSaid, x *expansion, out *scan.Emitter) {
	tr := tar.NewReader(bytes.NewReader(data))
	for i := 0; ; i++ {
		if i >= maxArchiveEntries || ctx.Err() != nil {
			out.Emit("ATTACH_ARCHIVE_OPAQUE", name)
			return
		}
		h, err := tr.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				out.Emit("ATTACH_ARCHIVE_OPAQUE", name)
			}
			return
		}
		// A file's content: a regular file, and the contiguous and GNU
		// sparse files GNU tar and 7-Zip extract as regular ones (Go's
		// reader leaves their type as written).
		if h.Typeflag != tar.TypeReg && h.Typeflag != tar.TypeCont && h.Typeflag != tar.TypeGNUSparse {
			continue
		}
		inner := name + " → " + h.Name
		var head [4 << 10]byte
		k, _ := io.ReadFull(tr, head[:])
		judgeMember(inner, h.Name, head[:k], out)
		if depth+1 < maxArchiveDepth && archiveExt[ext(strings.ToLower(h.Name))] && h.Size <= maxNestedBytes {
			rest, err := io.ReadAll(io.LimitReader(tr, maxNestedBytes))
			if err != nil {
				continue
			}
			judgeNested(ctx, inner, append(head[:k:k], rest...), depth+1, pw, x, out)
		}
	}
}

// judgeNested judges an archive found inside another by what its bytes
// are, not by its name alone: a zip holding "docs.tar.gz", a tar holding
// a tar, are opened as the outer one is (gzip, tar or zip); a RAR or a
// cabinet inside has the names it lists judged (names.go).
func judgeNested(ctx context.Context, inner string, b []byte, depth int, pw *passwordSaid, x *expansion, out *scan.Emitter) {
	switch {
	case bytes.HasPrefix(b, []byte("Rar!\x1a\x07")):
		judgeListed(inner, rarNames(b), out)
	case bytes.HasPrefix(b, []byte("MSCF")):
		judgeListed(inner, cabNames(b), out)
	case bytes.HasPrefix(b, []byte("\x1f\x8b")):
		judgeGzip(ctx, inner, b, depth, pw, x, out)
	case isTar(b):
		judgeTar(ctx, inner, b, depth, pw, x, out)
	default:
		judgeZip(ctx, inner, b, depth, pw, x, out)
	}
}

// judgeMember judges a file inside a gzip or tar by its name and first
// bytes, as judgeZip does a zip's members: a program, script or disk image
// (or a Windows program under another name), a page, a macro document, a
// misleading name.
func judgeMember(inner, member string, head []byte, out *scan.Emitter) {
	e := ext(strings.ToLower(member))
	switch {
	case executableExt[e] || scriptExt[e] || diskImageExt[e] || bytes.HasPrefix(head, []byte("MZ")):
		out.Emit("ATTACH_EXECUTABLE_IN_ARCHIVE", inner)
	case htmlExt[e]:
		out.Emit("ATTACH_HTML_IN_ARCHIVE", inner)
	case macroExt[e]:
		out.Emit("ATTACH_MACRO", inner)
	}
	if member != "" {
		judgeName(member, out)
	}
}
