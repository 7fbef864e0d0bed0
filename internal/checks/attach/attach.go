// Package attach judges attachments: executables and scripts (also inside
// archives, with bounded expansion), disk images, password-protected
// archives, Office files with macros, HTML and SVG files that smuggle a
// payload or a login form, double extensions and declared types that lie.
package attach

import (
	"archive/zip"
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"path"
	"strings"

	"gopkg.in/yaml.v3"

	"vigie.dev/vigie/internal/message"
	"vigie.dev/vigie/internal/pasterun"
	"vigie.dev/vigie/internal/scan"
)

//go:embed signals.yaml
var signals []byte

// definitions are the family's signals (signals.yaml).
var definitions = scan.MustDefinitions("attach", signals)

// Signals implements scan.Family.
func (Check) Signals() []scan.Definition { return definitions }

// Checks implements scan.Family: the family is one check.
func (c Check) Checks() []scan.Check { return []scan.Check{c} }

// Limits of archive expansion: a zip bomb costs us at most this much.
const (
	maxArchiveEntries = 1000
	maxNestedBytes    = 8 << 20
	maxArchiveDepth   = 2
	// maxMessageExpansion bounds the bytes expanded from all a message's
	// archives together: each member read is bounded (maxNestedBytes),
	// but 1,000 members of an archive, in each of a message's
	// attachments, are not. Eight members read to their bound: an Office
	// document's VBA project or embedded objects weigh a few megabytes,
	// and 64 MiB of zeros expand in about a tenth of a second.
	maxMessageExpansion = 64 << 20
	// attachMinExpansion is what each attachment may still expand once
	// the message's budget is spent: packages of bombs sent first must
	// not hide the script in a small zip inside the zip after them, nor
	// the program renamed into a document's binary part. MaxParts
	// attachments bound the message (500 × 128 KiB = 62.5 MiB more).
	attachMinExpansion = 128 << 10
)

// expansion is what is left of a message's maxMessageExpansion, shared by
// all its archives, and of the attachment's own attachMinExpansion: a
// member is read to the larger of the two.
type expansion struct {
	left, floor int64
}

// errBudget says a member was not read whole for want of the message's
// expansion budget: the archive is then ATTACH_ARCHIVE_OPAQUE.
var errBudget = limitErr{"archive member beyond the message's expansion budget"}

// Check is the attachment check family.
type Check struct{}

// Name implements scan.Check.
func (Check) Name() string { return "attach" }

//go:embed extensions.yaml
var extensionsYAML []byte

// extensionLists are the lists of extensions.yaml, by kind.
var extensionLists = func() map[string]map[string]bool {
	lists, _, err := parseExtensions(extensionsYAML)
	if err != nil {
		panic(err) // embedded data: a build error
	}
	return lists
}()

var (
	executableExt = extensionLists["executable"]
	scriptExt     = extensionLists["script"]
	diskImageExt  = extensionLists["disk_image"]
	htmlExt       = extensionLists["html"]
	archiveExt    = extensionLists["archive"]
	macroExt      = extensionLists["macro"]
	docExt        = extensionLists["document"]
)

// extensionKinds are the lists extensions.yaml must have.
var extensionKinds = []string{"executable", "script", "disk_image", "html", "archive", "macro", "document"}

// parseExtensions reads the extension lists, each grouped by source, and
// the sources' descriptions.
func parseExtensions(data []byte) (map[string]map[string]bool, map[string]string, error) {
	var raw map[string]yaml.Node
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, nil, fmt.Errorf("attach: extensions: %w", err)
	}
	var sources map[string]string
	if n, ok := raw["sources"]; !ok {
		return nil, nil, fmt.Errorf("attach: extensions: no sources")
	} else if err := n.Decode(&sources); err != nil {
		return nil, nil, fmt.Errorf("attach: extensions: sources: %w", err)
	}
	lists := map[string]map[string]bool{}
	for _, kind := range extensionKinds {
		var bySource map[string][]string
		n, ok := raw[kind]
		if !ok {
			return nil, nil, fmt.Errorf("attach: extensions: no list %q", kind)
		}
		if err := n.Decode(&bySource); err != nil {
			return nil, nil, fmt.Errorf("attach: extensions: %s: %w", kind, err)
		}
		lists[kind] = map[string]bool{}
		for src, exts := range bySource {
			if sources[src] == "" {
				return nil, nil, fmt.Errorf("attach: extensions: %s: source %q is not described", kind, src)
			}
			for _, e := range exts {
				lists[kind][strings.ToLower(e)] = true
			}
		}
	}
	if len(raw) != len(extensionKinds)+1 {
		return nil, nil, fmt.Errorf("attach: extensions: %d lists, want %d", len(raw)-1, len(extensionKinds))
	}
	return lists, sources, nil
}

