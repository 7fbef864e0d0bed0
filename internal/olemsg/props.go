package olemsg

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/htmlindex"
)

// Property types ([MS-OXCDATA] 2.11.1).
const (
	typeLong    = 0x0003
	typeString8 = 0x001E
	typeUnicode = 0x001F
	typeSystime = 0x0040
	typeBinary  = 0x0102
	typeObject  = 0x000D
)

// Property identifiers ([MS-OXPROPS]) read here.
const (
	propMessageClass         = 0x001A
	propSubject              = 0x0037
	propClientSubmitTime     = 0x0039
	propSentRepName          = 0x0042
	propSentRepEmail         = 0x0065
	propTransportHeaders     = 0x007D
	propRecipientType        = 0x0C15
	propSenderName           = 0x0C1A
	propSenderEmail          = 0x0C1F
	propDisplayCc            = 0x0E03
	propDisplayTo            = 0x0E04
	propDeliveryTime         = 0x0E06
	propBody                 = 0x1000
	propRTFCompressed        = 0x1009
	propHTML                 = 0x1013
	propInternetMessageID    = 0x1035
	propDisplayName          = 0x3001
	propEmailAddress         = 0x3003
	propAttachData           = 0x3701
	propAttachFilename       = 0x3704
	propAttachLongFilename   = 0x3707
	propAttachMimeTag        = 0x370E
	propAttachContentID      = 0x3712
	propSMTPAddress          = 0x39FE
	propInternetCodepage     = 0x3FDE
	propMessageCodepage      = 0x3FFD
	propSenderSMTPAddress    = 0x5D01
	propSentRepSMTPAddress   = 0x5D02
	recipientTo, recipientCc = 1, 2
)

// Sizes of a property stream's header ([MS-OXMSG] 2.4.1): the top-level
// message's, an embedded message's, an attachment's or recipient's.
const (
	topHeader      = 32
	embeddedHeader = 24
	objectHeader   = 8
)

// object is one message, attachment or recipient storage: its fixed-size
// property values from its property stream, and its variable-length ones
// from its __substg1.0_ streams.
type object struct {
	r      *reader
	prefix string // "" or "storage/…/"
	fixed  map[uint16]uint64
	// codepage is the one of the object's 8-bit strings
	// (PR_MESSAGE_CODEPAGE); internetCodepage the one of its HTML body as
	// it arrived (PR_INTERNET_CPID). Each stands for the other.
	codepage, internetCodepage int
}

// reader rebuilds messages from a file's streams.
type reader struct {
	streams  streams
	lim      Limits
	budget   budget
	rtfBytes int64 // compressed RTF decompressed so far
}

// object reads the property stream under prefix ("" for the root). A
// stream missing or shorter than its header gives no fixed-size property:
// the object's strings, bodies and attachments are still read from their
// own streams, so that a damaged recipient or attachment does not hide
// the rest of the message.
func (r *reader) object(prefix string, header int) *object {
	o := &object{r: r, prefix: prefix, fixed: map[uint16]uint64{}}
	ps := r.streams.data[prefix+propertiesStream]
	if len(ps) < header {
		ps = ps[:0]
		header = 0
	}
	for e := ps[header:]; len(e) >= 16; e = e[16:] {
		tag := binary.LittleEndian.Uint32(e)
		switch uint16(tag) {
		case typeLong, typeSystime, 0x000B, 0x0014:
			o.fixed[uint16(tag>>16)] = binary.LittleEndian.Uint64(e[8:])
		}
	}
	o.codepage = o.firstLong(propMessageCodepage, propInternetCodepage)
	o.internetCodepage = o.firstLong(propInternetCodepage, propMessageCodepage)
	return o
}

// firstLong returns the first of the PT_LONG properties stored, 0 for none.
func (o *object) firstLong(ids ...uint16) int {
	for _, id := range ids {
		if v, ok := o.long(id); ok && v > 0 {
			return v
		}
	}
	return 0
}

// stream returns the __substg1.0_ stream of a property.
func (o *object) stream(id, typ uint16) ([]byte, bool) {
	b, ok := o.r.streams.data[fmt.Sprintf("%s__substg1.0_%04X%04X", o.prefix, id, typ)]
	return b, ok
}

// has reports whether a property of that id is stored, in any type.
func (o *object) has(id uint16) bool {
	if _, ok := o.fixed[id]; ok {
		return true
	}
	want := fmt.Sprintf("%s__substg1.0_%04X", o.prefix, id)
	for name := range o.r.streams.data {
		if strings.HasPrefix(name, want) && !strings.Contains(name[len(want):], "/") {
			return true
		}
	}
	return false
}

// str returns a string property, UTF-16LE or 8-bit in the object's
// code page.
func (o *object) str(id uint16) string {
	if b, ok := o.stream(id, typeUnicode); ok {
		return strings.TrimRight(utf16le(b), "\x00")
	}
	if b, ok := o.stream(id, typeString8); ok {
		return strings.TrimRight(decode8(b, o.codepage), "\x00")
	}
	return ""
}

// time returns a PT_SYSTIME property (a FILETIME: 100 ns since 1601).
func (o *object) time(id uint16) time.Time {
	ft, ok := o.fixed[id]
	if !ok || ft == 0 {
		return time.Time{}
	}
	const epochDelta = 116444736000000000 // 1601-01-01 to 1970-01-01, in 100 ns
	if ft < epochDelta || ft > epochDelta+(1<<62)/100 {
		return time.Time{}
	}
	d := ft - epochDelta
	return time.Unix(int64(d/1e7), int64(d%1e7)*100).UTC()
}

func (o *object) long(id uint16) (int, bool) {
	v, ok := o.fixed[id]
	return int(int32(uint32(v))), ok
}

// children lists the storages directly under the object whose names
// start with kind ("__attach_version1.0_#", "__recip_version1.0_#"), in
// order.
func (o *object) children(kind string) []string {
	var out []string
	for name := range o.r.streams.storages {
		rest, ok := strings.CutPrefix(name, o.prefix+kind)
		if ok && !strings.Contains(rest, "/") {
			out = append(out, name+"/")
		}
	}
	sort.Strings(out)
	return out
}

func utf16le(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// charset names the MIME charset of a Windows code page, "" when unknown.
func charset(cp int) string {
	switch {
	case cp == 65001:
		return "utf-8"
	case cp == 20127:
		return "us-ascii"
	case cp >= 28591 && cp <= 28605:
		return fmt.Sprintf("iso-8859-%d", cp-28590)
	case cp >= 1250 && cp <= 1258:
		return fmt.Sprintf("windows-%d", cp)
	case cp == 932:
		return "shift_jis"
	case cp == 936:
		return "gbk"
	case cp == 949:
		return "euc-kr"
	case cp == 950:
		return "big5"
	case cp == 50220:
		return "iso-2022-jp"
	case cp == 20866:
		return "koi8-r"
	}
	return ""
}

// decode8 decodes an 8-bit string in a code page: valid UTF-8 is kept,
// an unknown code page is read as Windows-1252 (Outlook's default in
// western Europe).
func decode8(b []byte, cp int) string {
	name := charset(cp)
	if name == "" || name == "utf-8" || name == "us-ascii" {
		if utf8.Valid(b) {
			return string(b)
		}
		name = "windows-1252"
	}
	enc, err := htmlindex.Get(name)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	s, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(s)
}
