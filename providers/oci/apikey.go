package oci

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/oracle/oci-go-sdk/v65/common"
)

// ConfigError is a problem with the node's OCI configuration (config file,
// key file) rather than with the cloud.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// APIKey signs with a user's API key from the standard OCI config file
// (user, fingerprint, tenancy, region, key_file, pass_phrase). The key is
// read from disk when the credentials are loaded, never passed around.
type APIKey struct {
	provider common.ConfigurationProvider
	region   string
}

// LoadAPIKey reads profile (default DEFAULT) of the config file and checks
// that the key file can be read and parsed.
func LoadAPIKey(configFile, profile string) (*APIKey, error) {
	if profile == "" {
		profile = "DEFAULT"
	}
	if configFile == "" {
		return nil, &ConfigError{errors.New("config_file is required with auth=api_key")}
	}
	if _, err := os.Stat(configFile); err != nil {
		return nil, &ConfigError{fmt.Errorf("config_file %s: %w", configFile, errors.Unwrap(err))}
	}
	p, err := common.ConfigurationProviderFromFileWithProfile(configFile, profile, "")
	if err != nil {
		return nil, &ConfigError{fmt.Errorf("config_file %s: %w", configFile, err)}
	}
	if _, err := p.KeyID(); err != nil {
		return nil, &ConfigError{fmt.Errorf("config_file %s profile %s: %w", configFile, profile, err)}
	}
	if kf := keyFileOf(configFile, profile); kf != "" {
		// Checked here so that a missing or unreadable key is told apart
		// (the SDK's error flattens the cause).
		f, err := os.Open(kf)
		if err != nil {
			return nil, &ConfigError{fmt.Errorf("config_file %s profile %s: key_file: %w", configFile, profile, err)}
		}
		f.Close()
	}
	if _, err := p.PrivateRSAKey(); err != nil {
		return nil, &ConfigError{fmt.Errorf("config_file %s profile %s: key_file: %w", configFile, profile, err)}
	}
	region, _ := p.Region() // optional: the region parameter or the metadata may supply it
	return &APIKey{provider: p, region: region}, nil
}

// Region is the profile's region ("" when the file has none).
func (k *APIKey) Region() string { return k.region }

// Signer signs with the API key.
func (k *APIKey) Signer(context.Context) (common.HTTPRequestSigner, error) {
	return common.DefaultRequestSigner(k.provider), nil
}

// Invalidate does nothing: an API key does not expire.
func (k *APIKey) Invalidate() {}

// keyFileOf is the key_file of profile in the INI-style config file ("" if
// none), with ~ expanded as the SDK does.
func keyFileOf(configFile, profile string) string {
	b, err := os.ReadFile(configFile)
	if err != nil {
		return ""
	}
	section := ""
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = strings.TrimSpace(line[1 : len(line)-1])
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if ok && section == profile && strings.TrimSpace(k) == "key_file" {
			v = strings.TrimSpace(v)
			if rest, ok := strings.CutPrefix(v, "~/"); ok {
				if home, err := os.UserHomeDir(); err == nil {
					v = filepath.Join(home, rest)
				}
			}
			return v
		}
	}
	return ""
}
