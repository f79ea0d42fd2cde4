package httpapi

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
)

// folderCreate handles POST /v1/folder/create.
func (s *Server) folderCreate(ctx context.Context, req *api.FolderCreateRequest) (any, string, error) {
	o, err := s.svc.CreateFolder(ctx, share.FolderInput{BucketID: req.BucketID, Name: req.Name, ParentID: req.ParentID,
		Folder: req.Folder, FileTTL: req.FileTTL, Metadata: req.Metadata, Tags: req.Tags})
	if err != nil {
		return nil, "", err
	}
	return api.ObjectResult{Object: wireObject(o)}, "Folder created", nil
}

// list handles POST /v1/list.
func (s *Server) list(ctx context.Context, req *api.ListRequest) (any, string, error) {
	page, err := s.svc.ListObjects(ctx, share.ListRequest{BucketID: req.BucketID, Filter: req.Filter, Last: req.Last,
		Order: req.Order, OrderBy: req.OrderBy, Size: req.Size, Count: req.ExtCount})
	if err != nil {
		return nil, "", err
	}
	return api.ListResult{
			Count:        page.Count.N,
			Last:         page.Last,
			Objects:      wireObjects(page.Items),
			ExtCountInfo: extCount(req.ExtCount, page.Count),
		},
		fmt.Sprintf(
			"Listed %d of %s object(s)",
			len(page.Items),
			countText(page.Count),
		), nil
}

// deleteObject handles POST /v1/delete.
func (s *Server) deleteObject(ctx context.Context, req *api.DeleteRequest) (any, string, error) {
	n, err := s.svc.DeleteObject(ctx, req.BucketID, req.ID, req.Force)
	if err != nil {
		return nil, "", err
	}
	return api.DeleteResult{Count: n}, fmt.Sprintf("%d object(s) deleted", n), nil
}

// update handles POST /v1/update.
func (s *Server) update(ctx context.Context, req *api.UpdateRequest) (any, string, error) {
	if req.AddPassword != "" || req.AddPasswordAlgorithm != "" || req.RemovePassword != "" {
		return nil, "", errNoFilePasswords
	}
	o, err := s.svc.UpdateObject(ctx, share.UpdateInput{BucketID: req.BucketID, ID: req.ID, Name: req.Name,
		ParentID: req.ParentID, Folder: req.Folder, Tags: req.Tags, AddTags: req.AddTags, RemoveTags: req.RemoveTags,
		Metadata: req.Metadata, AddMetadata: req.AddMetadata, RemoveMetadata: req.RemoveMetadata, FileTTL: req.FileTTL,
		UpdatedAt: timePtr(req.UpdatedAt)})
	if err != nil {
		return nil, "", err
	}
	return api.ObjectResult{Object: wireObject(o)}, "Object updated", nil
}

// extCount is the ext_count_kind/ext_count_more of a listing, sent only to a caller that asked for a
// count mode (a Pangea client sees the wire it expects).
func extCount(asked string, c share.Count) api.ExtCountInfo {
	if asked == "" {
		return api.ExtCountInfo{}
	}
	return api.ExtCountInfo{ExtCountKind: c.Kind, ExtCountMore: c.More}
}

// countText is the count of a listing's summary line.
func countText(c share.Count) string {
	switch c.Kind {
	case share.CountBounded:
		return fmt.Sprintf("more than %d", c.N)
	case share.CountEstimate:
		return fmt.Sprintf("about %d", c.N)
	case share.CountNone:
		return "uncounted"
	}
	return fmt.Sprint(c.N)
}

// uploadReadSize is how much of an upload body is read from the connection at once. multipart.Reader
// reads in 4 KiB steps; without a larger buffer under it each step is a read(2) of its own, some
// 260,000 system calls per GiB, which costs the upload path as much CPU as a digest.
const uploadReadSize = 256 << 10

// BufferBody puts a large read buffer under r's body, before its multipart reader is made.
func BufferBody(r *http.Request) {
	r.Body = bufferedBody{Reader: bufio.NewReaderSize(r.Body, uploadReadSize), Closer: r.Body}
}

type bufferedBody struct {
	*bufio.Reader
	io.Closer
}
