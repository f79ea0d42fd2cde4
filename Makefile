# sharedesk — the two commands a newcomer needs are `make run` and `make test`.
GO      ?= go
BIN     := bin/sharedesk
PKGS    := ./...

.PHONY: all build run test deps lint vendor-check fuzz bench clean screenshots

all: build

## build: Go only; htmx is committed under static/vendor and embedded like every other asset
build:
	@test -x $(BIN) || echo "Building $(BIN): the first build downloads Go modules and compiles for a few minutes…"
	CGO_ENABLED=0 $(GO) build -trimpath -buildvcs=auto -o $(BIN) .

## the pinned htmx package, needed only to check (or upgrade) the committed copy
web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	npm ci --prefix web --no-audit --no-fund

## run: start the demo (share server with sample data, loopback only)
run: build
	./$(BIN) demo

## deps: what the tests need beyond Go: Pangea's Node SDK (pinned by package-lock.json), Debian's
## Chromium for the browser tests and versitygw, the S3 server the object-store tests run against
deps: sdktest/node_modules/.package-lock.json oidctest/node_modules/.package-lock.json web/node_modules/.package-lock.json /usr/bin/chromium versitygw

VERSITYGW_VERSION := v1.8.0
GOBIN_DIR := $(shell $(GO) env GOBIN)
ifeq ($(GOBIN_DIR),)
GOBIN_DIR := $(shell $(GO) env GOPATH)/bin
endif

## versitygw: installed with go install (the tests find it on PATH or in GOBIN / GOPATH/bin)
.PHONY: versitygw
versitygw:
	@$(GO) version -m $(GOBIN_DIR)/versitygw 2>/dev/null | grep -q 'versitygw[[:space:]]*$(VERSITYGW_VERSION)' || \
		$(GO) install github.com/versity/versitygw/cmd/versitygw@$(VERSITYGW_VERSION)

oidctest/node_modules/.package-lock.json: oidctest/package.json oidctest/package-lock.json
	npm ci --prefix oidctest --no-audit --no-fund

/usr/bin/chromium:
	@echo "Installing Debian's chromium for the browser tests (needs root)…"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

sdktest/node_modules/.package-lock.json: sdktest/package.json sdktest/package-lock.json
	npm ci --prefix sdktest --no-audit --no-fund

## vendor-check: the committed htmx is byte-identical to the pinned npm package, and its README names
## that version
vendor-check: web/node_modules/.package-lock.json
	@cmp -s static/vendor/htmx.min.js web/node_modules/htmx.org/dist/htmx.min.js || (echo "static/vendor/htmx.min.js differs from the pinned npm htmx.org: copy web/node_modules/htmx.org/dist/htmx.min.js (never edit it by hand)"; exit 1)
	@v=$$(node -p "require('./web/node_modules/htmx.org/package.json').version") && grep -q "| $$v |" static/vendor/README.md || (echo "static/vendor/README.md does not name the pinned htmx.org version"; exit 1)

## lint: vendored code, formatting, vet, staticcheck and the agreed golangci-lint set (.golangci.yml,
## pinned in tools/golangci-lint/go.mod)
lint: vendor-check
	$(GO) tool templ generate > /dev/null
	@git diff --quiet -- '*_templ.go' || (echo "generated templ files were stale: commit the regenerated *_templ.go"; git diff --stat -- '*_templ.go'; exit 1)
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (echo "not gofmt-ed:"; gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet $(PKGS)
	$(GO) tool staticcheck $(PKGS)
	$(GO) tool -modfile=tools/golangci-lint/go.mod golangci-lint run $(PKGS)

## test: every test, under the race detector, against SQLite and PostgreSQL (127.0.0.1:5432, database test).
## SHAREDESK_TEST_REQUIRE_ALL=1 turns a missing PostgreSQL, Chromium or Node.js into a failure instead of a skip.
## The API suite (with Pangea's Node SDK test) and the portal tests then run once more on PostgreSQL +
## S3 (versitygw), without -race: that run checks the object store path, the first one the code; the
## SDK test once more with presigned (direct) uploads and downloads. The timeouts are generous: on a
## quiet 2-core machine the slowest package (handlers, browser tests) takes about 7 minutes, on a busy
## one three times that, and a timeout is a failure that says nothing about the code.
test: deps lint
	SHAREDESK_TEST_REQUIRE_ALL=1 $(GO) test -race -count=1 -timeout 40m $(PKGS)
	SHAREDESK_TEST_REQUIRE_ALL=1 SHAREDESK_TEST_BLOBS=s3 $(GO) test -count=1 -timeout 20m ./share/httpapi/ ./portal/
	SHAREDESK_TEST_REQUIRE_ALL=1 SHAREDESK_TEST_BLOBS=s3-direct $(GO) test -count=1 -run TestPangeaNodeSDK ./share/httpapi/

## screenshots: the README's screenshots of the demo's sample data, in the light and the dark theme, taken
## by headless Chromium while TestDemoInBrowser goes through the demo as make run starts it
screenshots: deps
	SHAREDESK_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run '^TestDemoInBrowser$$' .

## fuzz: run each fuzz target for FUZZTIME (the seed corpora already run in make test)
FUZZTIME ?= 60s
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzRequest -fuzztime=$(FUZZTIME) ./share/httpapi/
	$(GO) test -run='^$$' -fuzz=FuzzParseFilter -fuzztime=$(FUZZTIME) ./share/
	$(GO) test -run='^$$' -fuzz=FuzzDecodeCursor -fuzztime=$(FUZZTIME) ./share/
	$(GO) test -run='^$$' -fuzz=FuzzContentDisposition -fuzztime=$(FUZZTIME) ./share/httpapi/
	$(GO) test -run='^$$' -fuzz=FuzzRange -fuzztime=$(FUZZTIME) ./portal/

## bench: the performance budgets (README, Performance) on SQLite and PostgreSQL (seeds 1,000,000 links once per
## database, cached in bench/.data and the schema sharedesk_bench_1000000; BENCH_DB=sqlite picks one)
bench: versitygw
	$(GO) test -run='^$$' -bench=. -benchtime=1x -timeout 60m ./bench/

clean:
	rm -rf bin sharedesk-demo