func ext(name string) string {
	return strings.TrimPrefix(strings.ToLower(path.Ext(strings.TrimSpace(strings.TrimRight(name, ". ")))), ".")
}

// Check implements scan.Check.
func (Check) Check(ctx context.Context, in *scan.Input, out *scan.Emitter) {
	check(ctx, in, out)
}

// check is Check that returns the bytes it expanded from archives.
func check(ctx context.Context, in *scan.Input, out *scan.Emitter) int64 {
	x := &expansion{left: maxMessageExpansion}
	if isEICARText(in.Msg.Text) {
		out.Emit("ATTACH_EICAR_TEST", "text/plain")
	}
	// given: the message may hold the password of an encrypted
	// attachment — it does not say the password travels apart
	// (passwordApart). An archive that cannot be opened is called
	// encrypted only when the message gives one (passwordGiven,
	// passwordHinted).
	pw := &passwordSaid{texts: []string{in.Msg.Subject, in.Msg.Text, in.Msg.HTMLText}}
	var svgs map[string]bool
	defer func() { judgeSVGLinks(in, svgs, out) }()
	for _, a := range in.Msg.Attachments {
		if ctx.Err() != nil {
			return maxMessageExpansion - x.left
		}
		x.floor = attachMinExpansion
		name := a.Filename
		e := ext(name)
		sniff := a.SniffedType
		judgeName(name, out)
		if name == "" {
			name = unnamed(a)
		}
		if isEICAR(a.Data) {
			out.Emit("ATTACH_EICAR_TEST", name)
		}
		switch {
		case executableExt[e] || sniff == "application/x-msdownload" || sniff == "application/x-executable" || sniff == "application/x-ms-shortcut" || sniff == "application/onenote":
			out.Emit("ATTACH_EXECUTABLE", name)
		case scriptExt[e]:
			out.Emit("ATTACH_SCRIPT", name)
		case diskImageExt[e] || sniff == "application/x-iso9660-image":
			out.Emit("ATTACH_DISK_IMAGE", name)
		case macroExt[e]:
			out.Emit("ATTACH_MACRO", name)
		}
		if htmlExt[e] || sniff == "text/html" || sniff == "image/svg+xml" {
			svg := e == "svg" || e == "svgz" || sniff == "image/svg+xml"
			if svg {
				if svgs == nil {
					svgs = map[string]bool{}
				}
				svgs[a.Filename] = true
			}
			decl := strings.ToLower(a.DeclaredType)
			named := htmlExt[e] && !svg && (decl == "" || strings.HasPrefix(decl, "text/html") || strings.HasPrefix(decl, "application/octet-stream"))
			if sniff != "application/gzip" { // an .svgz: judgeGzip reads it inflated
				judgeHTML(name, a.Data, svg, named, out)
			}
		}
		switch sniff {
		case "application/zip":
			judgeZip(ctx, name, a.Data, 0, pw, x, out)
		case "application/gzip":
			judgeGzip(ctx, name, a.Data, 0, pw, x, out)
		case "application/vnd.rar", "application/x-rar-compressed", "application/x-7z-compressed", "application/vnd.ms-cab-compressed":
			out.Emit("ATTACH_ARCHIVE_OPAQUE", name)
			// RAR and CAB name their files in clear (names.go).
			judgeListed(name, rarNames(a.Data), out)
			judgeListed(name, cabNames(a.Data), out)
			if pw.gives() {
				// A password for an archive we cannot open: it is encrypted.
				out.Emit("ATTACH_ARCHIVE_ENCRYPTED", name)
			}
		case "application/x-elf", "application/x-mach-binary", "application/vnd.ms-htmlhelp", "application/x-vhdx":
			out.Emit("ATTACH_EXECUTABLE", name)
		case "application/x-ole-storage":
			if oleHasMacros(a.Data) {
				out.Emit("ATTACH_MACRO", name)
			}
			// An Office document encrypted with a password is an OLE file
			// holding the encrypted package ([MS-OFFCRYPTO] §2.3.4.4,
			// EncryptionInfo and EncryptedPackage streams): the zip
			// package inside escapes scanning as an encrypted archive's
			// members do, and the campaigns that mailed them gave the
			// password in the message as they do for archives.
			if bytes.Contains(a.Data, utf16le("EncryptedPackage")) {
				emitEncrypted(name, pw, out)
			}
		case "application/pdf":
			// An /Encrypt dictionary in the trailer: the document opens
			// only with a password, which the message gives the reader.
			if bytes.Contains(a.Data, []byte("/Encrypt")) {
				out.Emit("ATTACH_PDF_ENCRYPTED", name)
			}
		}
		if sniff != "application/gzip" && isTar(a.Data) {
			judgeTar(ctx, name, a.Data, 0, pw, x, out)
		}
		judgeMismatch(a, e, sniff, out)
	}
	return maxMessageExpansion - x.left
}

