// Package secrets finds in a message what an attacker who read the
// mailbox must be assumed to hold (InterCERT fiche, action 6.a, and CERT
// Santé: change every credential found in the mailbox): private keys, API
// keys and tokens in the formats their issuers document, passwords
// written out in clear, MFA seeds (otpauth:// URIs, also inside QR codes
// in images), and the sensitive files of action 6.b (key stores, password
// databases, VPN profiles). It reads text and attachments; what it
// reports is masked so that the report does not spread the secret.
package secrets

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif"  // QR codes in GIF images
	_ "image/jpeg" // and JPEG
	_ "image/png"  // and PNG
	"path"
	"regexp"
	"strings"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"vigie.dev/vigie/internal/message"
)

// Kinds of secret, the signal names of a sweep.
const (
	PrivateKey    = "SWEEP_SECRET_PRIVATE_KEY"
	Token         = "SWEEP_SECRET_TOKEN"
	Password      = "SWEEP_SECRET_PASSWORD"
	OTPSeed       = "SWEEP_SECRET_OTP_SEED"
	QRCode        = "SWEEP_QR_CODE"
	SensitiveFile = "SWEEP_SENSITIVE_FILE"
)

// Found is one secret.
type Found struct {
	Kind    string `json:"kind"`
	What    string `json:"what"`    // "AWS access key", "clé privée OpenSSH"…
	Where   string `json:"where"`   // "corps", or the attachment's name
	Excerpt string `json:"excerpt"` // masked
}

// Limits bound the work on one message.
const (
	MaxText     = 4 << 20  // text scanned per message
	MaxPixels   = 16 << 20 // image size decoded for QR codes
	MaxImages   = 20       // images decoded per message
	MaxFindings = 100
)

// tokens are the credential formats with a documented, distinctive
// prefix (the issuers' own documentation of their key formats).
var tokens = []struct {
	what string
	re   *regexp.Regexp
}{
	{"clé d'accès AWS", regexp.MustCompile(`\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`)},
	{"jeton GitHub", regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b`)},
	{"jeton GitLab", regexp.MustCompile(`\bglpat-[A-Za-z0-9_-]{20,}\b`)},
	{"jeton Slack", regexp.MustCompile(`\bxox[abprs]-[A-Za-z0-9-]{10,}\b`)},
	{"clé d'API Google", regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`)},
	{"clé secrète Stripe", regexp.MustCompile(`\b[rs]k_live_[0-9A-Za-z]{20,}\b`)},
	{"jeton JWT", regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}`)},
}

var (
	pemKey = regexp.MustCompile(`-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----`)
	// A password given in clear: the word, a separator, then a value on
	// the same line (French and English, as help desks write them).
	password = regexp.MustCompile(`(?i)\b(mot de passe|mdp|password|passwd|pwd|passcode|code d'accès)\s*(?:provisoire|temporaire|temporary)?\s*[:=]\s*([^\s<>"']{4,64})`)
	otpauth  = regexp.MustCompile(`otpauth://[a-z]+/[^\s"'<>]+`)
)

// sensitiveExt are file types of action 6.b: key stores, certificates with
// their key, password databases, VPN and SSH client configuration.
var sensitiveExt = map[string]string{
	".pem": "clé ou certificat PEM", ".key": "clé privée", ".p12": "magasin de clés PKCS#12", ".pfx": "magasin de clés PKCS#12",
	".kdbx": "base KeePass", ".kdb": "base KeePass", ".ovpn": "profil VPN OpenVPN", ".ppk": "clé privée PuTTY",
	".jks": "magasin de clés Java", ".keychain": "trousseau macOS", ".rdp": "connexion bureau à distance",
}

var sensitiveName = map[string]string{"id_rsa": "clé privée SSH", "id_ecdsa": "clé privée SSH", "id_ed25519": "clé privée SSH",
	"id_dsa": "clé privée SSH", ".env": "fichier de secrets d'application", "credentials": "fichier d'identifiants"}

