package ocifake

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A page is a window of the list with opc-next-page while more follow,
// and an empty one is [] (the SDK reads a list, never null).
func TestWritePage(t *testing.T) {
	f := New(Options{})
	req := httptest.NewRequest(http.MethodGet, "/x", nil)
	for _, tc := range []struct {
		p     paging
		items []int
		body  string
		next  bool
	}{
		{paging{limit: 2}, nil, "[]\n", false},
		{paging{limit: 2}, []int{1, 2, 3}, "[1,2]\n", true},
		{paging{start: 2, limit: 2}, []int{1, 2, 3}, "[3]\n", false},
		{paging{start: 9, limit: 2}, []int{1, 2, 3}, "[]\n", false},
	} {
		w := httptest.NewRecorder()
		writePage(f, w, req, tc.p, tc.items)
		assert.Equal(t, 200, w.Code)
		assert.Equal(t, tc.body, w.Body.String(), "%+v %v", tc.p, tc.items)
		assert.Equal(t, tc.next, w.Header().Get("opc-next-page") != "", "%+v %v", tc.p, tc.items)
	}
}
