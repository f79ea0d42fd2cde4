// Package backup copies a SQLite data directory (the share database, the console database, the secret
// key and the file bytes) into one tar archive while the server runs, and restores such an archive into
// an empty directory. PostgreSQL and S3 deployments back up with their own tools (see the README).
//
// Consistency: each database is copied with SQLite's VACUUM INTO, a transactionally consistent snapshot
// taken while writers go on. File bytes are copied after the snapshot, so every file row in it already
// had its bytes on disk (rows are committed only after their bytes are durable). A file deleted between
// the snapshot and the copy has lost its bytes: its row is dropped from the copied snapshot, so the
// archive never holds a row without bytes.
package backup

import (
	"archive/tar"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/sharedesk/sharedesk/dbutil"
	"github.com/sharedesk/sharedesk/share/blob"
)

// Names inside a data directory and inside the archive.
const (
	ShareDB   = "sharedesk.db"
	ConsoleDB = "console.db"
	SecretKey = "secret.key"
	BlobDir   = "blobs"
)

// Report says what an archive holds.
type Report struct {
	Files    int   // file objects whose bytes are in the archive
	Bytes    int64 // their total size
	Links    int
	Vanished int // files deleted while the backup ran, left out with their rows
}

// Create writes a consistent archive of dataDir to out, with the secret key from keyFile (empty:
// dataDir/secret.key), wherever it is kept: restored links cannot be opened without it.
func Create(ctx context.Context, dataDir, keyFile string, out io.Writer) (Report, error) {
	if keyFile == "" {
		keyFile = filepath.Join(dataDir, SecretKey)
	}
	if _, err := os.Stat(filepath.Join(dataDir, ShareDB)); err != nil {
		return Report{}, fmt.Errorf("no sharedesk database in %s: %w", dataDir, err)
	}
	tmp, err := os.MkdirTemp("", "sharedesk-backup-*")
	if err != nil {
		return Report{}, err
	}
	defer os.RemoveAll(tmp)
	snapshots, err := snapshot(ctx, dataDir, tmp)
	if err != nil {
		return Report{}, err
	}
	tw := tar.NewWriter(out)
	rep, err := addBlobs(ctx, tw, dataDir, filepath.Join(tmp, ShareDB))
	if err != nil {
		return rep, err
	}
	for _, name := range snapshots {
		if err := addFile(tw, filepath.Join(tmp, name), name); err != nil {
			return rep, err
		}
	}
	if err := addFile(tw, keyFile, SecretKey); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return rep, err
	}
	return rep, tw.Close()
}

// snapshot copies the share database, and the console's when there is one, from dataDir into tmp and
// returns their names.
func snapshot(ctx context.Context, dataDir, tmp string) ([]string, error) {
	snapshots := []string{ShareDB}
	if _, err := os.Stat(filepath.Join(dataDir, ConsoleDB)); err == nil {
		snapshots = append(snapshots, ConsoleDB)
	}
	for _, name := range snapshots {
		if err := vacuumInto(ctx, filepath.Join(dataDir, name), filepath.Join(tmp, name)); err != nil {
			return nil, fmt.Errorf("snapshot %s: %w", name, err)
		}
	}
	return snapshots, nil
}

// addBlobs writes to tw the bytes of every file the share snapshot at snapPath names, drops from the
// snapshot the rows of files deleted since it was taken, and reports what the archive holds.
func addBlobs(ctx context.Context, tw *tar.Writer, dataDir, snapPath string) (Report, error) {
	var rep Report
	snap, err := openSnapshot(snapPath)
	if err != nil {
		return rep, err
	}
	defer snap.Close()
	files, err := fileRows(ctx, snap)
	if err != nil {
		return rep, err
	}
	blobs, err := blob.Open(filepath.Join(dataDir, BlobDir))
	if err != nil {
		return rep, err
	}
	vanished, err := copyBlobs(ctx, tw, blobs, dataDir, files, &rep)
	if err != nil {
		return rep, err
	}
	rep.Vanished = len(vanished)
	if err := dropRows(ctx, snap, vanished); err != nil {
		return rep, err
	}
	if err := snap.QueryRowContext(ctx, "SELECT COUNT(*) FROM links").Scan(&rep.Links); err != nil {
		return rep, err
	}
	return rep, snap.Close()
}

// copyBlobs writes the bytes of files to tw, counting them in rep, and returns the ids of the files
// whose bytes are gone.
func copyBlobs(
	ctx context.Context,
	tw *tar.Writer,
	blobs *blob.Disk,
	dataDir string,
	files []fileRow,
	rep *Report,
) (vanished []string, err error) {
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ok, err := copyBlob(tw, blobs, dataDir, f)
		if err != nil {
			return nil, fmt.Errorf("copy the bytes of %s: %w", f.id, err)
		}
		if !ok {
			vanished = append(vanished, f.id)
			continue
		}
		rep.Files++
		rep.Bytes += f.size
	}
	return vanished, nil
}

func vacuumInto(ctx context.Context, src, dst string) error {
	db, err := dbutil.OpenSQLite(src)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "VACUUM INTO ?", dst)
	return err
}

