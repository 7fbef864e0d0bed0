package geo

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
)

// asnIndex is the IP range → AS table in a compact binary form that is
// looked up where it lies, so that it can be memory-mapped from a cache file:
// a run maps it in no time and only the pages its lookups touch are read.
//
//	"VGASN1\n\x00" n4 n6 norgs orgbytes          (uint32 little-endian)
//	n4 × {start, end, asn, org uint32}            IPv4 ranges, sorted
//	n6 × {start [16]byte, end [16]byte, asn, org} IPv6 ranges, sorted
//	(norgs+1) × uint32 offsets, then the organisation names
type asnIndex struct {
	b             []byte
	n4, n6, norgs int
	v4, v6, offs  int // offsets of the tables
	orgs          int
	unmap         func() error
}

const (
	asnMagic  = "VGASN1\n\x00"
	asnHeader = len(asnMagic) + 16
	v4Size    = 16
	v6Size    = 40
)

// loadASN returns the index of the CSV files: from the cache when it is
// there and matches them, else built (and cached when the cache directory is
// writable).
func loadASN(csvs []string) (*asnIndex, error) {
	if len(csvs) == 0 {
		return nil, nil
	}
	key := sha256.New()
	for _, p := range csvs {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		abs, _ := filepath.Abs(p)
		fmt.Fprintf(key, "%s\x00%d\x00%d\x00", abs, st.Size(), st.ModTime().UnixNano())
	}
	cache := ""
	if dir, err := os.UserCacheDir(); err == nil {
		cache = filepath.Join(dir, "vigie", "asn-"+hex.EncodeToString(key.Sum(nil)[:12])+".idx")
		if idx, err := mapASN(cache); err == nil {
			return idx, nil
		}
	}
	b, err := buildASN(csvs)
	if err != nil {
		return nil, err
	}
	if cache != "" && os.MkdirAll(filepath.Dir(cache), 0o755) == nil {
		tmp := cache + ".tmp"
		if os.WriteFile(tmp, b, 0o644) == nil && os.Rename(tmp, cache) == nil {
			if idx, err := mapASN(cache); err == nil {
				return idx, nil
			}
		}
		os.Remove(tmp)
	}
	return parseASN(b)
}

// mapASN memory-maps a cached index.
func mapASN(path string) (*asnIndex, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() < int64(asnHeader) || st.Size() > 1<<31 {
		return nil, errors.New("geo: bad ASN cache")
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, err
	}
	idx, err := parseASN(b)
	if err != nil {
		syscall.Munmap(b)
		return nil, err
	}
	idx.unmap = func() error { return syscall.Munmap(b) }
	return idx, nil
}

func parseASN(b []byte) (*asnIndex, error) {
	if len(b) < asnHeader || string(b[:len(asnMagic)]) != asnMagic {
		return nil, errors.New("geo: not an ASN index")
	}
	h := b[len(asnMagic):]
	idx := &asnIndex{b: b, n4: int(le(h[0:])), n6: int(le(h[4:])), norgs: int(le(h[8:]))}
	orgBytes := int(le(h[12:]))
	idx.v4 = asnHeader
	idx.v6 = idx.v4 + idx.n4*v4Size
	idx.offs = idx.v6 + idx.n6*v6Size
	idx.orgs = idx.offs + (idx.norgs+1)*4
	if idx.orgs+orgBytes != len(b) {
		return nil, errors.New("geo: truncated ASN index")
	}
	// The organisation offsets must run from 0 to orgBytes without going
	// back, so that org slices inside the file: a damaged cache file gives
	// this error, not a lookup out of the mapping.
	prev := uint32(0)
	for i := 0; i <= idx.norgs; i++ {
		off := le(b[idx.offs+i*4:])
		if off < prev || int(off) > orgBytes || i == 0 && off != 0 || i == idx.norgs && int(off) != orgBytes {
			return nil, errors.New("geo: corrupt ASN index (organisation offsets)")
		}
		prev = off
	}
	return idx, nil
}

func le(b []byte) uint32 { return binary.LittleEndian.Uint32(b) }

