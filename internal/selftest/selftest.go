// Package selftest is the battery of harmless test messages that `vigie
// selftest` sends through an organisation's real mail chain (its MX,
// Postfix and Vigie milter) to prove what the chain stops: the attack
// techniques of CERT Santé's mx_sec_conf (EICAR in the body, in a zip, in
// an encrypted zip; dangerous attachment types; HTML smuggling and
// credential forms; obfuscated URLs; Reply-To to a free mailbox; spoofing;
// the header anomalies of rules/anomalies.md; an oversize message) and
// legitimate control messages that must be delivered.
//
// The battery is data: one YAML file per case (battery/*.yaml, embedded)
// naming the mx_sec_conf rule it exercises, whether the chain must stop or
// deliver it, and the message as a text/template. Administrators add cases
// in a directory of their own (Load's dir). Nothing in a case is harmful:
// the EICAR file is the industry's inert anti-virus test string.
package selftest

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"time"

	"gopkg.in/yaml.v3"
)

// Expect is what the chain must do with a case.
type Expect string

const (
	Stop    Expect = "stop"    // refused or quarantined
	Deliver Expect = "deliver" // delivered, untagged
)

// Case is one test message.
type Case struct {
	ID       string `yaml:"id"`
	Category string `yaml:"category"` // a key of Categories
	Rule     string `yaml:"rule"`     // mx_sec_conf rules/FILE.md#anchor
	Expect   Expect `yaml:"expect"`
	FR       string `yaml:"fr"`
	EN       string `yaml:"en"`
	// MailFromDomain is the envelope sender's domain as a template
	// (default: the sender domain for controls, the attack domain
	// otherwise); the local part is always generated, to find the message
	// in the trace.
	MailFromDomain string `yaml:"mail_from_domain"`
	Message        string `yaml:"message"`

	file string
	tmpl *template.Template
}

// Categories are the families of mx_sec_conf, in report order.
var Categories = []struct {
	Key, Rule, FR, EN string
}{
	{"antivirus", "antivirus.md", "Antivirus", "Anti-virus"},
	{"attachment", "attachment.md", "Pièces jointes", "Attachments"},
	{"url", "url.md", "URL malveillantes", "Malicious URLs"},
	{"reply", "reply.md", "Reply-To", "Reply-To"},
	{"ident", "ident.md", "Usurpation d'identité", "Identity spoofing"},
	{"anomalies", "anomalies.md", "Anomalies", "Anomalies"},
	{"mta", "mta.md", "MTA", "MTA"},
	{"control", "", "Messages légitimes (témoins)", "Legitimate messages (controls)"},
}

func categoryKnown(k string) bool {
	return slices.ContainsFunc(Categories, func(c struct{ Key, Rule, FR, EN string }) bool { return c.Key == k })
}

//go:embed battery/*.yaml
var battery embed.FS

var validID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

// Load returns the embedded battery plus the cases of dir (if not ""),
// whose ids must not collide with the embedded ones, sorted by category
// then id.
func Load(dir string) ([]*Case, error) {
	var out []*Case
	seen := map[string]string{}
	add := func(fsys fs.FS, root, label string) error {
		names, err := fs.Glob(fsys, root+"/*.yaml")
		if err != nil {
			return err
		}
		for _, n := range names {
			b, err := fs.ReadFile(fsys, n)
			if err != nil {
				return fmt.Errorf("selftest: %s: %w", n, err)
			}
			c, err := parseCase(b, label+filepath.Base(n))
			if err != nil {
				return err
			}
			if prev, dup := seen[c.ID]; dup {
				return fmt.Errorf("selftest: case %s defined twice (%s, %s)", c.ID, prev, c.file)
			}
			seen[c.ID] = c.file
			out = append(out, c)
		}
		return nil
	}
	if err := add(battery, "battery", "battery/"); err != nil {
		return nil, err
	}
	if dir != "" {
		if err := add(os.DirFS(dir), ".", dir+"/"); err != nil {
			return nil, err
		}
	}
	order := map[string]int{}
	for i, c := range Categories {
		order[c.Key] = i
	}
	slices.SortStableFunc(out, func(a, b *Case) int {
		if d := order[a.Category] - order[b.Category]; d != 0 {
			return d
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// parseCase reads and checks one case file.
func parseCase(b []byte, file string) (*Case, error) {
	c := &Case{file: file}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil {
		return nil, fmt.Errorf("selftest: %s: %w", file, err)
	}
	switch {
	case !validID.MatchString(c.ID):
		return nil, fmt.Errorf("selftest: %s: id %q: lower-case letters, digits and hyphens", file, c.ID)
	case !categoryKnown(c.Category):
		return nil, fmt.Errorf("selftest: %s: unknown category %q", file, c.Category)
	case c.Expect != Stop && c.Expect != Deliver:
		return nil, fmt.Errorf("selftest: %s: expect must be stop or deliver", file)
	case c.Category != "control" && c.Rule == "":
		return nil, fmt.Errorf("selftest: %s: an attack case names the mx_sec_conf rule it exercises", file)
	case c.FR == "" || c.EN == "" || c.Message == "":
		return nil, fmt.Errorf("selftest: %s: fr, en and message are required", file)
	}
	t, err := template.New(c.ID).Funcs(funcs).Option("missingkey=error").Parse(c.Message)
	if err != nil {
		return nil, fmt.Errorf("selftest: %s: message template: %w", file, err)
	}
	c.tmpl = t
	return c, nil
}

// Vars are the values a message template sees.
type Vars struct {
	Domain       string // the tested domain (the recipient's)
	To           string // the test recipient
	SenderDomain string // the legitimate partner domain of the control cases
	AttackDomain string // the outside domain attack cases are sent from
	MailFrom     string // the envelope sender, unique to this message
	MessageID    string // a fresh Message-ID, without brackets
	Date         string // now, RFC 5322
	Boundary     string // a MIME boundary
	RunID        string
}

// Render builds the message of c, with CRLF line ends.
func (c *Case) Render(v Vars) ([]byte, error) {
	var b bytes.Buffer
	if err := c.tmpl.Execute(&b, v); err != nil {
		return nil, fmt.Errorf("selftest: case %s: %w", c.ID, err)
	}
	msg := bytes.ReplaceAll(b.Bytes(), []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(msg, []byte("\n"), []byte("\r\n")), nil
}

// EnvelopeDomain is the domain of c's envelope sender.
func (c *Case) EnvelopeDomain(v Vars) (string, error) {
	if c.MailFromDomain == "" {
		if c.Category == "control" {
			return v.SenderDomain, nil
		}
		return v.AttackDomain, nil
	}
	t, err := template.New("mail_from").Option("missingkey=error").Parse(c.MailFromDomain)
	if err != nil {
		return "", fmt.Errorf("selftest: case %s: mail_from_domain: %w", c.ID, err)
	}
	var b strings.Builder
	if err := t.Execute(&b, v); err != nil {
		return "", fmt.Errorf("selftest: case %s: mail_from_domain: %w", c.ID, err)
	}
	return strings.TrimSpace(b.String()), nil
}

// Title is the case's description in lang.
func (c *Case) Title(lang string) string {
	if lang == "en" {
		return c.EN
	}
	return c.FR
}

// rfc5322Date formats t for a Date field.
func rfc5322Date(t time.Time) string { return t.Format("Mon, 02 Jan 2006 15:04:05 -0700") }