// Scan looks for secrets in a parsed message.
func Scan(m *message.Message) []Found {
	var out []Found
	seen := map[Found]bool{}
	add := func(f Found) {
		if len(out) < MaxFindings && !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	body := m.Subject + "\n" + m.Text + "\n" + m.HTMLText
	if len(body) > MaxText {
		body = body[:MaxText]
	}
	text(body, "corps", add)
	// HTMLText leaves out what inline styles hide (font-size:0,
	// display:none: message/hidden.go), which is right for what the reader
	// sees but not for what a thief who reads the mailbox holds: the
	// source is read too, and a secret found twice is reported once.
	if html := m.HTML; html != "" {
		if len(html) > MaxText {
			html = html[:MaxText]
		}
		text(html, "corps", add)
	}
	images := 0
	for _, a := range m.Attachments {
		name := a.Filename
		if name == "" {
			name = a.Path
		}
		low := strings.ToLower(path.Base(strings.ReplaceAll(a.Filename, `\`, "/")))
		if what, ok := sensitiveName[low]; ok {
			add(Found{Kind: SensitiveFile, What: what, Where: name, Excerpt: name})
		} else if what, ok := sensitiveExt[path.Ext(low)]; ok && a.Filename != "" {
			add(Found{Kind: SensitiveFile, What: what, Where: name, Excerpt: name})
		}
		switch {
		case strings.HasPrefix(a.SniffedType, "image/") && images < MaxImages:
			images++
			if s, err := DecodeQR(a.Data); err == nil {
				if otpauth.MatchString(s) {
					add(Found{Kind: OTPSeed, What: "graine MFA (QR code)", Where: name, Excerpt: mask(s)})
				} else {
					add(Found{Kind: QRCode, What: "QR code", Where: name, Excerpt: excerptQR(s)})
				}
			}
		case textual(a):
			data := a.Data
			if len(data) > MaxText {
				data = data[:MaxText]
			}
			text(string(data), name, add)
		}
	}
	return out
}

func textual(a message.Attachment) bool {
	t := a.SniffedType
	return t == "" || strings.HasPrefix(t, "text/") || t == "application/octet-stream" && bytes.IndexByte(a.Data, 0) < 0
}

func text(s, where string, add func(Found)) {
	for _, m := range pemKey.FindAllStringSubmatch(s, 8) {
		add(Found{Kind: PrivateKey, What: strings.ToLower(m[1]), Where: where, Excerpt: m[0]})
	}
	for _, t := range tokens {
		for _, v := range t.re.FindAllString(s, 8) {
			add(Found{Kind: Token, What: t.what, Where: where, Excerpt: mask(v)})
		}
	}
	for _, m := range password.FindAllStringSubmatch(s, 8) {
		add(Found{Kind: Password, What: "mot de passe en clair (« " + m[1] + " »)", Where: where, Excerpt: m[1] + " : " + mask(m[2])})
	}
	for _, v := range otpauth.FindAllString(s, 8) {
		add(Found{Kind: OTPSeed, What: "graine MFA (otpauth)", Where: where, Excerpt: mask(v)})
	}
}

// mask keeps the first four characters and the length.
func mask(s string) string {
	r := []rune(s)
	if len(r) <= 4 {
		return strings.Repeat("•", len(r))
	}
	return string(r[:4]) + fmt.Sprintf("… (%d caractères)", len(r))
}

// excerptQR shows where a QR code points (a URL is the quishing case), not
// its whole content.
func excerptQR(s string) string {
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// DecodeQR decodes a QR code in an image (PNG, JPEG, GIF), refusing images
// over MaxPixels before decoding them.
func DecodeQR(data []byte) (s string, err error) {
	defer func() {
		if r := recover(); r != nil { // a decoder bug on hostile input is no QR code
			s, err = "", fmt.Errorf("secrets: QR decoder: %v", r)
		}
	}()
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return "", err
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > MaxPixels {
		return "", fmt.Errorf("secrets: image of %dx%d pixels", cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return "", err
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}
