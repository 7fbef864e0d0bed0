package hunt

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"io"
	"math/bits"
	"os"
	"slices"
)

// Sign-ins are kept until the end, when the detections that look back in
// time (baseline, failure bursts, travel, spray) run over them in time
// order. They are kept in a buffer of fixed size; a full buffer is sorted
// and written to a temporary file as a run, and the runs are merged at the
// end. Memory holds the buffer, not the log: a hunt over 100 MB or 10 GB of
// sign-ins costs the same, plus 51 bytes of temporary disk a sign-in.

// spillAt is how many sign-ins the buffer holds before it is written out
// (56 bytes each: 7 MB).
var spillAt = 1 << 17

// recSize is a sign-in's size on disk.
const recSize = 51

type runRef struct{ off, n int64 }

// store keeps sign-ins: a buffer, and runs in a temporary file.
type store struct {
	buf   []signIn
	spare []signIn // the buffer's twin, for the rare sort by comparison
	keys  []uint64 // sort keys and the radix sort's scratch, kept from spill to spill
	tmp   []uint64
	// order, when not nil, is the buffer's time order: the low orderBits
	// of each entry are a record's index in buf (sortBuf), so that records
	// are written out or handed over in order without being moved first.
	order    []uint64
	gathered []signIn // gather's batch
	file     *os.File
	runs     []runRef
	size     int64
	path     string // to remove at the end, where an open file cannot be removed
	failed   bool   // the temporary file could not be written: everything stays in memory
	kept     int64
	spills   int // runs written, for tests
}

func (st *store) add(s signIn) {
	if n := cap(st.buf); len(st.buf) == n && n < spillAt {
		// Grown in two steps, not by doubling: to a small buffer, then once
		// past it to the spill size, so that a long hunt does not copy and
		// reallocate 7 MB on its way there.
		b := make([]signIn, len(st.buf), min(spillAt, max(4096, n*64)))
		copy(b, st.buf)
		st.buf = b
	}
	s.seq = uint32(len(st.buf))
	st.order = nil
	st.buf = append(st.buf, s)
	st.kept++
	if len(st.buf) >= spillAt && !st.failed {
		if err := st.spill(); err != nil {
			st.failed = true // keep going in memory
		}
	}
}

// cmpTimeSeq orders by time, then by rank in the buffer (a stable order).
func cmpTimeSeq(at int64, aseq uint32, bt int64, bseq uint32) int {
	return cmp.Or(cmp.Compare(at, bt), cmp.Compare(aseq, bseq))
}

// spill writes the buffer, sorted, as a run.
func (st *store) spill() error {
	if st.file == nil {
		f, err := os.CreateTemp("", "vigie-hunt-*.signins")
		if err != nil {
			return err
		}
		if os.Remove(f.Name()) != nil { // on Unix, gone with the process; elsewhere removed at the end
			st.path = f.Name()
		}
		st.file = f
	}
	st.sortBuf()
	w := bufio.NewWriterSize(io.NewOffsetWriter(st.file, st.size), 64<<10)
	var b [recSize]byte
	batch := st.batch()
	for i := 0; i < len(st.buf); {
		n := st.gather(batch, i)
		for j := range batch[:n] {
			encodeSignIn(b[:], &batch[j])
			if _, err := w.Write(b[:]); err != nil {
				return err
			}
		}
		i += n
	}
	if err := w.Flush(); err != nil {
		return err
	}
	n := int64(len(st.buf))
	st.runs = append(st.runs, runRef{st.size, n})
	st.spills++
	st.size += n * recSize
	st.buf, st.order = st.buf[:0], nil
	return nil
}

func encodeSignIn(b []byte, s *signIn) {
	le := binary.LittleEndian
	le.PutUint64(b[0:], uint64(s.t))
	copy(b[8:24], s.ip.b[:])
	b[24] = s.ip.kind
	le.PutUint32(b[25:], s.who)
	le.PutUint32(b[29:], s.loc)
	le.PutUint32(b[33:], s.n)
	le.PutUint32(b[37:], s.src.file)
	le.PutUint32(b[41:], s.src.line)
	le.PutUint16(b[45:], s.src.item)
	b[47] = s.result
	b[48] = s.mfa
	b[49] = boolByte(s.ioc) | boolByte(s.src.record)<<1
	b[50] = 0
}

