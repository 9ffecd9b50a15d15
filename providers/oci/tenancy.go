package oci

// Tenancy is the tenancy OCID of the API key's profile ("" if the file
// has none): the root compartment, where a fence agent looks for
// instances unless told otherwise.
func (k *APIKey) Tenancy() string {
	t, err := k.provider.TenancyOCID()
	if err != nil {
		return ""
	}
	return t
}