// unnamed names an attachment without a file name for the details: by
// the type it declares and where it is in the MIME tree ("text/html, part
// 2"), so that whoever reads the verdict finds it.
func unnamed(a message.Attachment) string {
	typ, _, _ := strings.Cut(a.DeclaredType, ";")
	name := strings.TrimSpace(typ)
	if a.Path != "" {
		name += ", part " + a.Path
	}
	return name
}

// judgeName flags "facture.pdf.exe" and names padded to hide the real extension.
func judgeName(name string, out *scan.Emitter) {
	base := strings.ToLower(strings.TrimSpace(name))
	e := ext(base)
	inner := ext(strings.TrimSuffix(base, "."+e))
	if inner != "" && docExt[inner] && (executableExt[e] || scriptExt[e] || htmlExt[e] || diskImageExt[e] || archiveExt[e] && e != "gz") {
		out.Emit("ATTACH_DOUBLE_EXT", name)
	}
	if strings.Contains(name, "     ") || strings.ContainsRune(name, '\u202e') {
		out.Emit("ATTACH_DOUBLE_EXT", name)
	}
}

// judgeHTML looks for smuggling and credential forms in an HTML or SVG file.
// named says the file presents itself as a page (its extension is HTML's):
// only then may an inert page weigh less (inertHTML).
func judgeHTML(name string, data []byte, svg, named bool, out *scan.Emitter) {
	if len(data) > 4<<20 {
		data = data[:4<<20]
	}
	lower := bytes.ToLower(data)
	if svg {
		lower = unprefixTags(lower)
	}
	script := runsScript(lower)
	if svg {
		if svgActive(lower, script) {
			out.Emit("ATTACH_SVG_ACTIVE", name)
		}
	} else if script || !named || !inertHTML(lower) {
		out.Emit("ATTACH_HTML", name)
	} else {
		out.Emit("ATTACH_HTML_INERT", name)
	}
	judgeHTMLContent(name, lower, script, out)
}

// judgeHTMLContent looks for smuggling idioms and credential forms in the
// lower-cased text of an HTML file; script says whether it runs any.
func judgeHTMLContent(name string, lower []byte, script bool, out *scan.Emitter) {
	has := func(s string) bool { return bytes.Contains(lower, []byte(s)) }
	smuggling := 0
	for _, s := range []string{"atob(", "new blob(", "createobjecturl", "mssaveoropenblob", "download=", "unescape(", "fromcharcode", "eval(", "document.write(", "window.location", "location.href", "location.replace", ".submit()", "crypto-js", "decodeuricomponent(escape"} {
		if has(s) {
			smuggling++
		}
	}
	if script && smuggling >= 2 {
		out.Emit("ATTACH_HTML_SMUGGLING", name)
	}
	// A page whose script writes the clipboard and whose text names a box
	// that runs commands and a paste: the "how to fix" button of the
	// ClickFix documents (internal/pasterun).
	if script && pasterun.WritesClipboard(lower) {
		if w := pasterun.Mentions(pasterun.PageText(lower)); w != "" {
			out.Emit("ATTACH_HTML_CLIPBOARD_RUN", name+": "+w)
		}
	}
	if has("type=\"password\"") || has("type='password'") || has("type=password") {
		out.Emit("ATTACH_HTML_CREDENTIALS", name)
	} else if has("<form") && (has("action=\"http") || has("fetch(") || has("xmlhttprequest") || has("$.ajax") || has("$.post")) {
		out.Emit("ATTACH_HTML_CREDENTIALS", name)
	} else if has("<meta http-equiv=\"refresh\"") || has("<meta http-equiv=refresh") {
		out.Emit("ATTACH_HTML_SMUGGLING", name)
	}
}

