package ocifake

import (
	"encoding/base64"
	"net/http"
	"strconv"
)

// paging is a list request's limit and page token, read as the service
// reads them; the token is the index of the page's first item.
type paging struct{ start, limit int }

// pagingOf reads limit (1-1000, the fake's PageSize when unset) and page;
// a bad value is answered with 400 and ok false.
func (f *Fake) pagingOf(w http.ResponseWriter, r *http.Request) (p paging, ok bool) {
	q := r.URL.Query()
	p.limit = f.opt.PageSize
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 1000 {
			f.writeError(w, r, http.StatusBadRequest, "InvalidParameter", "limit must be between 1 and 1000")
			return p, false
		}
		p.limit = n
	}
	if pg := q.Get("page"); pg != "" {
		b, err := base64.RawURLEncoding.DecodeString(pg)
		n, err2 := strconv.Atoi(string(b))
		if err != nil || err2 != nil || n < 0 {
			f.writeError(w, r, http.StatusBadRequest, "InvalidParameter", "invalid page token")
			return p, false
		}
		p.start = n
	}
	return p, true
}

// window is the page's part [start, end) of n items, with opc-next-page
// set when more follow.
func (p paging) window(w http.ResponseWriter, n int) (start, end int) {
	start, end = min(p.start, n), min(p.start+p.limit, n)
	if end < n {
		w.Header().Set("opc-next-page", base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end))))
	}
	return start, end
}

// writePage answers the page of items that p asks for, as a JSON array
// (an empty page is [], never null: the SDK reads a list).
func writePage[T any](f *Fake, w http.ResponseWriter, r *http.Request, p paging, items []T) {
	start, end := p.window(w, len(items))
	f.writeJSON(w, r, 200, append([]T{}, items[start:end]...), 0)
}
