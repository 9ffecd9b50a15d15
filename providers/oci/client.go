// Package oci drives the parts of Oracle Cloud Infrastructure that ocivip
// needs: the instance metadata service v2, authentication (API keys from
// the standard config file, or instance principals with a security token
// cached across invocations) and six VirtualNetwork operations on private
// IPs. It uses the oci-go-sdk common package for request building, signing
// and response parsing; every call takes the action's context and is
// retried with backoff only within its deadline.
package oci

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/oracle/oci-go-sdk/v65/common"

	"github.com/ocfkit/ocfkit/internal/clock"
	"github.com/ocfkit/ocfkit/providers/fault"
)

// Credentials sign API requests.
type Credentials interface {
	// Signer returns a signer valid now; instance principals may federate
	// first, within ctx.
	Signer(ctx context.Context) (common.HTTPRequestSigner, error)
	// Invalidate forgets cached credentials after the API refused them.
	Invalidate()
}

// Client calls the VirtualNetwork API.
//
// The SDK's own retry policy and circuit breaker are not used: calls go
// through BaseClient.CallWithDetails, which has neither, and this client
// retries 429, 5xx, 409 IncorrectState and transport errors itself with
// capped exponential backoff that never sleeps past the context deadline.
// (common.Retry leaves its goroutine running after the deadline and reads
// its result unsynchronised.)
type Client struct {
	Endpoint   string // e.g. https://iaas.us-ashburn-1.oraclecloud.com
	Creds      Credentials
	HTTP       *http.Client  // nil: default transport, proxy from the environment
	MaxBackoff time.Duration // longest pause between retries, default 3s
	Calls      int           // HTTP requests made, for logs and tests
}

// APIError is an answer of the API other than success.
type APIError struct {
	Op        string
	Status    int
	Code      string
	Message   string
	RequestID string
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("%s: HTTP %d %s: %s", e.Op, e.Status, e.Code, e.Message)
	if e.RequestID != "" {
		s += " (opc-request-id " + e.RequestID + ")"
	}
	return s
}

// AuthError means no credentials could be obtained (federation or
// instance identity failing), as opposed to the API refusing a call.
type AuthError struct{ Err error }

func (e *AuthError) Error() string { return "authentication: " + e.Err.Error() }
func (e *AuthError) Unwrap() error { return e.Err }

// Is: credentials that could not be obtained are fault.ErrUnauthorized.
func (e *AuthError) Is(target error) bool { return target == fault.ErrUnauthorized }

// Is puts an API answer in its class of the shared vocabulary: 404
// (NotAuthorizedOrNotFound) is fault.ErrNotFound, 401 and 403
// fault.ErrUnauthorized, 409 and 429 fault.ErrBusy, 5xx fault.ErrUnreachable.
func (e *APIError) Is(target error) bool {
	switch {
	case e.Status == 404:
		return target == fault.ErrNotFound
	case e.Status == 401 || e.Status == 403:
		return target == fault.ErrUnauthorized
	case e.Status == 409 || e.Status == 429:
		return target == fault.ErrBusy
	case e.Status >= 500:
		return target == fault.ErrUnreachable
	}
	return false
}

// IsNotFound reports a 404 (OCI answers NotAuthorizedOrNotFound for both).
func IsNotFound(err error) bool {
	var a *APIError
	return errors.As(err, &a) && a.Status == http.StatusNotFound
}

func retryable(a *APIError) bool {
	return a.Status == http.StatusTooManyRequests || a.Status >= 500 ||
		a.Status == http.StatusConflict && a.Code == "IncorrectState"
}

var apiTransport = &http.Transport{
	Proxy:                 http.ProxyFromEnvironment,
	DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
	TLSHandshakeTimeout:   10 * time.Second,
	ResponseHeaderTimeout: 0, // the action's context bounds every call
	MaxIdleConns:          4,
	ForceAttemptHTTP2:     true,
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return &http.Client{Transport: apiTransport}
}

// call sends one operation, retrying what is transient while ctx allows.
func (c *Client) call(ctx context.Context, op, method, path string, req, resp any) error {
	base := common.BaseClient{
		HTTPClient: c.httpClient(),
		Host:       c.Endpoint,
		BasePath:   "20160918",
		UserAgent:  "ocfkit-ocivip (oci-go-sdk/" + common.Version() + ")",
	}
	backoff := 200 * time.Millisecond
	maxBackoff := c.MaxBackoff
	if maxBackoff <= 0 {
		maxBackoff = 3 * time.Second
	}
	reauthed := false
	for attempt := 1; ; attempt++ {
		signer, err := c.Creds.Signer(ctx)
		if err != nil {
			return &AuthError{Err: err}
		}
		hreq, err := common.MakeDefaultHTTPRequestWithTaggedStruct(method, path, req)
		if err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		c.Calls++
		res, err := base.CallWithDetails(ctx, &hreq, common.ClientCallDetails{Signer: signer})
		if err == nil {
			err = common.UnmarshalResponse(res, resp)
			common.CloseBodyIfValid(res)
			if err != nil {
				return fmt.Errorf("%s: reading the answer: %w", op, err)
			}
			return nil
		}
		common.CloseBodyIfValid(res)
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w (after %d attempts)", op, ctx.Err(), attempt)
		}
		var wait time.Duration
		if se, ok := common.IsServiceError(err); ok {
			a := &APIError{Op: op, Status: se.GetHTTPStatusCode(), Code: se.GetCode(), Message: se.GetMessage(), RequestID: se.GetOpcRequestID()}
			if a.Status == http.StatusUnauthorized && !reauthed {
				// A cached security token can be revoked or outlive the
				// fake/real service's memory: federate once more.
				c.Creds.Invalidate()
				reauthed = true
				continue
			}
			if !retryable(a) {
				return a
			}
			err = a
			if res != nil {
				if s, perr := strconv.Atoi(res.Header.Get("Retry-After")); perr == nil && s > 0 {
					wait = time.Duration(s) * time.Second
				}
			}
		} else {
			if !transient(err) {
				return fmt.Errorf("%s: %w", op, err)
			}
			err = fmt.Errorf("%s: %w", op, err)
		}
		if wait == 0 {
			wait = backoff/2 + rand.N(backoff/2+1)
			backoff = min(backoff*2, maxBackoff)
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return fmt.Errorf("%w (gave up after %d attempts: the next retry would pass the action deadline)", err, attempt)
		}
		if cerr := clock.Sleep(ctx, wait); cerr != nil {
			return fmt.Errorf("%w (after %d attempts: %v)", err, attempt, cerr)
		}
	}
}

