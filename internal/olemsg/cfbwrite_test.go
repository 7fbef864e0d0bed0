package olemsg

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf16"
)

// This file writes compound files and .msg files for the tests: a
// minimal [MS-CFB] version 3 writer (512-byte sectors, a mini stream for
// streams under 4,096 bytes, one FAT run of at most 109 sectors) and an
// [MS-OXMSG] property writer. It is the generator of testdata/*.msg
// (fixtures_test.go); nothing outside the tests writes .msg files.

const (
	freeSect   = 0xFFFFFFFF
	endOfChain = 0xFFFFFFFE
	fatSect    = 0xFFFFFFFD
	noStream   = 0xFFFFFFFF
	sectorSize = 512
	miniSize   = 64
	miniCutoff = 4096
)

// cfbEntry is a stream (data) or a storage (children).
type cfbEntry struct {
	name     string
	data     []byte
	storage  bool
	children []*cfbEntry
}

func stream(name string, data []byte) *cfbEntry { return &cfbEntry{name: name, data: data} }
func storage(name string, children ...*cfbEntry) *cfbEntry {
	return &cfbEntry{name: name, storage: true, children: children}
}

// dirEntry is an entry of the directory being written.
type dirEntry struct {
	e                  *cfbEntry
	kind               byte // 1 storage, 2 stream, 5 root
	left, right, child uint32
	start              uint32
	size               uint64
}

// cfbLess is the directory's order: shorter names first, then by upper case.
func cfbLess(a, b string) bool {
	la, lb := len(utf16.Encode([]rune(a))), len(utf16.Encode([]rune(b)))
	if la != lb {
		return la < lb
	}
	return strings.ToUpper(a) < strings.ToUpper(b)
}

