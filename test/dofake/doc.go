// Package dofake is a DigitalOcean API and droplet metadata service that
// runs in a test (or standalone through cmd/dofake) on 127.0.0.1.
//
// It speaks the wire format of the real service closely enough that godo
// talks to it unmodified through godo.SetBaseURL: /v2/reserved_ips and
// /v2/floating_ips (get one, list), their actions (assign, unassign, get,
// list), /v2/actions/{id}, the JSON envelopes ("reserved_ip", "action",
// "links", "meta"), error bodies {"id","message","request_id"}, a checked
// Bearer token (401 otherwise) and the ratelimit-* headers.
//
// Each simulated droplet has its own metadata server (/metadata/v1/id,
// /metadata/v1/reserved_ip/ipv4/{active,ip_address}, the floating_ip twins,
// /metadata/v1.json) that reflects the fake's state as actions complete.
//
// Faults are injected on demand (Faults): latency, action delay, errored
// actions, actions in an undocumented status, 422 pending event, locked IPs,
// 429 with Retry-After, 5xx, hangs, the API or a metadata server down. Every
// request is counted per endpoint pattern, so tests can assert how many API
// calls an agent action made.
package dofake