// ListPrivateIPs lists private IPs by ipAddress+subnetID, subnetID or
// vnicID, following opc-next-page.
func (c *Client) ListPrivateIPs(ctx context.Context, ipAddress, subnetID, vnicID string) ([]PrivateIP, error) {
	return listAll[PrivateIP](ctx, c, "ListPrivateIps", "/privateIps", func(page *string) any {
		return listPrivateIpsRequest{IPAddress: opt(ipAddress), SubnetID: opt(subnetID), VnicID: opt(vnicID), Page: page}
	})
}

// listResponse is one page of a List operation's answer.
type listResponse[T any] struct {
	RawResponse  *http.Response
	Items        []T     `presentIn:"body"`
	OpcNextPage  *string `presentIn:"header" name:"opc-next-page"`
	OpcRequestID *string `presentIn:"header" name:"opc-request-id"`
}

// maxPages bounds a list: a service that always answers opc-next-page
// must not keep an action listing until its deadline.
const maxPages = 1000

// listAll calls the List operation op at path page after page, following
// opc-next-page; req is the request for a page (nil: the first).
func listAll[T any](ctx context.Context, c *Client, op, path string, req func(page *string) any) ([]T, error) {
	var all []T
	var page *string
	for pages := 1; ; pages++ {
		var resp listResponse[T]
		if err := c.call(ctx, op, http.MethodGet, path, req(page), &resp); err != nil {
			return nil, err
		}
		all = append(all, resp.Items...)
		if str(resp.OpcNextPage) == "" {
			return all, nil
		}
		if pages >= maxPages {
			return nil, fmt.Errorf("%s: more than %d pages", op, maxPages)
		}
		page = resp.OpcNextPage
	}
}

// GetPrivateIP reads one private IP.
func (c *Client) GetPrivateIP(ctx context.Context, id string) (*PrivateIP, error) {
	var resp privateIPResponse
	err := c.call(ctx, "GetPrivateIp", http.MethodGet, "/privateIps/{privateIpId}", privateIPIDRequest{PrivateIPID: &id}, &resp)
	if err != nil {
		return nil, err
	}
	return &resp.PrivateIP, nil
}

// CreatePrivateIP assigns ipAddress to the VNIC as a secondary private IP.
// The retry token makes a retried create idempotent on the service side.
func (c *Client) CreatePrivateIP(ctx context.Context, vnicID, ipAddress, displayName string) (*PrivateIP, error) {
	token := common.RetryToken()
	req := createPrivateIPRequest{
		CreatePrivateIPDetails: CreatePrivateIPDetails{VnicID: &vnicID, IPAddress: &ipAddress, DisplayName: opt(displayName)},
		OpcRetryToken:          &token,
	}
	var resp privateIPResponse
	if err := c.call(ctx, "CreatePrivateIp", http.MethodPost, "/privateIps", req, &resp); err != nil {
		return nil, err
	}
	return &resp.PrivateIP, nil
}

// MovePrivateIP reassigns a secondary private IP to vnicID.
func (c *Client) MovePrivateIP(ctx context.Context, id, vnicID string) (*PrivateIP, error) {
	req := updatePrivateIPRequest{PrivateIPID: &id, UpdatePrivateIPDetails: UpdatePrivateIPDetails{VnicID: &vnicID}}
	var resp privateIPResponse
	if err := c.call(ctx, "UpdatePrivateIp", http.MethodPut, "/privateIps/{privateIpId}", req, &resp); err != nil {
		return nil, err
	}
	return &resp.PrivateIP, nil
}

// DeletePrivateIP unassigns and deletes a secondary private IP.
func (c *Client) DeletePrivateIP(ctx context.Context, id string) error {
	var resp deleteResponse
	return c.call(ctx, "DeletePrivateIp", http.MethodDelete, "/privateIps/{privateIpId}", deletePrivateIPRequest{PrivateIPID: &id}, &resp)
}

// GetVnic reads a VNIC.
func (c *Client) GetVnic(ctx context.Context, id string) (*Vnic, error) {
	var resp vnicResponse
	if err := c.call(ctx, "GetVnic", http.MethodGet, "/vnics/{vnicId}", getVnicRequest{VnicID: &id}, &resp); err != nil {
		return nil, err
	}
	return &resp.Vnic, nil
}

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// transient says whether a transport error may go away by itself (refused,
// reset, timed out, cut short) rather than being a certificate or
// configuration problem that retrying only repeats.
func transient(err error) bool {
	var (
		unknownCA   x509.UnknownAuthorityError
		invalidCert x509.CertificateInvalidError
		hostname    x509.HostnameError
		verify      *tls.CertificateVerificationError
		header      tls.RecordHeaderError
	)
	if errors.As(err, &unknownCA) || errors.As(err, &invalidCert) || errors.As(err, &hostname) ||
		errors.As(err, &verify) || errors.As(err, &header) {
		return false
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}