// writeCFB writes a compound file whose root storage holds children.
func writeCFB(children ...*cfbEntry) []byte {
	root := &cfbEntry{name: "Root Entry", storage: true, children: children}
	var dir []*dirEntry
	var add func(e *cfbEntry, kind byte) uint32
	add = func(e *cfbEntry, kind byte) uint32 {
		id := uint32(len(dir))
		d := &dirEntry{e: e, kind: kind, left: noStream, right: noStream, child: noStream, start: endOfChain}
		dir = append(dir, d)
		if !e.storage {
			return id
		}
		kids := append([]*cfbEntry(nil), e.children...)
		sort.Slice(kids, func(i, j int) bool { return cfbLess(kids[i].name, kids[j].name) })
		ids := make([]uint32, len(kids))
		for i, k := range kids {
			kind := byte(2)
			if k.storage {
				kind = 1
			}
			ids[i] = add(k, kind)
		}
		// A balanced binary tree of the siblings, all black.
		var tree func(lo, hi int) uint32
		tree = func(lo, hi int) uint32 {
			if lo >= hi {
				return noStream
			}
			mid := (lo + hi) / 2
			dir[ids[mid]].left, dir[ids[mid]].right = tree(lo, mid), tree(mid+1, hi)
			return ids[mid]
		}
		d.child = tree(0, len(ids))
		return id
	}
	add(root, 5)

	// Small streams go to the mini stream, the others to sectors of their own.
	var mini []byte
	var miniFAT []uint32
	var big []*dirEntry
	for _, d := range dir {
		if d.kind != 2 || len(d.e.data) == 0 {
			continue
		}
		d.size = uint64(len(d.e.data))
		if len(d.e.data) >= miniCutoff {
			big = append(big, d)
			continue
		}
		d.start = uint32(len(mini) / miniSize)
		n := (len(d.e.data) + miniSize - 1) / miniSize
		for i := 0; i < n; i++ {
			next := uint32(len(miniFAT) + 1)
			if i == n-1 {
				next = endOfChain
			}
			miniFAT = append(miniFAT, next)
		}
		mini = append(mini, d.e.data...)
		mini = append(mini, make([]byte, n*miniSize-len(d.e.data))...)
	}
	sectors := func(n int) int { return (n + sectorSize - 1) / sectorSize }
	nDir, nMiniFAT, nMini := sectors(len(dir)*128), sectors(len(miniFAT)*4), sectors(len(mini))
	rest := nDir + nMiniFAT + nMini
	for _, d := range big {
		rest += sectors(len(d.e.data))
	}
	nFAT := 1
	for nFAT*sectorSize/4 < nFAT+rest {
		nFAT++
	}
	if nFAT > 109 {
		panic("cfbwrite: file too large for the header's DIFAT")
	}
	fat := make([]uint32, nFAT*sectorSize/4)
	for i := range fat {
		fat[i] = freeSect
	}
	next := uint32(0)
	chain := func(n int) uint32 {
		if n == 0 {
			return endOfChain
		}
		start := next
		for i := 0; i < n; i++ {
			fat[next] = next + 1
			if i == n-1 {
				fat[next] = endOfChain
			}
			next++
		}
		return start
	}
	for i := 0; i < nFAT; i++ {
		fat[next] = fatSect
		next++
	}
	dirStart := chain(nDir)
	miniFATStart := chain(nMiniFAT)
	dir[0].start, dir[0].size = chain(nMini), uint64(len(mini))
	for _, d := range big {
		d.start = chain(sectors(len(d.e.data)))
	}

	out := make([]byte, sectorSize*(1+int(next)))
	h := out[:sectorSize]
	copy(h, signature)
	binary.LittleEndian.PutUint16(h[24:], 0x003E) // minor version
	binary.LittleEndian.PutUint16(h[26:], 3)      // major version
	binary.LittleEndian.PutUint16(h[28:], 0xFFFE) // byte order
	binary.LittleEndian.PutUint16(h[30:], 9)      // sector shift
	binary.LittleEndian.PutUint16(h[32:], 6)      // mini sector shift
	binary.LittleEndian.PutUint32(h[44:], uint32(nFAT))
	binary.LittleEndian.PutUint32(h[48:], dirStart)
	binary.LittleEndian.PutUint32(h[56:], miniCutoff)
	binary.LittleEndian.PutUint32(h[60:], miniFATStart)
	binary.LittleEndian.PutUint32(h[64:], uint32(nMiniFAT))
	binary.LittleEndian.PutUint32(h[68:], endOfChain) // no DIFAT sectors
	for i := 0; i < 109; i++ {
		v := uint32(freeSect)
		if i < nFAT {
			v = uint32(i)
		}
		binary.LittleEndian.PutUint32(h[76+4*i:], v)
	}
	at := func(sector uint32) []byte { return out[sectorSize*(1+int(sector)):] }
	for i, v := range fat {
		binary.LittleEndian.PutUint32(at(0)[4*i:], v)
	}
	for i, d := range dir {
		b := at(dirStart)[128*i:]
		name := utf16.Encode([]rune(d.e.name))
		for j, u := range name {
			binary.LittleEndian.PutUint16(b[2*j:], u)
		}
		binary.LittleEndian.PutUint16(b[64:], uint16(2*len(name)+2))
		b[66], b[67] = d.kind, 1
		binary.LittleEndian.PutUint32(b[68:], d.left)
		binary.LittleEndian.PutUint32(b[72:], d.right)
		binary.LittleEndian.PutUint32(b[76:], d.child)
		binary.LittleEndian.PutUint32(b[116:], d.start)
		binary.LittleEndian.PutUint64(b[120:], d.size)
	}
	for i := len(dir); i < nDir*sectorSize/128; i++ { // unused entries
		b := at(dirStart)[128*i:]
		binary.LittleEndian.PutUint32(b[68:], noStream)
		binary.LittleEndian.PutUint32(b[72:], noStream)
		binary.LittleEndian.PutUint32(b[76:], noStream)
	}
	for i, v := range miniFAT {
		binary.LittleEndian.PutUint32(at(miniFATStart)[4*i:], v)
	}
	for i := len(miniFAT); i < nMiniFAT*sectorSize/4; i++ {
		binary.LittleEndian.PutUint32(at(miniFATStart)[4*i:], freeSect)
	}
	if len(mini) > 0 {
		copy(at(dir[0].start), mini)
	}
	for _, d := range big {
		copy(at(d.start), d.e.data)
	}
	return out
}

