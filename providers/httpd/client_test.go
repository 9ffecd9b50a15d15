package httpd

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// raw serves each connection the canned answer after reading the request
// head, and hands the request to seen.
func raw(t *testing.T, answer string, seen chan<- string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				var head strings.Builder
				for {
					line, err := br.ReadString('\n')
					head.WriteString(line)
					if err != nil || line == "\r\n" {
						break
					}
				}
				if seen != nil {
					seen <- head.String()
				}
				io.WriteString(c, answer)
			}()
		}
	}()
	return "http://" + l.Addr().String()
}

func TestClientBodies(t *testing.T) {
	tests := []struct {
		name, answer, body string
		code               int
		wantErr            string
	}{
		{"content-length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello and more", "hello", 200, ""},
		{"until close", "HTTP/1.0 200 OK\r\n\r\nall of it\n", "all of it\n", 200, ""},
		{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n6\r\npedia \r\n0\r\nTrailer: x\r\n\r\n", "Wikipedia ", 200, ""},
		{"interim 100 first", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", "", 204, ""},
		{"no end of headers", "HTTP/1.1 500 Oops\r\n", "", 0, "unexpected EOF"},
		{"bad chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "", 0, "reading the page"},
		{"short chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc", "", 0, "reading the page"},
		{"not http", "SSH-2.0-OpenSSH\r\n\r\n", "", 0, "malformed HTTP"},
		{"bad status", "HTTP/1.1 abc\r\n\r\n", "", 0, "malformed HTTP status code"},
		{"bad length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "", 0, "Content-Length"},
		{"silence", "", "", 0, "EOF"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := raw(t, tc.answer, nil)
			u, _ := url.Parse(base + "/x")
			resp, err := (&Probe{}).fetch(context.Background(), "GET", u)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.code, resp.code)
			assert.Equal(t, tc.body, string(resp.body))
		})
	}
}

func TestClientRequest(t *testing.T) {
	seen := make(chan string, 1)
	base := raw(t, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", seen)
	u, _ := url.Parse(base + "/server-status?auto")
	_, err := (&Probe{User: "u", Password: "p"}).fetch(context.Background(), "GET", u)
	require.NoError(t, err)
	head := <-seen
	assert.True(t, strings.HasPrefix(head, "GET /server-status?auto HTTP/1.1\r\n"), head)
	assert.Contains(t, head, "\r\nHost: "+u.Host+"\r\n")
	assert.Contains(t, head, "\r\nConnection: close\r\n")
	assert.Contains(t, head, "\r\nAuthorization: Basic dTpw\r\n")
}

func TestClientRedirects(t *testing.T) {
	var other *httptest.Server
	other = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _, auth := r.BasicAuth()
		fmt.Fprintf(w, "auth=%v method=%s", auth, r.Method)
	}))
	t.Cleanup(other.Close)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/away":
			http.Redirect(w, r, other.URL+"/there", http.StatusSeeOther)
		case "/ftp":
			http.Redirect(w, r, "ftp://x/", http.StatusFound)
		case "/here":
			_, _, auth := r.BasicAuth()
			fmt.Fprintf(w, "auth=%v", auth)
		default:
			http.Redirect(w, r, "/here", http.StatusMovedPermanently)
		}
	}))
	t.Cleanup(srv.Close)
	get := func(path string) (*response, error) {
		u, _ := url.Parse(srv.URL + path)
		return (&Probe{User: "u", Password: "pw"}).fetch(context.Background(), "POST", u)
	}
	resp, err := get("/start")
	require.NoError(t, err)
	assert.Equal(t, "auth=true", string(resp.body), "same host keeps credentials")
	resp, err = get("/away")
	require.NoError(t, err)
	assert.Equal(t, "auth=false method=GET", string(resp.body), "another host gets none; 303 turns into GET")
	_, err = get("/loop")
	require.ErrorContains(t, err, "more than 10 redirects")
	_, err = get("/ftp")
	require.ErrorContains(t, err, "bad redirect")
}

func TestClientSlowServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	conns := make(chan net.Conn, 16)
	t.Cleanup(func() {
		l.Close()
		close(conns)
		for c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns <- c // accept, then say nothing
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	u, _ := url.Parse("https://" + l.Addr().String() + "/")
	start := time.Now()
	_, err = (&Probe{}).fetch(ctx, "GET", u)
	require.ErrorIs(t, err, context.DeadlineExceeded, "a TLS handshake that never comes ends with the context")
	assert.Less(t, time.Since(start), 3*time.Second)
}
