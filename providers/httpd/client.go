package httpd

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
)

// This is a deliberately small HTTP/1.1 client: one request per
// connection (Connection: close), bodies delimited by Content-Length,
// chunked encoding or the end of the connection, redirects followed.
// net/http would do the same but brings HTTP/2, multipart, cookies and
// the server into every agent process and takes the binary past its 8 MB
// budget; a status check needs none of them.

// response is what the check needs of an answer.
type response struct {
	code   int
	status string // "404 Not Found"
	body   []byte
}

// maxRedirects is what curl -L and net/http allow.
const maxRedirects = 10

// fetch requests u (following redirects) within ctx.
func (p *Probe) fetch(ctx context.Context, method string, u *url.URL) (*response, error) {
	auth := ""
	if p.User != "" || p.Password != "" {
		auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(p.User+":"+p.Password))
	}
	origin := u.Host
	for i := 0; ; i++ {
		resp, loc, err := p.roundTrip(ctx, method, u, auth)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", method, u.Redacted(), err)
		}
		if loc == "" {
			return resp, nil
		}
		if i == maxRedirects {
			return nil, fmt.Errorf("%s %s: more than %d redirects", method, u.Redacted(), maxRedirects)
		}
		next, err := u.Parse(loc)
		if err != nil || (next.Scheme != "http" && next.Scheme != "https") {
			return nil, fmt.Errorf("%s %s: bad redirect to %q", method, u.Redacted(), loc)
		}
		if resp.code == 303 && method != "HEAD" {
			method = "GET"
		}
		if next.Host != origin {
			auth = "" // credentials go to the host they were meant for only
		}
		u = next
	}
}

// roundTrip does one exchange; loc is the Location of a redirect.
func (p *Probe) roundTrip(ctx context.Context, method string, u *url.URL, auth string) (*response, string, error) {
	conn, err := p.dial(ctx, u)
	if err != nil {
		return nil, "", err
	}
	defer conn.Close()
	// Blocked reads and writes end with the context.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
	}
	resp, loc, err := exchange(conn, method, u, auth)
	if err != nil {
		// The connection's deadline is the context's: the same event.
		var ne net.Error
		if ctx.Err() != nil || errors.As(err, &ne) && ne.Timeout() {
			return nil, "", context.DeadlineExceeded
		}
	}
	return resp, loc, err
}

func (p *Probe) dial(ctx context.Context, u *url.URL) (net.Conn, error) {
	host := u.Hostname()
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	bind := net.IPv4(127, 0, 0, 1)
	if ip := net.ParseIP(host); ip != nil {
		if ip.To4() == nil {
			bind = net.IPv6loopback
		}
	} else if p.IPv6 {
		bind = net.IPv6loopback
	}
	// localhost is the loopback address of the chosen family, whatever
	// /etc/hosts says (curl does the same); it also saves a lookup.
	addr := host
	if strings.EqualFold(host, "localhost") {
		addr = bind.String()
	}
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: bind}}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(addr, port))
	if err != nil {
		return nil, err
	}
	if u.Scheme != "https" {
		return conn, nil
	}
	tc, err := p.tlsConfig(host)
	if err != nil {
		conn.Close()
		return nil, err
	}
	tconn := tls.Client(conn, tc)
	if err := tconn.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return tconn, nil
}

func (p *Probe) tlsConfig(host string) (*tls.Config, error) {
	tc := &tls.Config{ServerName: host, InsecureSkipVerify: p.Insecure}
	if p.CAFile != "" {
		pool, err := LoadCAFile(p.CAFile)
		if err != nil {
			return nil, err
		}
		tc.RootCAs = pool
	}
	return tc, nil
}