// judgeZip lists a zip archive: encryption, executables and macro documents
// inside, nested archives up to a small depth.
// pw says whether the message may give a password (not passwordApart); x
// is what is left of the message's expansion budget. An archive whose
// members could not be read whole for want of it, or for want of time,
// is ATTACH_ARCHIVE_OPAQUE.
func judgeZip(ctx context.Context, name string, data []byte, depth int, pw *passwordSaid, x *expansion, out *scan.Emitter) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if depth == 0 && !zipEncryptedLocal(data) {
			out.Emit("ATTACH_ARCHIVE_OPAQUE", name)
		} else if zipEncryptedLocal(data) {
			emitEncrypted(name, pw, out)
		}
		return
	}
	ooxml := isOOXMLPackage(zr.File)
	xdm := isXDMMedium(zr.File)
	for i, f := range zr.File {
		if i >= maxArchiveEntries || ctx.Err() != nil {
			out.Emit("ATTACH_ARCHIVE_OPAQUE", name)
			break
		}
		n := strings.ToLower(f.Name)
		if strings.HasSuffix(n, "vbaproject.bin") {
			out.Emit("ATTACH_MACRO", name)
		}
		if f.Flags&1 != 0 {
			emitEncrypted(name, pw, out)
		}
		e := ext(n)
		inner := name + " → " + f.Name
		switch {
		case e == "bin" && ooxml && !binaryIsProgram(name, f, x, out):
			// An Office package's binary part (ECMA-376 Part 2, Open
			// Packaging Conventions): the VBA project, printer settings,
			// an embedded OLE object. The VBA project is ATTACH_MACRO.
		case executableExt[e] || scriptExt[e] || diskImageExt[e]:
			out.Emit("ATTACH_EXECUTABLE_IN_ARCHIVE", inner)
		case htmlExt[e] && xdm && strings.EqualFold(f.Name, "INDEX.HTM"):
			judgeXDMIndex(inner, f, x, out)
		case htmlExt[e] && !ooxml:
			out.Emit("ATTACH_HTML_IN_ARCHIVE", inner)
		case macroExt[e]:
			out.Emit("ATTACH_MACRO", inner)
		}
		judgeName(f.Name, out)
		if f.Flags&1 == 0 && f.UncompressedSize64 <= 128 {
			if b, err := readBounded(f, 128, x); err == nil && isEICAR(b) {
				out.Emit("ATTACH_EICAR_TEST", inner)
			}
		}
		if depth+1 < maxArchiveDepth && (e == "zip" || archiveExt[e]) && f.UncompressedSize64 <= maxNestedBytes && f.Flags&1 == 0 {
			if b, err := readBounded(f, maxNestedBytes, x); err == nil {
				judgeNested(ctx, inner, b, depth+1, pw, x, out)
			} else if err == errBudget {
				out.Emit("ATTACH_ARCHIVE_OPAQUE", name)
			}
		}
	}
}

// emitEncrypted names an encrypted archive: ATTACH_ARCHIVE_ENCRYPTED when
// the message gives its password, the malware campaigns' way past the
// anti-virus, or says nothing of it; ATTACH_ARCHIVE_ENCRYPTED_PASSWORD_APART
// when it says the password travels apart and gives none, as health data
// is sent (passwordApart).
func emitEncrypted(name string, pw *passwordSaid, out *scan.Emitter) {
	if pw.given() {
		out.Emit("ATTACH_ARCHIVE_ENCRYPTED", name)
	} else {
		out.Emit("ATTACH_ARCHIVE_ENCRYPTED_PASSWORD_APART", name)
	}
}

// isOOXMLPackage tells an Office Open XML package (ECMA-376 Part 2, Open
// Packaging Conventions §10.1.2): its root holds [Content_Types].xml.
func isOOXMLPackage(files []*zip.File) bool {
	for i, f := range files {
		if i >= maxArchiveEntries {
			break
		}
		if strings.EqualFold(f.Name, "[Content_Types].xml") {
			return true
		}
	}
	return false
}

