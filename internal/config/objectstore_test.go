package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The object store's settings are checked when the configuration is
// read, and its secret comes from a file or the environment only.
func TestObjectStore(t *testing.T) {
	const ok = "serve:\n  quarantine:\n    object_store: {endpoint: \"https://s3.chu-exemple.fr:9000\", bucket: vigie, access_key: vigie, prefix: \"held/\"}\n"
	c := Default()
	if err := Parse([]byte(ok), &c); err != nil || !c.Serve.Quarantine.ObjectStore.Enabled() {
		t.Fatalf("Parse: %v %+v", err, c.Serve.Quarantine.ObjectStore)
	}
	for in, want := range map[string]string{
		"{endpoint: s3.chu-exemple.fr, bucket: b, access_key: k}":                            "endpoint",
		"{endpoint: \"ftp://s3.chu-exemple.fr\", bucket: b, access_key: k}":                  "endpoint",
		"{endpoint: \"https://s3.chu-exemple.fr/b\", bucket: b, access_key: k}":              "endpoint",
		"{endpoint: \"https://s3.chu-exemple.fr\", access_key: k}":                           "bucket and access_key",
		"{endpoint: \"https://s3.chu-exemple.fr\", bucket: b}":                               "bucket and access_key",
		"{endpoint: \"https://s3.chu-exemple.fr\", bucket: b, access_key: k, prefix: /x}":    "prefix",
		"{endpoint: \"https://s3.chu-exemple.fr\", bucket: b, access_key: k, secret_key: s}": "not found",
	} {
		c := Default()
		err := Parse([]byte("serve:\n  quarantine:\n    object_store: "+in+"\n"), &c)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%s) = %v, want an error about %q", in, err, want)
		}
	}

	o := c.Serve.Quarantine.ObjectStore
	t.Setenv(SecretKeyEnv, "")
	if _, err := o.SecretKey(); err == nil || !strings.Contains(err.Error(), SecretKeyEnv) {
		t.Errorf("no secret anywhere: %v", err)
	}
	t.Setenv(SecretKeyEnv, "from-env")
	if s, err := o.SecretKey(); s != "from-env" || err != nil {
		t.Errorf("secret from the environment: %q %v", s, err)
	}
	o.SecretKeyFile = filepath.Join(t.TempDir(), "s3.secret")
	os.WriteFile(o.SecretKeyFile, []byte("from-file\r\n"), 0o600)
	if s, err := o.SecretKey(); s != "from-file" || err != nil {
		t.Errorf("secret from the file (over the environment): %q %v", s, err)
	}
}
