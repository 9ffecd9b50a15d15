package oci

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/oracle/oci-go-sdk/v65/common"

	"github.com/ocfkit/ocfkit/internal/clock"
)

// The Compute operations a fence agent uses, with the field names and
// tags of the SDK's core.Instance, ListInstancesRequest, GetInstanceRequest
// and InstanceActionRequest (see types.go for why core is not imported).

// ComputeInstance is core.Instance (the fields used here).
type ComputeInstance struct {
	ID                 *string `mandatory:"true" json:"id"`
	DisplayName        *string `mandatory:"false" json:"displayName"`
	CompartmentID      *string `mandatory:"true" json:"compartmentId"`
	AvailabilityDomain *string `mandatory:"true" json:"availabilityDomain"`
	LifecycleState     string  `mandatory:"true" json:"lifecycleState"`
}

// Instance lifecycle states the API documents.
const (
	InstanceMoving        = "MOVING"
	InstanceProvisioning  = "PROVISIONING"
	InstanceRunning       = "RUNNING"
	InstanceStarting      = "STARTING"
	InstanceStopping      = "STOPPING"
	InstanceStopped       = "STOPPED"
	InstanceCreatingImage = "CREATING_IMAGE"
	InstanceTerminating   = "TERMINATING"
	InstanceTerminated    = "TERMINATED"
)

// Instance actions. A fence agent uses Stop (an immediate power off),
// never SoftStop, which asks the guest OS and waits for it.
const (
	ActionStop      = "STOP"
	ActionStart     = "START"
	ActionReset     = "RESET"
	ActionSoftStop  = "SOFTSTOP"
	ActionSoftReset = "SOFTRESET"
)

// ErrNoInstance: no instance has the display name or OCID asked for.
var ErrNoInstance = errors.New("no such instance")

// ErrAmbiguous: more than one instance has the display name asked for.
var ErrAmbiguous = errors.New("more than one instance has this display name")

type listInstancesRequest struct {
	CompartmentID *string `mandatory:"true" contributesTo:"query" name:"compartmentId"`
	DisplayName   *string `mandatory:"false" contributesTo:"query" name:"displayName"`
	Limit         *int    `mandatory:"false" contributesTo:"query" name:"limit"`
	Page          *string `mandatory:"false" contributesTo:"query" name:"page"`
}

type getInstanceRequest struct {
	InstanceID *string `mandatory:"true" contributesTo:"path" name:"instanceId"`
}

type instanceActionRequest struct {
	InstanceID    *string `mandatory:"true" contributesTo:"path" name:"instanceId"`
	Action        *string `mandatory:"true" contributesTo:"query" name:"action"`
	OpcRetryToken *string `mandatory:"false" contributesTo:"header" name:"opc-retry-token"`
}

type instanceResponse struct {
	RawResponse     *http.Response
	ComputeInstance `presentIn:"body"`
	Etag            *string `presentIn:"header" name:"etag"`
	OpcRequestID    *string `presentIn:"header" name:"opc-request-id"`
}

// ListInstances lists the instances of a compartment (with displayName, only
// those with that display name), following opc-next-page.
func (c *Client) ListInstances(ctx context.Context, compartment, displayName string) ([]ComputeInstance, error) {
	return listAll[ComputeInstance](ctx, c, "ListInstances", "/instances", func(page *string) any {
		return listInstancesRequest{CompartmentID: &compartment, DisplayName: opt(displayName), Page: page}
	})
}

// GetInstance reads one instance; one that does not exist is ErrNoInstance.
func (c *Client) GetInstance(ctx context.Context, id string) (*ComputeInstance, error) {
	var resp instanceResponse
	err := c.call(ctx, "GetInstance", http.MethodGet, "/instances/{instanceId}", getInstanceRequest{InstanceID: &id}, &resp)
	if IsNotFound(err) {
		return nil, fmt.Errorf("%s: %w (%v)", id, ErrNoInstance, err)
	}
	if err != nil {
		return nil, err
	}
	return &resp.ComputeInstance, nil
}

// InstanceAction posts a power action (ActionStop, ActionStart, ...). The
// retry token makes a retried post one action on the service side.
func (c *Client) InstanceAction(ctx context.Context, id, action string) (*ComputeInstance, error) {
	token := common.RetryToken()
	req := instanceActionRequest{InstanceID: &id, Action: &action, OpcRetryToken: &token}
	var resp instanceResponse
	if err := c.call(ctx, "InstanceAction", http.MethodPost, "/instances/{instanceId}", req, &resp); err != nil {
		return nil, err
	}
	return &resp.ComputeInstance, nil
}

// IsInstanceOCID says whether s names an instance by OCID.
func IsInstanceOCID(s string) bool { return strings.HasPrefix(s, "ocid1.instance.") }

