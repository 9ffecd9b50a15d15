package oci

import "strings"

// Tenancy is the tenancy OCID of the API key's profile ("" for a session
// token): the root compartment, where a fence agent looks for instances
// unless told otherwise. The key id is tenancy/user/fingerprint.
func (k *APIKey) Tenancy() string {
	if strings.HasPrefix(k.keyID, "ST$") {
		return ""
	}
	t, _, _ := strings.Cut(k.keyID, "/")
	return t
}
