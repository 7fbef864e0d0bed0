package config

import (
	"errors"
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

// The prefix is a folder of the bucket that is Vigie's alone: the root, a
// key beginning with "/", an empty, "." or ".." folder are refused when the
// configuration is read, in French and in English, saying what to write.
func TestObjectStorePrefix(t *testing.T) {
	for _, tt := range []struct {
		prefix     string
		fr, en     string // "" for a good prefix
		suggestion string
	}{
		{"held/", "", "", ""},
		{"vigie/quarantaine/", "", "", ""},
		{"Vigie-2/Q_1 été/", "", "", ""},
		{"", "racine du seau", "root of the bucket", ""},
		{"/", "racine du seau", "root of the bucket", ""},
		{"//", "racine du seau", "root of the bucket", ""},
		{"/held/", "ne commence pas par « / »", `does not begin with "/"`, `"held/"`},
		{"held", "finit par un seul « / »", `ends with one "/"`, `"held/"`},
		{"held//", "finit par un seul « / »", `ends with one "/"`, `"held/"`},
		{"vigie//held/", "pas de dossier vide", "no empty folder", `"vigie/held/"`},
		{"../held/", "« .. »", `".."`, ""},
		{"vigie/../held/", "« .. »", `".."`, ""},
		{"vigie..held/", "« .. »", `".."`, ""},
		{"./held/", "« . »", `"."`, ""},
		{"vigie\\held/", "barre oblique inverse", "backslash", ""},
		{"held\n/", "caractère de contrôle", "control character", ""},
		{strings.Repeat("a", 600) + "/", "512 octets", "512 bytes", ""},
	} {
		o := ObjectStoreCfg{Endpoint: "https://s3.chu-exemple.fr", Bucket: "b", AccessKey: "k", Prefix: tt.prefix}
		err := o.Validate()
		if tt.fr == "" {
			if err != nil {
				t.Errorf("prefix %q: %v", tt.prefix, err)
			}
			continue
		}
		var fr interface{ French() string }
		if err == nil || !errors.As(err, &fr) {
			t.Errorf("prefix %q: %v, want an error said in French too", tt.prefix, err)
			continue
		}
		for _, s := range []struct{ text, want string }{{fr.French(), tt.fr}, {err.Error(), tt.en}, {fr.French(), tt.suggestion}, {err.Error(), tt.suggestion}} {
			if !strings.Contains(s.text, s.want) {
				t.Errorf("prefix %q: %q does not say %q", tt.prefix, s.text, s.want)
			}
		}
	}
}
