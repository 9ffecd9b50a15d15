// Package digitalocean drives DigitalOcean reserved (formerly floating) IPs
// through the API with godo, and reads the droplet metadata service with
// net/http.
//
// Every call takes a context and finishes by its deadline. API calls retry
// by themselves what is worth retrying within that deadline: 429 after
// Retry-After or ratelimit-reset, 5xx and network errors with exponential
// backoff. The errors returned carry a Kind, so that a caller can tell an
// answer ("the IP is on droplet 7", "no such IP") from no answer
// (Unreachable): only an answer is evidence.
//
// The API token is read from a file that only root may read (ReadTokenFile)
// and is held in a Token, which prints as "[redacted]". It travels only in
// the Authorization header: never in a URL, an error text or a log line.
// https endpoints are always verified; plain http is accepted for loopback
// addresses only (the test fakes), so a token never crosses a network
// unencrypted.
package digitalocean
