package share

import (
	"archive/tar"
	"archive/zip"
	"context"
	"io"
)

// Archive is a set of objects ready to stream as one zip or tar file.
type Archive struct {
	Objects  []Object // the objects asked for
	Contents []Object // every object in the archive: those asked for and everything inside them
	entries  []archiveEntry
	svc      *Service
	ctx      context.Context //nolint:containedctx // the archive streams within the request that made it
}

type archiveEntry struct {
	name string
	obj  Object
}

// NewArchive collects the objects (folders with their contents) for an archive.
func (s *Service) NewArchive(ctx context.Context, bucketID string, ids []string) (*Archive, error) {
	a := &Archive{svc: s, ctx: ctx}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		o, err := s.GetObject(ctx, bucketID, id)
		if err != nil {
			return nil, err
		}
		a.Objects = append(a.Objects, o)
		all, err := s.descendants(ctx, o)
		if err != nil {
			return nil, err
		}
		names := map[string]string{o.ID: o.Name}
		for _, x := range all {
			if x.ID != o.ID {
				names[x.ID] = names[x.ParentID] + "/" + x.Name
			}
			a.entries = append(a.entries, archiveEntry{name: names[x.ID], obj: x})
		}
	}
	memo := map[string]string{}
	listed := map[string]bool{}
	for _, e := range a.entries {
		if listed[e.obj.ID] { // asked for on its own and inside a folder: one object, two entries
			continue
		}
		listed[e.obj.ID] = true
		o := e.obj
		var err error
		if o.Folder, err = s.folderPath(ctx, o.BucketID, o.ParentID, memo); err != nil {
			return nil, err
		}
		a.Contents = append(a.Contents, o)
	}
	return a, nil
}

// WriteZip streams the archive as zip.
func (a *Archive) WriteZip(w io.Writer) error {
	zw := zip.NewWriter(w)
	for _, e := range a.entries {
		h := &zip.FileHeader{Name: Displayable(e.name), Modified: e.obj.UpdatedAt, Method: zip.Deflate}
		if e.obj.Type == TypeFolder {
			h.Name += "/"
			h.Method = zip.Store
		}
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if e.obj.Type == TypeFile {
			if err := a.copyFile(fw, e.obj); err != nil {
				return err
			}
		}
	}
	return zw.Close()
}

// WriteTar streams the archive as tar.
func (a *Archive) WriteTar(w io.Writer) error {
	tw := tar.NewWriter(w)
	for _, e := range a.entries {
		h := &tar.Header{
			Name:     Displayable(e.name),
			ModTime:  e.obj.UpdatedAt,
			Mode:     0o644,
			Size:     e.obj.Size,
			Typeflag: tar.TypeReg,
			Format:   tar.FormatPAX,
		}
		if e.obj.Type == TypeFolder {
			h.Name, h.Mode, h.Size, h.Typeflag = e.name+"/", 0o755, 0, tar.TypeDir
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if e.obj.Type == TypeFile {
			if err := a.copyFile(tw, e.obj); err != nil {
				return err
			}
		}
	}
	return tw.Close()
}

func (a *Archive) copyFile(w io.Writer, o Object) error {
	f, err := a.svc.blobs.Open(a.ctx, o.ID)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}