func exchange(conn net.Conn, method string, u *url.URL, auth string) (*response, string, error) {
	var req strings.Builder
	fmt.Fprintf(&req, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: ocfkit-apache\r\nAccept: */*\r\nConnection: close\r\n", method, u.RequestURI(), u.Host)
	if auth != "" {
		req.WriteString("Authorization: " + auth + "\r\n")
	}
	req.WriteString("\r\n")
	if _, err := io.WriteString(conn, req.String()); err != nil {
		return nil, "", err
	}
	br := bufio.NewReaderSize(conn, 16<<10)
	tp := textproto.NewReader(br)
	var (
		resp *response
		hdr  textproto.MIMEHeader
	)
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return nil, "", fmt.Errorf("reading the answer: %w", err)
		}
		if resp, err = statusLine(line); err != nil {
			return nil, "", err
		}
		if hdr, err = tp.ReadMIMEHeader(); err != nil && !errors.Is(err, io.EOF) {
			return nil, "", fmt.Errorf("reading headers: %w", err)
		}
		if resp.code >= 200 || resp.code == 101 {
			break
		}
		// 1xx interim answers come before the real one.
	}
	switch resp.code {
	case 301, 302, 303, 307, 308:
		if loc := hdr.Get("Location"); loc != "" {
			return resp, loc, nil
		}
	}
	if method == "HEAD" || resp.code == 204 || resp.code == 304 {
		return resp, "", nil
	}
	var body io.Reader = br
	switch {
	case strings.EqualFold(strings.TrimSpace(hdr.Get("Transfer-Encoding")), "chunked"):
		body = &chunked{r: br}
	case hdr.Get("Content-Length") != "":
		n, err := strconv.ParseInt(strings.TrimSpace(hdr.Get("Content-Length")), 10, 64)
		if err != nil || n < 0 {
			return nil, "", fmt.Errorf("bad Content-Length %q", hdr.Get("Content-Length"))
		}
		body = io.LimitReader(br, n)
	}
	b, err := io.ReadAll(io.LimitReader(body, maxBody))
	if err != nil {
		return nil, "", fmt.Errorf("reading the page: %w", err)
	}
	resp.body = b
	return resp, "", nil
}

// statusLine parses "HTTP/1.1 200 OK".
func statusLine(line string) (*response, error) {
	proto, rest, _ := strings.Cut(line, " ")
	if !strings.HasPrefix(proto, "HTTP/1.") {
		return nil, fmt.Errorf("not an HTTP/1.x answer: %q", truncate(line, 60))
	}
	codeText, _, _ := strings.Cut(rest, " ")
	code, err := strconv.Atoi(codeText)
	if err != nil || code < 100 || code > 999 {
		return nil, fmt.Errorf("bad status line %q", truncate(line, 60))
	}
	return &response{code: code, status: strings.TrimSpace(rest)}, nil
}

// chunked decodes a chunked body (RFC 9112, 7.1), trailers skipped.
type chunked struct {
	r    *bufio.Reader
	left int64
	done bool
}

func (c *chunked) Read(b []byte) (int, error) {
	if c.done {
		return 0, io.EOF
	}
	if c.left == 0 {
		line, err := readLine(c.r)
		if err != nil {
			return 0, err
		}
		size, _, _ := strings.Cut(line, ";")
		n, err := strconv.ParseInt(strings.TrimSpace(size), 16, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("bad chunk size %q", truncate(line, 20))
		}
		if n == 0 {
			c.done = true
			for { // trailers, up to the empty line
				l, err := readLine(c.r)
				if err != nil || l == "" {
					return 0, io.EOF
				}
			}
		}
		c.left = n
	}
	if int64(len(b)) > c.left {
		b = b[:c.left]
	}
	n, err := c.r.Read(b)
	c.left -= int64(n)
	if c.left == 0 && err == nil {
		if l, lerr := readLine(c.r); lerr != nil || l != "" {
			return n, errors.New("chunk not followed by CRLF")
		}
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// readLine reads one CRLF (or LF) terminated line of bounded length.
func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return "", errors.New("line too long")
		}
		if errors.Is(err, io.EOF) {
			return "", io.ErrUnexpectedEOF
		}
		return "", err
	}
	return strings.TrimRight(string(line), "\r\n"), nil
}
