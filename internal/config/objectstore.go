package config

import (
	"fmt"
	"net/url"
	"os"
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
	if strings.HasPrefix(o.Prefix, "/") || strings.Contains(o.Prefix, "..") {
		return fmt.Errorf("%s.prefix: %q must not begin with / nor contain ..", at, o.Prefix)
	}
	if o.Timeout < 0 {
		return fmt.Errorf("%s.timeout cannot be negative", at)
	}
	return nil
}

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
