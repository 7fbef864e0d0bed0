package config

import (
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
)

// ObjectStoreCfg names the S3-compatible bucket that keeps the held
// messages' compressed bytes (serve.quarantine.object_store). Every node
// sharing the store must name the same bucket and prefix. The secret key
// is never written here: it is read from SecretKeyFile or, without one,
// from $VIGIE_S3_SECRET_KEY.
type ObjectStoreCfg struct {
	// Endpoint is the object store's address as a URL: https://host:port,
	// or http://host:port on a network trusted not to read or alter mail.
	Endpoint string `yaml:"endpoint"`
	Bucket   string `yaml:"bucket"`
	Region   string `yaml:"region"` // empty: the store's default
	// Prefix begins every key Vigie writes ("vigie/quarantine/" for
	// instance); one bucket may then serve other uses, but never another
	// Vigie store with the same prefix (its purge would remove them).
	Prefix        string        `yaml:"prefix"`
	AccessKey     string        `yaml:"access_key"`
	SecretKeyFile string        `yaml:"secret_key_file"` // first line; else $VIGIE_S3_SECRET_KEY
	CAFile        string        `yaml:"ca_file"`         // PEM roots for an on-premises store's certificate
	Timeout       time.Duration `yaml:"timeout"`         // per request; 0: 30s
}

// SecretKeyEnv is the variable holding the object store's secret key
// when no secret_key_file is configured.
const SecretKeyEnv = "VIGIE_S3_SECRET_KEY"

// Enabled says whether an object store is configured.
func (o ObjectStoreCfg) Enabled() bool { return o.Endpoint != "" }

// Validate checks an object store's settings (nothing when none is set).
func (o ObjectStoreCfg) Validate() error {
	if !o.Enabled() {
		return nil
	}
	const at = "serve.quarantine.object_store"
	u, err := url.Parse(o.Endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" {
		return fmt.Errorf("%s.endpoint: %q is not an http(s)://host[:port] address", at, o.Endpoint)
	}
	if o.Bucket == "" || o.AccessKey == "" {
		return fmt.Errorf("%s: bucket and access_key are required", at)
	}
	if err := checkPrefix(at+".prefix", o.Prefix); err != nil {
		return err
	}
	if o.Timeout < 0 {
		return fmt.Errorf("%s.timeout cannot be negative", at)
	}
	return nil
}

// checkPrefix: the prefix is a folder of the bucket that is Vigie's alone,
// written the one way S3 keys are: not empty (the bucket's root, where the
// purge would remove the objects of other uses), no leading "/", one
// trailing "/", no empty, "." or ".." folder, no backslash or control
// character, and short enough that keys stay under S3's 1,024 bytes.
func checkPrefix(at, p string) error {
	var folders []string
	for _, f := range strings.Split(p, "/") {
		if f != "" {
			folders = append(folders, f)
		}
	}
	suggest := strings.Join(folders, "/") + "/"
	fail := func(fr, en string) error {
		return bilingual{fr: fmt.Sprintf("%s %q : %s", at, p, fr), en: fmt.Sprintf("%s %q: %s", at, p, en)}
	}
	switch {
	case len(folders) == 0:
		return fail("le préfixe est vide : Vigie n'écrit pas à la racine du seau, où sa purge supprimerait les objets d'autres usages ; donnez-lui un dossier à lui seul, par exemple « vigie/quarantaine/ »",
			"the prefix is empty: Vigie does not write at the root of the bucket, where its purge would remove the objects of other uses; give it a folder of its own, for instance \"vigie/quarantine/\"")
	case strings.ContainsFunc(p, func(r rune) bool { return r < ' ' || r == 0x7f || r == '\\' }):
		return fail("le préfixe contient un caractère de contrôle ou une barre oblique inverse", "the prefix holds a control character or a backslash")
	case slices.ContainsFunc(folders, func(f string) bool { return f == "." || f == ".." }) || strings.Contains(p, ".."):
		return fail("le préfixe contient « .. » ou un dossier « . » : une clé S3 ne remonte pas d'un dossier", "the prefix holds \"..\" or a \".\" folder: an S3 key does not go up a folder")
	case p != suggest:
		return fail(fmt.Sprintf("une clé S3 ne commence pas par « / », n'a pas de dossier vide et le préfixe finit par un seul « / » : écrivez %q", suggest),
			fmt.Sprintf("an S3 key does not begin with \"/\", has no empty folder, and the prefix ends with one \"/\": write %q", suggest))
	case len(p) > 512:
		return fail("le préfixe dépasse 512 octets", "the prefix is longer than 512 bytes")
	}
	return nil
}

// bilingual is an error said in English (Error) and in French (French),
// for what people read when Vigie refuses to start.
type bilingual struct{ fr, en string }

func (e bilingual) Error() string  { return e.en }
func (e bilingual) French() string { return e.fr }

// SecretKey reads the secret key from secret_key_file, or from
// $VIGIE_S3_SECRET_KEY when no file is configured.
func (o ObjectStoreCfg) SecretKey() (string, error) {
	if o.SecretKeyFile != "" {
		b, err := os.ReadFile(o.SecretKeyFile)
		if err != nil {
			return "", fmt.Errorf("serve.quarantine.object_store.secret_key_file: %w", err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		if line = strings.TrimRight(line, "\r"); line == "" {
			return "", fmt.Errorf("serve.quarantine.object_store.secret_key_file: %s is empty", o.SecretKeyFile)
		}
		return line, nil
	}
	if v := os.Getenv(SecretKeyEnv); v != "" {
		return v, nil
	}
	return "", fmt.Errorf("serve.quarantine.object_store: no secret_key_file and $%s is not set", SecretKeyEnv)
}
