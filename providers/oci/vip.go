package oci

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// Assignment says what Assign had to do.
type Assignment int

const (
	AlreadyAssigned Assignment = iota // the IP was on the VNIC: no write
	Created                           // the IP was unassigned: CreatePrivateIp
	Moved                             // the IP was on another VNIC: UpdatePrivateIp
)

func (a Assignment) String() string {
	return [...]string{"already assigned", "created", "moved"}[a]
}

// FindPrivateIP returns the private IP object with address ip in the
// subnet, or nil when the address is not assigned to any VNIC. One
// ListPrivateIps call (more only if the service pages a one-item answer).
func (c *Client) FindPrivateIP(ctx context.Context, ip, subnetID string) (*PrivateIP, error) {
	items, err := c.ListPrivateIPs(ctx, ip, subnetID, "")
	if err != nil {
		return nil, err
	}
	for i := range items {
		if str(items[i].IPAddress) == ip {
			return &items[i], nil
		}
	}
	return nil, nil
}

// Assign makes ip a secondary private IP of vnicID: nothing when it is
// already there, a move when it is on another VNIC, a create when it is
// nowhere. At most two API calls, three if someone else creates the same
// address between our list and our create.
func (c *Client) Assign(ctx context.Context, ip, subnetID, vnicID, displayName string) (Assignment, error) {
	p, err := c.FindPrivateIP(ctx, ip, subnetID)
	if err != nil {
		return 0, err
	}
	if p == nil {
		_, err := c.CreatePrivateIP(ctx, vnicID, ip, displayName)
		var a *APIError
		if !errors.As(err, &a) || a.Status != http.StatusConflict {
			return Created, err
		}
		// Created elsewhere meanwhile: find it and move it.
		if p, err = c.FindPrivateIP(ctx, ip, subnetID); err != nil {
			return 0, err
		}
		if p == nil {
			return 0, a
		}
	}
	switch {
	case str(p.VnicID) == vnicID:
		return AlreadyAssigned, nil
	case p.IsPrimary != nil && *p.IsPrimary:
		return 0, fmt.Errorf("%s is the primary private IP of VNIC %s and cannot be moved", ip, str(p.VnicID))
	}
	_, err = c.MovePrivateIP(ctx, str(p.ID), vnicID)
	return Moved, err
}

// Unassign deletes the secondary private IP ip if, and only if, it is
// still on vnicID. It reports whether it deleted it.
func (c *Client) Unassign(ctx context.Context, ip, subnetID, vnicID string) (bool, error) {
	p, err := c.FindPrivateIP(ctx, ip, subnetID)
	if err != nil || p == nil || str(p.VnicID) != vnicID || (p.IsPrimary != nil && *p.IsPrimary) {
		return false, err
	}
	err = c.DeletePrivateIP(ctx, str(p.ID))
	if IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}
