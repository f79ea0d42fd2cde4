package httpapi_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestPangeaNodeSDK runs Pangea's published Node SDK (npm pangea-node-sdk, installed in sdktest/ by
// make test) against the server: the wire format is only compatible if their client says so.
func TestPangeaNodeSDK(t *testing.T) {
	dir, err := filepath.Abs("../../sdktest")
	if err != nil {
		t.Fatal(err)
	}
	sharetest.RequireNode(t, dir, "pangea-node-sdk")
	for _, kind := range sharetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			e := sharetest.Start(t, kind, sharetest.Options{})
			cmd := exec.Command("node", "sdk.mjs")
			cmd.Dir = dir
			// Through a proxy that checks every exchange against the OpenAPI document: a third-party
			// client's requests must be ones the document allows.
			cmd.Env = append(os.Environ(), "BASE_URL="+e.ValidatingProxy(t), "TOKEN="+e.Token,
				"DIRECT_UPLOADS="+strconv.FormatBool(e.Svc.DirectUploads()))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("node sdk.mjs: %v\n%s", err, out)
			}
			if !strings.Contains(string(out), "24 passed, 0 failed") {
				t.Errorf("node sdk.mjs: got %s, want 24 passed", out)
			}
		})
	}
}