// openSnapshot opens a copied database without the server's pragmas: it is private to this process.
func openSnapshot(p string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", "file:"+p+"?_pragma=foreign_keys(1)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

type fileRow struct {
	id, sha256 string
	size       int64
}

func fileRows(ctx context.Context, db *sql.DB) ([]fileRow, error) {
	rows, err := db.QueryContext(ctx, "SELECT id, size, sha256 FROM objects WHERE type = 'file' ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []fileRow
	for rows.Next() {
		var f fileRow
		if err := rows.Scan(&f.id, &f.size, &f.sha256); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// copyBlob adds one file's bytes to the archive; ok is false when the file was deleted after the snapshot.
func copyBlob(tw *tar.Writer, blobs *blob.Disk, dataDir string, f fileRow) (ok bool, err error) {
	r, err := blobs.OpenFile(f.id)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer r.Close()
	st, err := r.Stat()
	if err != nil {
		return false, err
	}
	if st.Size() != f.size {
		return false, fmt.Errorf("on disk %d bytes, the database says %d", st.Size(), f.size)
	}
	p, err := blobs.Path(f.id)
	if err != nil {
		return false, err
	}
	rel, err := filepath.Rel(dataDir, p)
	if err != nil {
		return false, err
	}
	hdr := &tar.Header{
		Name:     filepath.ToSlash(rel),
		Mode:     0o600,
		Size:     f.size,
		ModTime:  st.ModTime(),
		Typeflag: tar.TypeReg,
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return false, err
	}
	_, err = io.CopyN(tw, r, f.size)
	return err == nil, err
}

func dropRows(ctx context.Context, db *sql.DB, ids []string) error {
	for _, id := range ids {
		if _, err := db.ExecContext(ctx, "DELETE FROM objects WHERE id = ?", id); err != nil {
			return fmt.Errorf("drop the row of vanished file %s: %w", id, err)
		}
	}
	return nil
}

func addFile(tw *tar.Writer, src, name string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	hdr := &tar.Header{Name: name, Mode: 0o600, Size: st.Size(), ModTime: st.ModTime(), Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err = io.Copy(tw, f)
	return err
}

// Restore unpacks an archive made by Create into dataDir, which must be empty or not exist yet, and
// checks every file row's bytes (size and SHA-256) before it reports success. On any error it removes
// what it wrote.
func Restore(ctx context.Context, in io.Reader, dataDir string) (rep Report, err error) {
	if entries, err := os.ReadDir(dataDir); err == nil && len(entries) > 0 {
		return rep, fmt.Errorf("restore needs an empty data directory: %s holds %d entries", dataDir, len(entries))
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return rep, err
	}
	defer func() {
		if err != nil {
			cleanDir(dataDir)
		}
	}()
	blobs, err := blob.Open(filepath.Join(dataDir, BlobDir))
	if err != nil {
		return rep, err
	}
	sums := map[string]blob.Sums{}
	seen := map[string]bool{}
	tr := tar.NewReader(in)
	for {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return rep, fmt.Errorf("read the archive: %w", err)
		}
		if hdr.Typeflag != tar.TypeReg {
			return rep, fmt.Errorf("unexpected entry %q in the archive", hdr.Name)
		}
		if seen[hdr.Name] {
			return rep, fmt.Errorf("entry %q appears twice in the archive", hdr.Name)
		}
		seen[hdr.Name] = true
		switch hdr.Name {
		case ShareDB, ConsoleDB, SecretKey:
			if err := dbutil.WritePrivate(filepath.Join(dataDir, hdr.Name), tr); err != nil {
				return rep, err
			}
			continue
		}
		key, err := blobKey(blobs, dataDir, hdr.Name)
		if err != nil {
			return rep, err
		}
		s, err := blobs.Write(ctx, key, tr, blob.WriteOptions{})
		if err != nil {
			return rep, fmt.Errorf("restore %s: %w", hdr.Name, err)
		}
		sums[key] = s
	}
	if !seen[ShareDB] {
		return rep, errors.New("the archive holds no sharedesk database")
	}
	return verify(ctx, filepath.Join(dataDir, ShareDB), sums)
}

// blobKey accepts only names that Create writes: blobs/<shard>/<key>, exactly where the blob store keeps key.
func blobKey(blobs *blob.Disk, dataDir, name string) (string, error) {
	clean := path.Clean(name)
	if clean != name || !strings.HasPrefix(name, BlobDir+"/") {
		return "", fmt.Errorf("unexpected entry %q in the archive", name)
	}
	key := path.Base(name)
	want, err := blobs.Path(key)
	if err != nil {
		return "", fmt.Errorf("unexpected entry %q in the archive", name)
	}
	if got := filepath.Join(dataDir, filepath.FromSlash(name)); got != want {
		return "", fmt.Errorf("unexpected entry %q in the archive", name)
	}
	return key, nil
}

// verify checks that every file row has its bytes and that nothing else came along.
func verify(ctx context.Context, dbPath string, sums map[string]blob.Sums) (Report, error) {
	var rep Report
	db, err := openSnapshot(dbPath)
	if err != nil {
		return rep, err
	}
	defer db.Close()
	files, err := fileRows(ctx, db)
	if err != nil {
		return rep, fmt.Errorf("read the restored database: %w", err)
	}
	for _, f := range files {
		s, ok := sums[f.id]
		switch {
		case !ok:
			return rep, fmt.Errorf("the archive lacks the bytes of file %s", f.id)
		case s.Size != f.size || (f.sha256 != "" && s.SHA256 != f.sha256):
			return rep, fmt.Errorf("the bytes of file %s do not match the database (size or SHA-256)", f.id)
		}
		delete(sums, f.id)
		rep.Files++
		rep.Bytes += f.size
	}
	if len(sums) > 0 {
		return rep, fmt.Errorf("the archive holds %d blobs that no file row names", len(sums))
	}
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM links").Scan(&rep.Links); err != nil {
		return rep, err
	}
	return rep, nil
}

func cleanDir(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}