// prop is a MAPI property: a string (PT_UNICODE, or PT_STRING8 with
// typ typeString8: bytes in the code page), []byte (PT_BINARY), int
// (PT_LONG) or time.Time (PT_SYSTIME).
type prop struct {
	id  uint16
	typ uint16 // 0: from the value
	val any
}

// msgSpec is a message to write: its properties, recipients (properties
// each) and attachments.
type msgSpec struct {
	props   []prop
	recips  [][]prop
	attachs []attachSpec
}

// attachSpec is an attachment: its properties, or an embedded message.
type attachSpec struct {
	props    []prop
	embedded *msgSpec
}

// writeMsg writes a .msg file.
func writeMsg(m msgSpec) []byte {
	return writeCFB(append(m.entries(topHeader), storage("__nameid_version1.0"))...)
}

// entries are a message's streams and storages, its property stream with
// a header of that size.
func (m msgSpec) entries(header int) []*cfbEntry {
	h := make([]byte, header)
	if header >= embeddedHeader {
		binary.LittleEndian.PutUint32(h[8:], uint32(len(m.recips)))
		binary.LittleEndian.PutUint32(h[12:], uint32(len(m.attachs)))
		binary.LittleEndian.PutUint32(h[16:], uint32(len(m.recips)))
		binary.LittleEndian.PutUint32(h[20:], uint32(len(m.attachs)))
	}
	out := propEntries(h, m.props)
	for i, r := range m.recips {
		out = append(out, storage(fmt.Sprintf("__recip_version1.0_#%08X", i), propEntries(make([]byte, objectHeader), r)...))
	}
	for i, a := range m.attachs {
		kids := propEntries(make([]byte, objectHeader), a.props)
		if a.embedded != nil {
			kids = append(kids, storage(fmt.Sprintf("__substg1.0_%04X%04X", propAttachData, typeObject), a.embedded.entries(embeddedHeader)...))
		}
		out = append(out, storage(fmt.Sprintf("__attach_version1.0_#%08X", i), kids...))
	}
	return out
}

// propEntries writes a property stream after header, and a __substg1.0_
// stream per variable-length property.
func propEntries(header []byte, props []prop) []*cfbEntry {
	ps := append([]byte(nil), header...)
	var out []*cfbEntry
	for _, p := range props {
		e := make([]byte, 16)
		var data []byte
		typ := p.typ
		switch v := p.val.(type) {
		case string:
			if typ == 0 {
				typ = typeUnicode
			}
			if typ == typeUnicode {
				for _, u := range utf16.Encode([]rune(v)) {
					data = binary.LittleEndian.AppendUint16(data, u)
				}
				binary.LittleEndian.PutUint32(e[8:], uint32(len(data)+2))
			} else {
				data = []byte(v)
				binary.LittleEndian.PutUint32(e[8:], uint32(len(data)+1))
			}
		case []byte:
			typ, data = typeBinary, v
			binary.LittleEndian.PutUint32(e[8:], uint32(len(data)))
		case int:
			typ = typeLong
			binary.LittleEndian.PutUint32(e[8:], uint32(v))
		case time.Time:
			typ = typeSystime
			binary.LittleEndian.PutUint64(e[8:], uint64(v.UnixNano()/100)+116444736000000000)
		default:
			panic(fmt.Sprintf("cfbwrite: property %04X: %T", p.id, p.val))
		}
		binary.LittleEndian.PutUint32(e, uint32(p.id)<<16|uint32(typ))
		binary.LittleEndian.PutUint32(e[4:], 6) // readable, writable
		ps = append(ps, e...)
		if data != nil {
			out = append(out, stream(fmt.Sprintf("__substg1.0_%04X%04X", p.id, typ), data))
		}
	}
	return append([]*cfbEntry{stream(propertiesStream, ps)}, out...)
}