// FindInstance resolves what a person or Pacemaker names an instance by:
// its OCID, or its display name in compartment (exactly one instance that
// is not terminated must have it).
func (c *Client) FindInstance(ctx context.Context, compartment, plug string) (*ComputeInstance, error) {
	if IsInstanceOCID(plug) {
		return c.GetInstance(ctx, plug)
	}
	if compartment == "" {
		return nil, fmt.Errorf("%q is not an instance OCID, and finding an instance by display name needs the compartment", plug)
	}
	items, err := c.ListInstances(ctx, compartment, plug)
	if err != nil {
		return nil, err
	}
	var match []ComputeInstance
	for _, in := range items {
		// A terminated instance keeps its name for a while; it is not
		// the machine anyone means.
		if str(in.DisplayName) == plug && in.LifecycleState != InstanceTerminated {
			match = append(match, in)
		}
	}
	switch len(match) {
	case 0:
		return nil, fmt.Errorf("%q: %w", plug, ErrNoInstance)
	case 1:
		return &match[0], nil
	}
	var ids []string
	for _, in := range match {
		ids = append(ids, str(in.ID))
	}
	return nil, fmt.Errorf("%q (%s): %w; use the instance OCID", plug, strings.Join(ids, ", "), ErrAmbiguous)
}

// InstanceName is the display name of in ("" if none).
func InstanceName(in *ComputeInstance) string { return str(in.DisplayName) }

// InstanceID is the OCID of in.
func InstanceID(in *ComputeInstance) string { return str(in.ID) }

// Polling says how SetPower waits for the API to report the new state.
type Polling struct {
	AfterPost   time.Duration // waited once after each accepted action (power_wait)
	MaxInterval time.Duration // longest pause between polls; 0 means 1 s
}

func (p Polling) delay(n int) time.Duration {
	m := p.MaxInterval
	if m <= 0 {
		m = time.Second
	}
	d := []time.Duration{100 * time.Millisecond, 250 * time.Millisecond, 500 * time.Millisecond}
	if n <= len(d) {
		return min(d[n-1], m)
	}
	return m
}

// SetPower drives instance in (as the caller last read it) to STOPPED (on=false, with STOP: an
// immediate power off, never SOFTSTOP) or RUNNING (START), and returns
// once GetInstance reports that state. already is true when it was in
// that state at the first look. A TERMINATED instance counts as stopped:
// it cannot run again. Transitional states are polled through; an action
// refused with 409 (the instance is busy) is retried by the client; all
// within ctx. Without the API's word, it fails.
func (c *Client) SetPower(ctx context.Context, in *ComputeInstance, on bool, p Polling) (already bool, err error) {
	id := str(in.ID)
	want, action := InstanceStopped, ActionStop
	if on {
		want, action = InstanceRunning, ActionStart
	}
	reached := func(in *ComputeInstance) bool {
		return in.LifecycleState == want || !on && in.LifecycleState == InstanceTerminated
	}
	if reached(in) {
		return true, nil
	}
	for {
		// STOP on a STOPPING instance, or START on a STARTING one, is
		// harmless: the service answers with the instance as it is.
		if !(on && in.LifecycleState == InstanceStarting) && !(!on && in.LifecycleState == InstanceStopping) {
			if in, err = c.InstanceAction(ctx, id, action); err != nil {
				return false, err
			}
			if reached(in) {
				return false, nil
			}
			if p.AfterPost > 0 {
				if err := clock.Sleep(ctx, p.AfterPost); err != nil {
					return false, fmt.Errorf("instance %s is %s, not %s, at the deadline", id, in.LifecycleState, want)
				}
			}
		}
		for n := 1; ; n++ {
			if err := clock.Sleep(ctx, p.delay(n)); err != nil {
				return false, fmt.Errorf("instance %s is %s, not %s, at the deadline", id, in.LifecycleState, want)
			}
			if in, err = c.GetInstance(ctx, id); err != nil {
				return false, err
			}
			if reached(in) {
				return false, nil
			}
			// Someone (or the service) moved it the other way, or it
			// settled in a state that is not ours: act again.
			if on && in.LifecycleState == InstanceStopped || !on && in.LifecycleState == InstanceRunning {
				break
			}
		}
	}
}

// CheckAccess checks that the API answers and the credentials may list
// instances in compartment (one ListInstances call of one item), touching
// no instance.
func (c *Client) CheckAccess(ctx context.Context, compartment string) error {
	limit := 1
	var resp listResponse[ComputeInstance]
	return c.call(ctx, "ListInstances", http.MethodGet, "/instances",
		listInstancesRequest{CompartmentID: &compartment, Limit: &limit}, &resp)
}
