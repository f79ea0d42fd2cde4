package httpapi_test

import (
	"bytes"
	"maps"
	"slices"
	"testing"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestRemoveMetadataMatchesValue: remove_metadata removes a key only when the stored value is the one
// given (Pangea's documented semantics); other keys and mismatched values stay.
func TestRemoveMetadataMatchesValue(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := sharetest.Start(t, kind, sharetest.Options{NoSMTP: true})
		for _, tc := range []struct {
			name   string
			remove map[string]string
			want   map[string]string
		}{
			{"matching value", map[string]string{"owner": "ann"}, map[string]string{"team": "qa", "stage": "draft"}},
			{"other value", map[string]string{"owner": "bob"}, map[string]string{"owner": "ann", "team": "qa", "stage": "draft"}},
			{"empty value", map[string]string{"team": ""}, map[string]string{"owner": "ann", "team": "qa", "stage": "draft"}},
			{"missing key", map[string]string{"nope": "x"}, map[string]string{"owner": "ann", "team": "qa", "stage": "draft"}},
			{"mixed", map[string]string{"owner": "ann", "team": "dev", "stage": "draft"}, map[string]string{"team": "qa"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				o := sharetest.Must(e.Client.FolderCreate(t.Context(), api.FolderCreateRequest{Name: tc.name,
					Metadata: map[string]string{"owner": "ann", "team": "qa", "stage": "draft"}}))(t).Object
				got := sharetest.Must(e.Client.Update(t.Context(), api.UpdateRequest{ID: o.ID, RemoveMetadata: tc.remove}))(t).Object.Metadata
				if !maps.Equal(got, tc.want) {
					t.Errorf("remove_metadata %v: got %v, want %v", tc.remove, got, tc.want)
				}
			})
		}
	})
}

// TestArchiveCountsEveryObject: get_archive answers count and objects for everything in the archive
// (folders with their contents), not only the ids asked for.
func TestArchiveCountsEveryObject(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e, f := startSeeded(t, kind)
		sub := sharetest.Must(e.Client.FolderCreate(t.Context(), api.FolderCreateRequest{Name: "Sub", ParentID: f.docs.ID}))(t).Object
		c := sharetest.Must(e.Client.Put(t.Context(), api.PutRequest{ParentID: sub.ID, Name: "c.txt"}, "c.txt", bytes.NewReader([]byte("charlie"))))(t).Object
		for _, tc := range []struct {
			name string
			ids  []string
			want []string // object ids in the archive
		}{
			{"one file", []string{f.a.ID}, []string{f.a.ID}},
			{"two files", []string{f.a.ID, f.b.ID}, []string{f.a.ID, f.b.ID}},
			{"folder with a subfolder", []string{f.docs.ID}, []string{f.docs.ID, f.a.ID, f.b.ID, sub.ID, c.ID}},
			{"empty folder", []string{f.inbox.ID}, []string{f.inbox.ID}},
			{"folder and a file inside it", []string{sub.ID, c.ID}, []string{sub.ID, c.ID}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				for _, method := range []string{"multipart", "dest-url"} {
					var res *api.GetArchiveResult
					entries := -1
					if method == "multipart" {
						r, zr := getZip(t, e, tc.ids...)
						res, entries = r, len(zr.File)
					} else {
						res = sharetest.Must(e.Client.GetArchiveURL(t.Context(), api.GetArchiveRequest{IDs: tc.ids, Format: "zip"}))(t)
					}
					var got []string
					for _, o := range res.Objects {
						got = append(got, o.ID)
					}
					slices.Sort(got)
					want := slices.Sorted(slices.Values(tc.want))
					if res.Count != len(tc.want) || !slices.Equal(got, want) {
						t.Errorf("%s: got count %d objects %v, want %d objects %v", method, res.Count, got, len(want), want)
					}
					if entries >= 0 && entries < len(tc.want) {
						t.Errorf("%s: zip has %d entries, fewer than the %d objects", method, entries, len(tc.want))
					}
				}
			})
		}
	})
}