func decodeSignIn(b []byte, s *signIn) {
	le := binary.LittleEndian
	s.t = int64(le.Uint64(b[0:]))
	copy(s.ip.b[:], b[8:24])
	s.ip.kind = b[24]
	s.who = le.Uint32(b[25:])
	s.loc = le.Uint32(b[29:])
	s.n = le.Uint32(b[33:])
	s.src.file = le.Uint32(b[37:])
	s.src.line = le.Uint32(b[41:])
	s.src.item = le.Uint16(b[45:])
	s.result, s.mfa = b[47], b[48]
	s.ioc, s.src.record = b[49]&1 != 0, b[49]&2 != 0
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// orderBits is how many low bits of an order entry hold a record's index.
const orderBits = 21

// sortBuf puts the buffer in time order, ties in the order kept. When the
// buffer's times span less than 2^43 ms (278 years) the key is one integer,
// time above position, which a radix sort orders without a comparison
// function; the records stay where they are and order says which comes
// when (gather reads them so, a batch at a time): records are 56 bytes,
// and moving all of them into a sorted twin cost 7 MB and a pass.
// Otherwise (undated sign-ins among dated ones) a key of both is sorted by
// comparison and the records are moved into the buffer's twin.
func (st *store) sortBuf() {
	st.order = nil
	if len(st.buf) == 0 {
		return
	}
	lo, hi := st.buf[0].t, st.buf[0].t
	for i := range st.buf {
		lo, hi = min(lo, st.buf[i].t), max(hi, st.buf[i].t)
	}
	if uint64(hi-lo) < 1<<43 && len(st.buf) <= 1<<orderBits {
		if cap(st.keys) < len(st.buf) {
			st.keys, st.tmp = make([]uint64, cap(st.buf)), make([]uint64, cap(st.buf))
		}
		keys := st.keys[:len(st.buf)]
		for i := range st.buf {
			keys[i] = uint64(st.buf[i].t-lo)<<orderBits | uint64(i)
		}
		radixSort(keys, st.tmp[:len(keys)], orderBits, bits.Len64(uint64(hi-lo)))
		st.order = keys
		return
	}
	if cap(st.spare) < len(st.buf) {
		st.spare = make([]signIn, 0, cap(st.buf))
	}
	sorted := st.spare[:len(st.buf)]
	type key struct {
		t   int64
		seq uint32
	}
	keys := make([]key, len(st.buf))
	for i := range st.buf {
		keys[i] = key{st.buf[i].t, uint32(i)}
	}
	slices.SortFunc(keys, func(a, b key) int { return cmpTimeSeq(a.t, a.seq, b.t, b.seq) })
	for i, k := range keys {
		sorted[i] = st.buf[k.seq]
	}
	st.buf, st.spare = sorted, st.buf[:0]
}

// gather copies the buffer's records in time order from the from-th on
// into dst, once sortBuf has run (and no record was added since), and
// returns how many it copied. Records are read where order says, all loads
// of a batch in flight at once, before anything is done with them: read
// one at a time between the encoding and merging of the others, the same
// scattered loads cost more than the copies.
func (st *store) gather(dst []signIn, from int) int {
	n := min(len(dst), len(st.buf)-from)
	if st.order == nil {
		return copy(dst[:n], st.buf[from:])
	}
	for j, k := range st.order[from : from+n] {
		dst[j] = st.buf[k&(1<<orderBits-1)]
	}
	return n
}

// batch is gather's destination, kept from spill to spill.
func (st *store) batch() []signIn {
	if st.gathered == nil {
		st.gathered = make([]signIn, gatherBatch)
	}
	return st.gathered
}

// gatherBatch is how many records gather copies at a time (14 KB).
const gatherBatch = 256

// radixSort sorts keys by their bits from shift to shift+width, stably (tmp,
// as long as keys, is its scratch): an
// LSD radix sort, 11 bits a pass. Keys made in rank order (the rank in the
// low bits) come out by time, ties by rank, in a few linear passes where a
// comparison sort took most of the spill's time.
func radixSort(keys, tmp []uint64, shift, width int) {
	const digit = 11
	src, dst := keys, tmp
	for done := 0; done < width; done += digit {
		var count [1 << digit]int
		sh := uint(shift + done)
		for _, k := range src {
			count[(k>>sh)&(1<<digit-1)]++
		}
		pos := 0
		for i, c := range count {
			count[i] = pos
			pos += c
		}
		for _, k := range src {
			d := (k >> sh) & (1<<digit - 1)
			dst[count[d]] = k
			count[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &keys[0] {
		copy(keys, src)
	}
}

// each calls fn with every sign-in kept, in time order (ties in the order
// they were kept), then releases the store.
func (st *store) each(fn func(s *signIn)) {
	st.sortBuf()
	if len(st.runs) == 0 {
		batch := st.batch()
		for i := 0; i < len(st.buf); {
			n := st.gather(batch, i)
			for j := range batch[:n] {
				fn(&batch[j])
			}
			i += n
		}
		st.release()
		return
	}
	// A k-way merge: one cursor per run, the buffer last; ties go to the
	// earlier run, which was kept first.
	type cursor struct {
		r   *bufio.Reader
		cur signIn
		// The buffer's cursor: its records gathered in order from mem on,
		// and the next one of them.
		mem     int
		batch   []signIn
		inBatch int
		run     int
		b       [recSize]byte
	}
	var cs []*cursor
	next := func(c *cursor) bool {
		if c.r == nil {
			if c.inBatch == len(c.batch) {
				n := st.gather(c.batch[:cap(c.batch)], c.mem)
				if n == 0 {
					return false
				}
				c.batch, c.inBatch = c.batch[:n], 0
				c.mem += n
			}
			c.cur = c.batch[c.inBatch]
			c.inBatch++
			return true
		}
		if _, err := io.ReadFull(c.r, c.b[:]); err != nil {
			return false
		}
		decodeSignIn(c.b[:], &c.cur)
		return true
	}
	for i, r := range st.runs {
		c := &cursor{r: bufio.NewReaderSize(io.NewSectionReader(st.file, r.off, r.n*recSize), 16<<10), run: i}
		if next(c) {
			cs = append(cs, c)
		}
	}
	if c := (&cursor{run: len(st.runs), batch: st.batch()[:0]}); next(c) {
		cs = append(cs, c)
	}
	less := func(a, b *cursor) bool {
		return a.cur.t < b.cur.t || a.cur.t == b.cur.t && a.run < b.run
	}
	// A binary min-heap of cursors.
	down := func(i int) {
		for {
			l, m := 2*i+1, i
			if l < len(cs) && less(cs[l], cs[m]) {
				m = l
			}
			if r := l + 1; r < len(cs) && less(cs[r], cs[m]) {
				m = r
			}
			if m == i {
				return
			}
			cs[i], cs[m] = cs[m], cs[i]
			i = m
		}
	}
	for i := len(cs)/2 - 1; i >= 0; i-- {
		down(i)
	}
	var s signIn // one copy handed to fn, not one allocated per sign-in
	for len(cs) > 0 {
		s = cs[0].cur
		fn(&s)
		if !next(cs[0]) {
			cs[0] = cs[len(cs)-1]
			cs = cs[:len(cs)-1]
		}
		down(0)
	}
	st.file.Close()
	if st.path != "" {
		os.Remove(st.path)
	}
	st.file, st.runs = nil, nil
	st.release()
}

// release lets the buffers go.
func (st *store) release() {
	st.buf, st.spare, st.keys, st.tmp, st.order, st.gathered = nil, nil, nil, nil, nil, nil
}
