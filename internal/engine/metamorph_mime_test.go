package engine

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"html"
	"io"
	netmail "net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/mail"
)

// The transformations real mail systems apply to a message on its way to
// a French organisation's reader, each written with go-message so that
// the MIME structure stays what a mail system writes: the text parts are
// decoded, changed and encoded again, never patched as bytes
// (metamorph_test.go runs them over the must-accept and must-flag sets).

// site is where a transformed message is received: the organisation's
// domain, its MX and the authserv-id its MX writes, as the set's own
// configuration names them.
type site struct {
	domain, mx, authserv string
}

// leafFunc changes one leaf part: its header (a copy) and its decoded
// body, UTF-8 for text parts; nil drops the part from its multipart.
type leafFunc func(h *message.Header, body []byte) []byte

// rewriteMIME reads raw, lets top change the top-level header, passes
// every leaf to leaf and writes the message again. A text part whose
// charset go-message decoded is written back in UTF-8 and labelled so; a
// text part that became 8-bit under a 7-bit encoding is written
// quoted-printable.
func rewriteMIME(raw []byte, top func(*message.Header), leaf leafFunc) ([]byte, error) {
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	if top != nil {
		top(&e.Header)
	}
	var buf bytes.Buffer
	if mr := e.MultipartReader(); mr != nil {
		mw, err := message.CreateWriter(&buf, e.Header)
		if err != nil {
			return nil, err
		}
		if err := rewriteParts(mw, mr, leaf); err != nil {
			return nil, err
		}
		if err := mw.Close(); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	if err := writeLeaf(&buf, nil, e, leaf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func rewriteParts(mw *message.Writer, mr message.MultipartReader, leaf leafFunc) error {
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if pmr := p.MultipartReader(); pmr != nil {
			pw, err := mw.CreatePart(p.Header)
			if err != nil {
				return err
			}
			if err := rewriteParts(pw, pmr, leaf); err != nil {
				return err
			}
			if err := pw.Close(); err != nil {
				return err
			}
			continue
		}
		if err := writeLeaf(nil, mw, p, leaf); err != nil {
			return err
		}
	}
}

// writeLeaf writes the leaf e, changed by leaf, to w (a whole message) or
// as a part of parent.
func writeLeaf(w io.Writer, parent *message.Writer, e *message.Entity, leaf leafFunc) error {
	body, err := io.ReadAll(e.Body)
	if err != nil {
		return err
	}
	h := e.Header.Copy()
	mediaType, params, _ := h.ContentType()
	if params == nil {
		params = map[string]string{}
	}
	text := strings.HasPrefix(mediaType, "text/") || mediaType == ""
	if text && params["charset"] != "" && !strings.EqualFold(params["charset"], "utf-8") {
		params["charset"] = "utf-8"
		h.SetContentType(mediaType, params)
	}
	if leaf != nil {
		body = leaf(&h, body)
		if body == nil && parent != nil {
			return nil // the part is dropped
		}
	}
	if cte := strings.ToLower(h.Get("Content-Transfer-Encoding")); text && (cte == "" || cte == "7bit") && !isASCII(body) {
		h.Set("Content-Transfer-Encoding", "quoted-printable")
		if params["charset"] == "" || strings.EqualFold(params["charset"], "us-ascii") {
			if mediaType == "" {
				mediaType = "text/plain"
			}
			params["charset"] = "utf-8"
			h.SetContentType(mediaType, params)
		}
	}
	var pw *message.Writer
	if parent != nil {
		pw, err = parent.CreatePart(h)
	} else {
		pw, err = message.CreateWriter(w, h)
	}
	if err != nil {
		return err
	}
	if _, err := pw.Write(body); err != nil {
		return err
	}
	return pw.Close()
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// bodyPart reports whether h is a text part the reader reads (text/plain
// or text/html, not an attachment), and which.
func bodyPart(h *message.Header) (html, ok bool) {
	mediaType, _, _ := h.ContentType()
	if mediaType == "" {
		mediaType = "text/plain"
	}
	if disp, _, _ := h.ContentDisposition(); disp == "attachment" {
		return false, false
	}
	return mediaType == "text/html", mediaType == "text/plain" || mediaType == "text/html"
}

// firstBodies returns a leafFunc that changes only the first text/plain
// and the first text/html body part, as a gateway or a client does.
func firstBodies(plain, htmlPart func([]byte) []byte) leafFunc {
	var donePlain, doneHTML bool
	return func(h *message.Header, body []byte) []byte {
		isHTML, ok := bodyPart(h)
		switch {
		case !ok:
		case isHTML && !doneHTML:
			doneHTML = true
			return htmlPart(body)
		case !isHTML && !donePlain:
			donePlain = true
			return plain(body)
		}
		return body
	}
}

// reencode gives each text part the other transfer encoding: quoted-
// printable becomes base64, base64 quoted-printable, 7bit and 8bit
// quoted-printable (a relay that cannot pass 8-bit data, RFC 6152 §3).
func reencode(raw []byte, _ site) ([]byte, error) {
	return rewriteMIME(raw, nil, func(h *message.Header, body []byte) []byte {
		if _, ok := bodyPart(h); !ok {
			return body
		}
		switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
		case "quoted-printable":
			h.Set("Content-Transfer-Encoding", "base64")
		default:
			h.Set("Content-Transfer-Encoding", "quoted-printable")
		}
		return body
	})
}

// banner is an external-sender warning as the organisation's own gateway
// writes it (testdata/bandeaux: Exchange Online's "prepend a disclaimer"
// rule, Proofpoint's caution line).
type banner struct {
	tag, text string
}

var (
	bannerFR = banner{"[EXTERNE] ", "ATTENTION : ce courriel provient de l'extérieur de l'organisation. Ne cliquez pas sur les liens et n'ouvrez pas les pièces jointes à moins de connaître l'expéditeur et de savoir que le contenu est sûr."}
	bannerEN = banner{"[EXT] ", "CAUTION: This email originated from outside of the organization. Do not click links or open attachments unless you recognize the sender and know the content is safe."}
)

var bodyTag = regexp.MustCompile(`(?i)<body[^>]*>`)

// insertAfterBody puts s after the <body> tag of doc, or before it all.
func insertAfterBody(doc []byte, s string) []byte {
	if loc := bodyTag.FindIndex(doc); loc != nil {
		return append(append(append([]byte{}, doc[:loc[1]]...), s...), doc[loc[1]:]...)
	}
	return append([]byte(s), doc...)
}

var bodyEnd = regexp.MustCompile(`(?i)</body\s*>`)

// insertBeforeBodyEnd puts s before the </body> tag of doc, or after it all.
func insertBeforeBodyEnd(doc []byte, s string) []byte {
	if loc := bodyEnd.FindIndex(doc); loc != nil {
		return append(append(append([]byte{}, doc[:loc[0]]...), s...), doc[loc[0]:]...)
	}
	return append(append([]byte{}, doc...), s...)
}

// tagAndBanner is the gateway's subject tag and banner paragraph above
// the text and HTML bodies.
func (b banner) apply(raw []byte, _ site) ([]byte, error) {
	return rewriteMIME(raw, func(h *message.Header) {
		mh := mail.Header{Header: *h}
		subject, err := mh.Subject()
		if err != nil {
			subject = h.Get("Subject")
		}
		mh.SetSubject(b.tag + subject)
		*h = mh.Header
	}, firstBodies(func(body []byte) []byte {
		return append([]byte(b.text+"\r\n\r\n"), body...)
	}, func(body []byte) []byte {
		return insertAfterBody(body, `<div style="background-color:#FFEB9C;border:1pt solid #9C6500;padding:2pt"><p style="margin:0"><span style="font-size:9pt;color:#9C6500">`+html.EscapeString(b.text)+`</span></p></div>`)
	}))
}

var (
	hrefLink  = regexp.MustCompile(`(?i)(href\s*=\s*)(["'])(https?://[^"']+)(["'])`)
	plainLink = regexp.MustCompile(`https?://[^\s<>"']+[^\s<>"'.,;:!?)\]]`)
)

// safeLink is a link as Microsoft Defender's Safe Links rewrites it on
// receipt ("Safe Links in Microsoft Defender for Office 365", Microsoft
// Learn): the address escaped in url=, then data= (the recipient and the
// tenant), sdata= (a signature) and reserved=0.
func safeLink(target string, s site) string {
	if strings.Contains(target, ".safelinks.protection.outlook.com/") {
		return target
	}
	h := fnv.New64a()
	h.Write([]byte(target))
	sum := h.Sum(nil)
	return "https://eur02.safelinks.protection.outlook.com/?url=" + url.QueryEscape(target) +
		"&data=05%7C02%7Clecteur%40" + s.domain + "%7C" + fmt.Sprintf("%x", sum) +
		"%7C2b1e6c0d4a7f4e3b9d5c8a1f0e2d3c4b%7C0%7C0%7C638690000000000000%7CUnknown%7CTWFpbGZsb3d8eyJWIjoiMC4wLjAwMDAiLCJQIjoiV2luMzIiLCJBTiI6Ik1haWwiLCJXVCI6Mn0%3D%7C0%7C%7C%7C" +
		"&sdata=" + url.QueryEscape(base64.StdEncoding.EncodeToString(append(sum, sum...))) + "&reserved=0"
}

// safeLinks wraps every link of the text and HTML bodies as Outlook does
// on receipt; the anchor text is left as it was.
func safeLinks(raw []byte, s site) ([]byte, error) {
	return rewriteMIME(raw, nil, func(h *message.Header, body []byte) []byte {
		isHTML, ok := bodyPart(h)
		if !ok {
			return body
		}
		if isHTML {
			return hrefLink.ReplaceAllFunc(body, func(m []byte) []byte {
				g := hrefLink.FindSubmatch(m)
				target := html.UnescapeString(string(g[3]))
				return []byte(string(g[1]) + string(g[2]) + html.EscapeString(safeLink(target, s)) + string(g[4]))
			})
		}
		return plainLink.ReplaceAllFunc(body, func(m []byte) []byte { return []byte(safeLink(string(m), s)) })
	})
}

var (
	frDays   = []string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	frMonths = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
)

// outlookDateFR is a date as Outlook in French writes it in a forward's
// header block: "lundi 7 décembre 2026 10:12".
func outlookDateFR(d time.Time) string {
	return fmt.Sprintf("%s %d %s %d %02d:%02d", frDays[d.Weekday()], d.Day(), frMonths[d.Month()-1], d.Year(), d.Hour(), d.Minute())
}

// arrival is when the organisation's MX received the message, as its
// newest Received field says, or the message's Date when none says.
func arrival(h mail.Header) time.Time {
	if v := h.Get("Received"); v != "" {
		if i := strings.LastIndexByte(v, ';'); i >= 0 {
			if d, err := netmail.ParseDate(strings.TrimSpace(v[i+1:])); err == nil {
				return d
			}
		}
	}
	return originalDate(h)
}

// originalDate is the message's Date, or a fixed day when it has none.
func originalDate(h mail.Header) time.Time {
	if d, err := h.Date(); err == nil && !d.IsZero() {
		return d
	}
	return time.Date(2026, 12, 7, 9, 12, 0, 0, time.FixedZone("CET", 3600))
}

// forwardOutlook is the message forwarded by a colleague from Outlook in
// French: "TR: " before the subject, the colleague's word and the
// "De : / Envoyé : / À : / Objet :" block above the original body, the
// attachments carried, sent from the organisation's own domain and
// authenticated there by its MX.
func forwardOutlook(raw []byte, s site) ([]byte, error) {
	var from, sent, to, subject string
	top := func(h *message.Header) {
		mh := mail.Header{Header: *h}
		if a, err := mh.AddressList("From"); err == nil && len(a) > 0 {
			from = a[0].Address
			if a[0].Name != "" {
				from = a[0].Name + " <" + a[0].Address + ">"
			}
		} else {
			from = h.Get("From")
		}
		d := originalDate(mh)
		sent = outlookDateFR(d)
		if a, err := mh.AddressList("To"); err == nil && len(a) > 0 {
			var names []string
			for _, x := range a {
				if x.Name != "" {
					names = append(names, x.Name+" <"+x.Address+">")
				} else {
					names = append(names, x.Address)
				}
			}
			to = strings.Join(names, "; ")
		} else {
			to = h.Get("To")
		}
		if subject, _ = mh.Subject(); subject == "" {
			subject = h.Get("Subject")
		}
		fwd := message.Header{}
		for _, k := range []string{"Content-Type", "Content-Transfer-Encoding"} {
			if v := h.Get(k); v != "" {
				fwd.Set(k, v)
			}
		}
		fwd.Add("MIME-Version", "1.0")
		fwd.Add("Content-Language", "fr-FR")
		fwd.Add("X-MS-Has-Attach", "")
		fwd.Add("Accept-Language", "fr-FR, en-US")
		fwd.Add("Thread-Index", "AdtIa0aBcDeFgHiJkLmNoPqRsTuVwQ==")
		fwd.Add("Thread-Topic", subject)
		fwd.Add("Message-ID", "<PAXPR10MB5728B1E4C4A3D2F1E0A9B8C7D6E5F4A3B2C1@exch01."+s.domain+">")
		fwd.Add("Date", arrival(mh).Add(2*time.Hour).Format(time.RFC1123Z))
		tmh := mail.Header{Header: fwd}
		tmh.SetSubject("TR: " + subject)
		tmh.SetAddressList("To", []*mail.Address{{Name: "Dominique Bernard", Address: "d.bernard@" + s.domain}})
		tmh.SetAddressList("From", []*mail.Address{{Name: "Camille Martin", Address: "c.martin@" + s.domain}})
		fwd = tmh.Header
		fwd.Add("DKIM-Signature", "v=1; a=rsa-sha256; c=relaxed/relaxed; d="+s.domain+"; s=sel2026; h=from:to:subject:date:message-id:mime-version:content-type; bh=q7Z2m4hQ0vXy9pL3c8sK1dN6bR5tW2eF0gJ4aU7iO3E=; b=Vb3nK8pQ2wR6tY0uJ5sL9cE4dA7fG1hM3kN6qT8vX2zB5")
		fwd.Add("Received", "from exch01."+s.domain+" (exch01."+s.domain+" [10.12.4.21]) by "+s.mx+" (Postfix) with ESMTPS id 4ZmK7q1TrVz8Wd for <d.bernard@"+s.domain+">; "+arrival(mh).Add(2*time.Hour).Format(time.RFC1123Z))
		fwd.Add("Authentication-Results", s.authserv+"; dkim=pass header.d="+s.domain+" header.s=sel2026; spf=pass smtp.mailfrom=c.martin@"+s.domain+"; dmarc=pass (p=quarantine dis=none) header.from="+s.domain)
		fwd.Add("Return-Path", "<c.martin@"+s.domain+">")
		*h = fwd
	}
	word := "Bonjour,\r\n\r\nPour information, reçu ce matin.\r\n\r\nCamille Martin\r\n\r\n"
	block := func() string {
		return "________________________________\r\nDe : " + from + "\r\nEnvoyé : " + sent + "\r\nÀ : " + to + "\r\nObjet : " + subject + "\r\n\r\n"
	}
	// top runs before the leaves, so the block is built when they are.
	return rewriteMIME(raw, top, firstBodies(func(body []byte) []byte {
		return append([]byte(word+block()), body...)
	}, func(body []byte) []byte {
		e := html.EscapeString
		return insertAfterBody(body, `<div class="WordSection1"><p class="MsoNormal">Bonjour,</p><p class="MsoNormal">Pour information, reçu ce matin.</p><p class="MsoNormal">Camille Martin</p>`+
			`<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p class="MsoNormal"><b>De :</b> `+e(from)+`<br><b>Envoyé :</b> `+e(sent)+`<br><b>À :</b> `+e(to)+`<br><b>Objet :</b> `+e(subject)+`</p></div></div>`)
	}))
}

// The list of transformation 5: a professional community's Mailman 3
// list, whose ARC seal the organisation's administrator trusts as the
// list sets of testdata/lists do (listGateway).
const (
	listHost = "listes.esante-exemple.fr"
	listAddr = "reseau-achats@" + listHost
	listIP   = "198.51.100.70"
)

// isMXHop reports whether a Received field records the organisation's MX
// (or an internal hop after it) receiving the message.
func isMXHop(v string, s site) bool {
	v = strings.ToLower(v)
	return strings.Contains(v, "by "+strings.ToLower(s.mx)) || strings.Contains(v, "by exch")
}

// throughList is the message as the organisation receives it from a
// Mailman 3 list its author wrote to: the MX's own trace of the author's
// delivery is now the list's (Received, and the author's authentication
// results in the list's ARC-Authentication-Results), the list's footer
// ends the text and HTML bodies, List-* fields are added, and From is
// rewritten "Author via Liste <list@…>" with Reply-To the author
// (dmarc_mitigate_action munge_from, Mailman 3 documentation "DMARC
// mitigations"), the list signing and sealing its copy.
func throughList(raw []byte, s site) ([]byte, error) {
	top := func(h *message.Header) {
		var mxHops int
		for i, f := 0, h.FieldsByKey("Received"); f.Next(); i++ {
			if isMXHop(f.Value(), s) {
				mxHops = i + 1
			}
		}
		var authorHop, authorResults string
		fields := h.Fields()
		for received := 0; fields.Next(); {
			switch strings.ToLower(fields.Key()) {
			case "received":
				if received < mxHops {
					authorHop = fields.Value()
					fields.Del()
				}
				received++
			case "authentication-results":
				id, results, _ := strings.Cut(fields.Value(), ";")
				if strings.EqualFold(strings.TrimSpace(id), s.authserv) {
					if authorResults == "" {
						authorResults = strings.TrimSpace(results)
					}
					fields.Del()
				}
			case "return-path", "delivered-to", "x-original-to":
				fields.Del()
			}
		}
		if authorResults == "" {
			authorResults = "none"
		}
		mh := mail.Header{Header: *h}
		author := &mail.Address{Address: h.Get("From")}
		if a, err := mh.AddressList("From"); err == nil && len(a) > 0 {
			author = a[0]
		}
		name := author.Name
		if name == "" {
			name = author.Address
		}
		if h.Get("Reply-To") == "" {
			mh.SetAddressList("Reply-To", []*mail.Address{author})
		}
		mh.SetAddressList("From", []*mail.Address{{Name: name + " via Reseau-achats", Address: listAddr}})
		mh.SetAddressList("To", []*mail.Address{{Address: listAddr}})
		*h = mh.Header
		when := arrival(mh).Format(time.RFC1123Z)
		authorFrom := "unknown"
		if from, _, ok := strings.Cut(authorHop, " by "); ok {
			authorFrom = strings.TrimSpace(strings.TrimPrefix(from, "from "))
		}
		for _, f := range []struct{ k, v string }{
			{"List-Unsubscribe", "<mailto:reseau-achats-leave@" + listHost + ">"},
			{"List-Subscribe", "<mailto:reseau-achats-join@" + listHost + ">"},
			{"List-Post", "<mailto:" + listAddr + ">"},
			{"List-Owner", "<mailto:reseau-achats-owner@" + listHost + ">"},
			{"List-Help", "<mailto:reseau-achats-request@" + listHost + "?subject=help>"},
			{"List-Archive", "<https://" + listHost + "/archives/list/" + listAddr + "/>"},
			{"List-Id", "Achats hospitaliers du réseau <reseau-achats." + listHost + ">"},
			{"X-Mailman-Version", "3.3.9"},
			{"Precedence", "list"},
			{"Message-ID-Hash", "Q7KXN3M2B5VJ4WZL6D8PRT0HYC1SFAGE"},
			{"X-Message-ID-Hash", "Q7KXN3M2B5VJ4WZL6D8PRT0HYC1SFAGE"},
			{"DKIM-Signature", "v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + listHost + "; s=mm2026; h=from:reply-to:to:subject:date:message-id:list-id:list-post:list-unsubscribe; bh=Nb7qK2xW9pT3zL6cR0uY4mG1aD8hF5iJ2oE9sV6pM3=; b=Ux4mR8qW1vL5tR9yK3uS7dJ0cE4aF8gQ2wZ6vB0nM4lJ8hG1"},
			{"ARC-Authentication-Results", "i=1; " + listHost + "; " + authorResults},
			{"ARC-Message-Signature", "i=1; a=rsa-sha256; c=relaxed/relaxed; d=" + listHost + "; s=arc2026; h=from:to:subject:date:message-id:mime-version:content-type; bh=Nb7qK2xW9pT3zL6cR0uY4mG1aD8hF5iJ2oE9sV6pM3=; b=Cx8nL3pQ6vR0tY5uK9sJ2cE7dA1fQ4wZ8vB3nM7lJ0hG5"},
			{"ARC-Seal", "i=1; a=rsa-sha256; d=" + listHost + "; s=arc2026; cv=none; b=Gm7nQ2wT5pL9zR3yK6uS0dJ4cE8aF1gQ5wZ9vB2nM6lJ0hG3fD7sA1pO4iU8yT2rE5wQ9z"},
			{"Received", "from " + authorFrom + " by " + listHost + " (Postfix) with ESMTPS id 9A2D0C0B04 for <" + listAddr + ">; " + when},
			{"Received", "from " + listHost + " (" + listHost + " [" + listIP + "]) by " + s.mx + " (Postfix) with ESMTPS id 4XFq8m1SvJz7Nq for <d.bernard@" + s.domain + ">; " + when},
			{"Authentication-Results", s.authserv + "; dkim=pass header.d=" + listHost + " header.s=mm2026; spf=pass smtp.mailfrom=reseau-achats-bounces@" + listHost + "; dmarc=pass (p=none dis=none) header.from=" + listHost + "; arc=pass (\"" + listHost + ":s=arc2026:i=1\")"},
			{"Return-Path", "<reseau-achats-bounces@" + listHost + ">"},
		} {
			h.Add(f.k, f.v)
		}
	}
	footer := "Liste de diffusion Reseau-achats -- " + listAddr + "\r\nPour vous désabonner, envoyez un message à reseau-achats-leave@" + listHost
	return rewriteMIME(raw, top, firstBodies(func(body []byte) []byte {
		return append(append([]byte{}, body...), "\r\n_______________________________________________\r\n"+footer+"\r\n"...)
	}, func(body []byte) []byte {
		return insertBeforeBodyEnd(body, `<hr><p style="font-size:9pt">`+strings.ReplaceAll(html.EscapeString(footer), "\r\n", "<br>")+`</p>`)
	}))
}

// exchangeHop is the message after one more hop inside the organisation:
// its MX hands it to Exchange, which records the hop and its own view of
// the sender (spf=none from the MX's internal address), as an on-premises
// Exchange behind a filtering gateway writes them.
func exchangeHop(raw []byte, s site) ([]byte, error) {
	return rewriteMIME(raw, func(h *message.Header) {
		mh := mail.Header{Header: *h}
		when := arrival(mh).Add(time.Minute).Format(time.RFC1123Z)
		mailFrom := strings.Trim(h.Get("Return-Path"), "<> ")
		if mailFrom == "" {
			mailFrom = "unknown"
		}
		for _, f := range []struct{ k, v string }{
			{"X-MS-Exchange-Organization-AuthAs", "Anonymous"},
			{"X-MS-Exchange-Organization-AuthSource", "EXCH01." + s.domain},
			{"X-MS-Exchange-Organization-Network-Message-Id", "5d0c2e7a-91f4-4b3e-8a6d-2c7f1e9b4a30"},
			{"Authentication-Results", "EXCH01." + s.domain + "; spf=none (sender IP is 10.12.4.10) smtp.mailfrom=" + mailFrom},
			{"Received", "from " + s.mx + " (10.12.4.10) by EXCH01." + s.domain + " (10.12.4.21) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.2.1544.11; " + when},
		} {
			h.Add(f.k, f.v)
		}
	}, nil)
}
