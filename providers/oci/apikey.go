package oci

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/oracle/oci-go-sdk/v65/common"

	"github.com/ocfkit/ocfkit/providers/credfile"
)

// ConfigError is a problem with the node's OCI configuration (config file,
// key file) rather than with the cloud. It unwraps to a credfile sentinel
// when a file is missing, unreadable or not private to root
// (errors.Is(err, credfile.ErrPermissions)), and to credfile.ErrMalformed
// when its content is not usable.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// APIKey signs with a user's API key from the standard OCI config file
// (user, fingerprint, tenancy, region, key_file, pass_phrase). The config
// file and the key file are read once, through credfile (regular files,
// private to root), and the key is parsed at load time.
type APIKey struct {
	keyID  string
	key    *rsa.PrivateKey
	region string
}

// Bounds on what is read: a config file is a few hundred bytes, a key a
// few kilobytes.
const (
	maxConfigSize = 64 << 10
	maxKeySize    = 64 << 10
)

// LoadAPIKey reads profile (default DEFAULT) of the config file, and the
// key file it names, and parses the key with the profile's pass phrase.
// Files not private to root are refused (credfile.ErrPermissions).
func LoadAPIKey(configFile, profile string) (*APIKey, error) {
	return loadAPIKey(configFile, profile, credfile.Read)
}

// LoadAPIKeyUnchecked is LoadAPIKey without the ownership and mode checks,
// for a stop that must release what it holds (see credfile.ReadUnchecked).
func LoadAPIKeyUnchecked(configFile, profile string) (*APIKey, error) {
	return loadAPIKey(configFile, profile, credfile.ReadUnchecked)
}

func loadAPIKey(configFile, profile string, read func(string, int) ([]byte, error)) (*APIKey, error) {
	if profile == "" {
		profile = "DEFAULT"
	}
	if configFile == "" {
		return nil, &ConfigError{errors.New("config_file is required with auth=api_key")}
	}
	b, err := read(expandHome(configFile), maxConfigSize)
	if err != nil {
		return nil, &ConfigError{fmt.Errorf("config_file %w", err)}
	}
	where := fmt.Sprintf("config_file %s profile %s", configFile, profile)
	malformed := func(format string, args ...any) error {
		return &ConfigError{fmt.Errorf("%s: %s: %w", where, fmt.Sprintf(format, args...), credfile.ErrMalformed)}
	}
	cfg, ok := parseConfig(string(b), profile)
	if !ok {
		return nil, malformed("no such profile")
	}
	pass, hasPass := cfg["pass_phrase"]
	if !hasPass {
		pass, hasPass = cfg["passphrase"]
	}
	secret(pass)
	for _, k := range []string{"tenancy", "fingerprint", "key_file"} {
		if cfg[k] == "" {
			return nil, malformed("%s is missing", k)
		}
	}
	keyID := cfg["tenancy"] + "/" + cfg["user"] + "/" + cfg["fingerprint"]
	if cfg["user"] == "" {
		// Session token authentication (oci session authenticate).
		if cfg["security_token_file"] == "" {
			return nil, malformed("user is missing")
		}
		tok, err := read(expandHome(cfg["security_token_file"]), maxKeySize)
		if err != nil {
			return nil, &ConfigError{fmt.Errorf("%s: security_token_file %w", where, err)}
		}
		if strings.TrimSpace(string(tok)) == "" {
			return nil, malformed("security_token_file is empty")
		}
		token(strings.TrimSpace(string(tok)))
		keyID = "ST$" + strings.TrimSpace(string(tok))
	}
	keyPEM, err := read(expandHome(cfg["key_file"]), maxKeySize)
	if err != nil {
		return nil, &ConfigError{fmt.Errorf("%s: key_file %w", where, err)}
	}
	secret(string(keyPEM))
	var phrase *string
	if hasPass {
		phrase = &pass
	}
	key, err := common.PrivateKeyFromBytes(keyPEM, phrase)
	if err != nil {
		// The SDK's texts name the cause (no PEM, wrong pass phrase),
		// never the content.
		return nil, malformed("key_file %s: %v", cfg["key_file"], err)
	}
	region := cfg["region"] // optional: the region parameter or the metadata may supply it
	if !validRegion(region) {
		region = "" // it becomes part of a host name: nothing but a region name
	}
	return &APIKey{keyID: keyID, key: key, region: region}, nil
}

// Region is the profile's region ("" when the file has none).
func (k *APIKey) Region() string { return k.region }

// Signer signs with the API key.
func (k *APIKey) Signer(context.Context) (common.HTTPRequestSigner, error) {
	return redacting{common.DefaultRequestSigner(keyProvider{id: k.keyID, key: k.key})}, nil
}

// Invalidate does nothing: an API key does not expire.
func (k *APIKey) Invalidate() {}

// parseConfig reads one profile of the INI-style config file as the SDK
// does: the profile starts at the first line "[name]" and ends at the next
// "[...]" line; keys are case-insensitive and the value is the rest of the
// line after the first "=" (the OCI CLI's reading: the SDK would cut a
// pass phrase at a second "="). ok is false when the profile is absent.
func parseConfig(content, profile string) (cfg map[string]string, ok bool) {
	in := false
	for _, line := range strings.Split(content, "\n") {
		if name, isSection := section(line); isSection {
			if in {
				break
			}
			in = name == profile
			if in {
				cfg = map[string]string{}
			}
			continue
		}
		k, v, hasEq := strings.Cut(line, "=")
		if in && hasEq {
			cfg[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
		}
	}
	return cfg, cfg != nil
}

// section is the name of a "[name]" line (the SDK's ^\[(.*)\]: up to the
// last "]").
func section(line string) (string, bool) {
	if !strings.HasPrefix(line, "[") {
		return "", false
	}
	end := strings.LastIndexByte(line, ']')
	if end < 0 {
		return "", false
	}
	return line[1:end], true
}

// expandHome expands a leading ~/ as the SDK does.
func expandHome(p string) string {
	if rest, ok := strings.CutPrefix(filepath.Clean(p), "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return p
}

// validRegion accepts region names and keys (us-ashburn-1, iad).
func validRegion(r string) bool {
	for _, c := range r {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return r != "" && len(r) <= 64
}