// binaryIsProgram tells whether a ".bin" member starts as a Windows (MZ) or
// ELF program does, or is an OLE object packaging one (packagesProgram): a
// program renamed into an Office package's binary part is still a program.
// A member that cannot be read counts as one; one left unread for want of
// the message's expansion budget x makes the archive, named name,
// ATTACH_ARCHIVE_OPAQUE instead (what it holds is not known, and a message
// of many real documents must not read as carrying a program).
func binaryIsProgram(name string, f *zip.File, x *expansion, out *scan.Emitter) bool {
	if f.Flags&1 != 0 {
		return true
	}
	b, err := readBounded(f, maxNestedBytes, x)
	if err == errBudget {
		out.Emit("ATTACH_ARCHIVE_OPAQUE", name)
		return bytes.HasPrefix(b, []byte("MZ")) || bytes.HasPrefix(b, []byte("\x7fELF"))
	}
	if err != nil && err != errLimit {
		return true
	}
	return bytes.HasPrefix(b, []byte("MZ")) || bytes.HasPrefix(b, []byte("\x7fELF")) || packagesProgram(b)
}

// packagesProgram tells an embedded OLE object (an Office package's
// xl/embeddings/oleObject1.bin) that is the Packager's: its Ole10Native
// stream ([MS-OLEDS] §2.3.6) carries a whole file, whose name and source
// path it spells NUL-terminated, shown as an icon in the document that
// runs the file when double-clicked. Named as a program or a script
// (facture.pdf.exe, relance.vbs), it is the dropper the document carries;
// a packaged PDF or spreadsheet is not.
func packagesProgram(b []byte) bool {
	if !bytes.Contains(b, utf16le("\x01Ole10Native")) {
		return false
	}
	lower := bytes.ToLower(b)
	for _, list := range []map[string]bool{executableExt, scriptExt} {
		for e := range list {
			if e != "bin" && bytes.Contains(lower, []byte("."+e+"\x00")) {
				return true
			}
		}
	}
	return false
}

// inertHTML tells a page that can only be read: no link, no form, no
// frame, no embedded object, no refresh, no remote resource and no event
// handler in its lower-cased text. Such a page (a booking confirmation, an
// itinerary, a report exported as HTML) can do no more than a PDF can; the
// HTML attachments of phishing need one of these to take the reader
// somewhere or to take what is typed (CERT Santé mx_sec_conf
// rules/attachment.md: "html via l'exploitation d'un script"; HTML
// smuggling needs a script, a credential page a form or a link).
func inertHTML(lower []byte) bool {
	for _, s := range []string{"href", "src=", "src =", "action=", "<form", "<iframe", "<frame", "<object", "<embed", "<base", "<link", "<meta http-equiv", "url(", "@import", "://", "<svg", "<math", "data:", "javascript", "vbscript"} {
		if bytes.Contains(lower, []byte(s)) {
			return false
		}
	}
	return !eventHandler(lower)
}

// eventHandler tells whether an attribute on<name>= appears (onclick=,
// onmouseover =): text such as " on the 22nd" is not one.
func eventHandler(lower []byte) bool {
	for i := 0; i+3 < len(lower); i++ {
		c := lower[i]
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '/' && c != '"' && c != '\'') || lower[i+1] != 'o' || lower[i+2] != 'n' {
			continue
		}
		j := i + 3
		for j < len(lower) && lower[j] >= 'a' && lower[j] <= 'z' {
			j++
		}
		for j < len(lower) && (lower[j] == ' ' || lower[j] == '\t' || lower[j] == '\n' || lower[j] == '\r') {
			j++
		}
		if j > i+3 && j < len(lower) && lower[j] == '=' {
			return true
		}
	}
	return false
}

// runsScript tells whether lower-cased HTML or SVG text runs any script.
func runsScript(lower []byte) bool {
	for _, s := range []string{"<script", "javascript:", " onload=", " onerror="} {
		if bytes.Contains(lower, []byte(s)) {
			return true
		}
	}
	return false
}

// judgeXDMIndex judges the index page of an XDM medium for what it holds:
// a credential form or smuggling as in any HTML file, and HTML in an
// archive when it cannot be read whole or points outside the medium (the
// profile's index links the medium's own files by relative paths).
func judgeXDMIndex(name string, f *zip.File, x *expansion, out *scan.Emitter) {
	b, err := readBounded(f, maxXDMIndexBytes, x)
	if f.Flags&1 != 0 || err != nil {
		out.Emit("ATTACH_HTML_IN_ARCHIVE", name)
		return
	}
	lower := bytes.ToLower(b)
	if bytes.Contains(lower, []byte("://")) {
		out.Emit("ATTACH_HTML_IN_ARCHIVE", name)
	}
	judgeHTMLContent(name, lower, runsScript(lower), out)
}

// maxXDMIndexBytes bounds the index page of an XDM medium read for
// judging; a bigger one is no index and counts as HTML in an archive.
const maxXDMIndexBytes = 256 << 10

