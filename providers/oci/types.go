package oci

import (
	"net/http"
)

// The request and response types of the six VirtualNetwork operations
// ocivip uses, with the field names and tags of the SDK's core package, so
// that common.MakeDefaultHTTPRequestWithTaggedStruct and
// common.UnmarshalResponse build and read exactly what core would. The core
// package itself is not imported: it is thousands of files and about a
// minute of compilation per build mode, for six calls.

// PrivateIP is core.PrivateIp (the fields used here).
type PrivateIP struct {
	ID            *string `mandatory:"false" json:"id"`
	IPAddress     *string `mandatory:"false" json:"ipAddress"`
	VnicID        *string `mandatory:"false" json:"vnicId"`
	SubnetID      *string `mandatory:"false" json:"subnetId"`
	IsPrimary     *bool   `mandatory:"false" json:"isPrimary"`
	DisplayName   *string `mandatory:"false" json:"displayName"`
	HostnameLabel *string `mandatory:"false" json:"hostnameLabel"`
	CompartmentID *string `mandatory:"false" json:"compartmentId"`
	IPState       string  `mandatory:"false" json:"ipState,omitempty"`
	Lifetime      string  `mandatory:"false" json:"lifetime,omitempty"`
}

// Vnic is core.Vnic (the fields used here).
type Vnic struct {
	ID             *string `mandatory:"true" json:"id"`
	SubnetID       *string `mandatory:"false" json:"subnetId"`
	MacAddress     *string `mandatory:"false" json:"macAddress"`
	PrivateIP      *string `mandatory:"false" json:"privateIp"`
	IsPrimary      *bool   `mandatory:"false" json:"isPrimary"`
	LifecycleState string  `mandatory:"true" json:"lifecycleState"`
}

type listPrivateIpsRequest struct {
	Limit     *int    `mandatory:"false" contributesTo:"query" name:"limit"`
	Page      *string `mandatory:"false" contributesTo:"query" name:"page"`
	IPAddress *string `mandatory:"false" contributesTo:"query" name:"ipAddress"`
	SubnetID  *string `mandatory:"false" contributesTo:"query" name:"subnetId"`
	VnicID    *string `mandatory:"false" contributesTo:"query" name:"vnicId"`
}

type privateIPIDRequest struct {
	PrivateIPID *string `mandatory:"true" contributesTo:"path" name:"privateIpId"`
}

type privateIPResponse struct {
	RawResponse  *http.Response
	PrivateIP    `presentIn:"body"`
	Etag         *string `presentIn:"header" name:"etag"`
	OpcRequestID *string `presentIn:"header" name:"opc-request-id"`
}

// CreatePrivateIPDetails is core.CreatePrivateIpDetails (the fields used here).
type CreatePrivateIPDetails struct {
	VnicID      *string `mandatory:"false" json:"vnicId"`
	IPAddress   *string `mandatory:"false" json:"ipAddress"`
	DisplayName *string `mandatory:"false" json:"displayName"`
}

type createPrivateIPRequest struct {
	CreatePrivateIPDetails `contributesTo:"body"`
	OpcRetryToken          *string `mandatory:"false" contributesTo:"header" name:"opc-retry-token"`
}

// UpdatePrivateIPDetails is core.UpdatePrivateIpDetails (the fields used here).
type UpdatePrivateIPDetails struct {
	VnicID *string `mandatory:"false" json:"vnicId"`
}

type updatePrivateIPRequest struct {
	PrivateIPID            *string `mandatory:"true" contributesTo:"path" name:"privateIpId"`
	UpdatePrivateIPDetails `contributesTo:"body"`
	IfMatch                *string `mandatory:"false" contributesTo:"header" name:"if-match"`
}

type deletePrivateIPRequest struct {
	PrivateIPID *string `mandatory:"true" contributesTo:"path" name:"privateIpId"`
	IfMatch     *string `mandatory:"false" contributesTo:"header" name:"if-match"`
}

type deleteResponse struct {
	RawResponse  *http.Response
	OpcRequestID *string `presentIn:"header" name:"opc-request-id"`
}

type getVnicRequest struct {
	VnicID *string `mandatory:"true" contributesTo:"path" name:"vnicId"`
}

type vnicResponse struct {
	RawResponse  *http.Response
	Vnic         `presentIn:"body"`
	OpcRequestID *string `presentIn:"header" name:"opc-request-id"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