// find returns the AS of ip.
func (x *asnIndex) find(ip netip.Addr) (uint32, string, bool) {
	if x == nil {
		return 0, "", false
	}
	ip = ip.Unmap()
	var asn, org uint32
	if ip.Is4() {
		a4 := ip.As4()
		v := binary.BigEndian.Uint32(a4[:])
		i := sort.Search(x.n4, func(i int) bool { return le(x.b[x.v4+i*v4Size:]) > v }) - 1
		if i < 0 {
			return 0, "", false
		}
		e := x.b[x.v4+i*v4Size:]
		if le(e[4:]) < v {
			return 0, "", false
		}
		asn, org = le(e[8:]), le(e[12:])
	} else {
		a16 := ip.As16()
		i := sort.Search(x.n6, func(i int) bool { return bytes.Compare(x.b[x.v6+i*v6Size:x.v6+i*v6Size+16], a16[:]) > 0 }) - 1
		if i < 0 {
			return 0, "", false
		}
		e := x.b[x.v6+i*v6Size:]
		if bytes.Compare(e[16:32], a16[:]) < 0 {
			return 0, "", false
		}
		asn, org = le(e[32:]), le(e[36:])
	}
	return asn, x.org(int(org)), true
}

func (x *asnIndex) org(i int) string {
	if i >= x.norgs {
		return ""
	}
	start, end := le(x.b[x.offs+i*4:]), le(x.b[x.offs+(i+1)*4:])
	return string(x.b[x.orgs+int(start) : x.orgs+int(end)])
}

func (x *asnIndex) close() error {
	if x == nil || x.unmap == nil {
		return nil
	}
	return x.unmap()
}

type row4 struct{ start, end, asn, org uint32 }
type row6 struct {
	start, end [16]byte
	asn, org   uint32
}

// buildASN reads "start,end,asn,organisation" rows into an index.
func buildASN(csvs []string) ([]byte, error) {
	var v4 []row4
	var v6 []row6
	orgIdx := map[string]uint32{}
	var orgs []string
	for _, p := range csvs {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		cr := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
		cr.FieldsPerRecord = -1
		cr.ReuseRecord = true
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				f.Close()
				return nil, fmt.Errorf("geo: read %s: %w", p, err)
			}
			if len(rec) < 3 {
				continue
			}
			s, err1 := netip.ParseAddr(rec[0])
			e, err2 := netip.ParseAddr(rec[1])
			n, err3 := strconv.ParseUint(rec[2], 10, 32)
			if err1 != nil || err2 != nil || err3 != nil || s.Is4() != e.Is4() {
				continue // header or bad row
			}
			name := ""
			if len(rec) > 3 {
				name = rec[3]
			}
			o, ok := orgIdx[name]
			if !ok {
				o = uint32(len(orgs))
				orgIdx[name] = o
				orgs = append(orgs, name)
			}
			if s.Is4() {
				a, b := s.As4(), e.As4()
				v4 = append(v4, row4{binary.BigEndian.Uint32(a[:]), binary.BigEndian.Uint32(b[:]), uint32(n), o})
			} else {
				v6 = append(v6, row6{s.As16(), e.As16(), uint32(n), o})
			}
		}
		f.Close()
	}
	sort.Slice(v4, func(i, j int) bool { return v4[i].start < v4[j].start })
	sort.Slice(v6, func(i, j int) bool { return bytes.Compare(v6[i].start[:], v6[j].start[:]) < 0 })
	orgBytes := 0
	for _, o := range orgs {
		orgBytes += len(o)
	}
	b := make([]byte, 0, asnHeader+len(v4)*v4Size+len(v6)*v6Size+(len(orgs)+1)*4+orgBytes)
	b = append(b, asnMagic...)
	put := func(v uint32) { b = binary.LittleEndian.AppendUint32(b, v) }
	put(uint32(len(v4)))
	put(uint32(len(v6)))
	put(uint32(len(orgs)))
	put(uint32(orgBytes))
	for _, r := range v4 {
		put(r.start)
		put(r.end)
		put(r.asn)
		put(r.org)
	}
	for _, r := range v6 {
		b = append(append(b, r.start[:]...), r.end[:]...)
		put(r.asn)
		put(r.org)
	}
	off := uint32(0)
	for _, o := range orgs {
		put(off)
		off += uint32(len(o))
	}
	put(off)
	for _, o := range orgs {
		b = append(b, o...)
	}
	return b, nil
}