// isXDMMedium tells an IHE XDM medium (IHE ITI TF-1 §16 and TF-2b §3.32,
// "Distribute Document Set on Media", zip over e-mail), the IHE_XDM.ZIP that
// MSSanté clients attach to carry structured health documents (ANS, guide
// d'intégration MSSanté et DMP dans un LPS): at the root an INDEX.HTM and a
// README.TXT, which the profile requires, and an IHE_XDM/<subset>/
// METADATA.XML. Its INDEX.HTM is the medium's table of contents, not a page
// to open instead of a document.
func isXDMMedium(files []*zip.File) bool {
	var index, readme, metadata bool
	for i, f := range files {
		if i >= maxArchiveEntries {
			break
		}
		n := strings.ToUpper(f.Name)
		switch {
		case n == "INDEX.HTM":
			index = true
		case n == "README.TXT":
			readme = true
		case strings.HasPrefix(n, "IHE_XDM/") && strings.HasSuffix(n, "/METADATA.XML") && strings.Count(n, "/") == 2:
			metadata = true
		}
	}
	return index && readme && metadata
}

// readBounded reads at most limit bytes of a member, and no more than is
// left of the message's expansion budget x or of the attachment's floor,
// which it charges: errLimit
// when the member is longer than limit, errBudget when the budget cut it
// first.
func readBounded(f *zip.File, limit int64, x *expansion) ([]byte, error) {
	room := max(x.left, x.floor)
	if room <= 0 {
		return nil, errBudget
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var buf bytes.Buffer
	n := min(limit, room)
	// Room for what the member declares, within what may be read: a
	// buffer grown by doubling allocated and cleared twice the bytes read
	// (bytes.MinRead more lets ReadFrom see the end without growing).
	// What is allocated is charged, so that a size that lies costs no
	// more than one that does not.
	pre := min(int64(min(f.UncompressedSize64, 1<<62)), n)
	buf.Grow(int(pre) + bytes.MinRead)
	_, err = buf.ReadFrom(&limitedReader{r: rc, n: n})
	x.left -= max(int64(buf.Len()), pre)
	x.floor -= max(int64(buf.Len()), pre)
	if err == errLimit && n < limit {
		err = errBudget
	}
	return buf.Bytes(), err
}

type limitedReader struct {
	r interface{ Read([]byte) (int, error) }
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, errLimit
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

type limitErr struct{ s string }

func (e limitErr) Error() string { return e.s }

var errLimit = limitErr{"archive member over the expansion limit"}

// zipEncryptedLocal reads the first local file header's flags: a truncated
// or damaged archive may still show it is encrypted.
func zipEncryptedLocal(b []byte) bool {
	return len(b) >= 8 && bytes.HasPrefix(b, []byte("PK\x03\x04")) && b[6]&1 != 0
}

// oleHasMacros looks for the VBA project storage names of an OLE2 compound
// file (the directory entries are UTF-16LE).
func oleHasMacros(b []byte) bool {
	for _, n := range []string{"_VBA_PROJECT", "VBA", "Macros"} {
		if bytes.Contains(b, utf16le(n)) {
			return true
		}
	}
	return false
}

// utf16le is an ASCII name as an OLE directory entry spells it.
func utf16le(n string) []byte {
	u := make([]byte, 0, 2*len(n))
	for _, c := range []byte(n) {
		u = append(u, c, 0)
	}
	return u
}

// judgeMismatch flags a declared type or extension that the content belies.
func judgeMismatch(a message.Attachment, e, sniff string, out *scan.Emitter) {
	if sniff == "" || len(a.Data) == 0 {
		return
	}
	want := map[string]string{"pdf": "application/pdf", "zip": "application/zip", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif"}
	if w, ok := want[e]; ok && sniff != w {
		out.Emit("ATTACH_TYPE_MISMATCH", a.Filename+" ("+sniff+")")
		return
	}
	decl := strings.ToLower(a.DeclaredType)
	dangerous := sniff == "application/x-msdownload" || sniff == "text/html" || sniff == "image/svg+xml" || sniff == "application/x-ms-shortcut"
	if dangerous && decl != sniff && (strings.HasPrefix(decl, "image/") || decl == "application/pdf" || strings.HasPrefix(decl, "audio/")) {
		out.Emit("ATTACH_TYPE_MISMATCH", a.Filename+" ("+decl+" → "+sniff+")")
	}
}
