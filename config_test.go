package main

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "sharedesk.toml")
	if err := os.WriteFile(file, []byte("listen = \"file:1\"\npublic-url = \"https://file.example\"\nmax-upload-size = 5\nnot-a-flag-of-this-command = true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name                string
		args                []string
		env                 map[string]string
		wantListen, wantURL string
		wantMax             int64
	}{
		{"file only", []string{"--config", file}, nil, "file:1", "https://file.example", 5},
		{"env beats file", []string{"--config", file}, map[string]string{"SHAREDESK_LISTEN": "env:2"}, "env:2", "https://file.example", 5},
		{"flag beats env and file", []string{"--config", file, "--listen", "flag:3"}, map[string]string{"SHAREDESK_LISTEN": "env:2"}, "flag:3", "https://file.example", 5},
		{"config named by the environment", nil, map[string]string{"SHAREDESK_CONFIG": file, "SHAREDESK_MAX_UPLOAD_SIZE": "7"}, "file:1", "https://file.example", 7},
		{"defaults without a file", nil, nil, "default:0", "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			listen := fs.String("listen", "default:0", "")
			url := fs.String("public-url", "", "")
			maxUpload := fs.Int64("max-upload-size", 1, "")
			if err := parse(fs, tt.args); err != nil {
				t.Fatal(err)
			}
			if *listen != tt.wantListen || *url != tt.wantURL || *maxUpload != tt.wantMax {
				t.Errorf("got listen=%q url=%q max=%d, want %q %q %d", *listen, *url, *maxUpload, tt.wantListen, tt.wantURL, tt.wantMax)
			}
		})
	}
}

func TestConfigFileRefusesSecrets(t *testing.T) {
	for _, line := range []string{`oidc-client-secret = "s3cret"`, `api-token = "shd_x"`, `[oidc]` + "\n" + `client-secret = "s3cret"`} {
		file := filepath.Join(t.TempDir(), "c.toml")
		if err := os.WriteFile(file, []byte(line+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.String("oidc-client-secret", "", "")
		err := parse(fs, []string{"--config", file})
		if err == nil || !strings.Contains(err.Error(), "may not hold") || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("config %q: got %v, want a refusal that does not echo the value", line, err)
		}
	}
	// A secret file named in the config is fine.
	file := filepath.Join(t.TempDir(), "c.toml")
	if err := os.WriteFile(file, []byte("oidc-client-secret-file = \"/run/secrets/oidc\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	got := fs.String("oidc-client-secret-file", "", "")
	if err := parse(fs, []string{"--config", file}); err != nil || *got != "/run/secrets/oidc" {
		t.Errorf("secret file in config: got %q, %v", *got, err)
	}
}

// Secrets never come from the command line, where other users of the machine can read them (ps).
func TestNoSecretFlags(t *testing.T) {
	for _, cmd := range []string{"serve", "console", "share-server"} {
		_, err := runCmd(t, cmd, "--oidc-client-secret", "s3cret")
		if err == nil || !strings.Contains(err.Error(), "not defined") {
			t.Errorf("%s --oidc-client-secret: got %v, want the flag refused", cmd, err)
		}
	}
}

func TestSMTPPasswordNeverFromFlags(t *testing.T) {
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte("hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, url, file, envURL, envPassword string
		want, wantErr                        string
	}{
		{"password in the flag", "smtp://u:hunter2@mail.example.com:587", "", "", "", "", "holds a password"},
		{"password in SHAREDESK_SMTP_URL", "smtp://u:hunter2@mail.example.com:587", "", "smtp://u:hunter2@mail.example.com:587", "", "smtp://u:hunter2@mail.example.com:587", ""},
		{"password file", "smtp://u@mail.example.com:587", pwFile, "", "", "smtp://u:hunter2@mail.example.com:587", ""},
		{"password in the environment", "smtp://u@mail.example.com:587", "", "", "s3cret", "smtp://u:s3cret@mail.example.com:587", ""},
		{"password without a user", "smtp://mail.example.com:587", pwFile, "", "", "", "needs a user name"},
		{"no password at all", "smtp://mail.example.com:25", "", "", "", "smtp://mail.example.com:25", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("SHAREDESK_SMTP_URL", tt.envURL)
			t.Setenv("SHAREDESK_SMTP_PASSWORD", tt.envPassword)
			f := shareFlags{smtpURL: tt.url, smtpPasswordFile: tt.file}
			got, err := f.smtpURLWithPassword()
			if (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("got error %v, want %q", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the refusal echoes the password: %v", err)
			}
		})
	}
}
