# syntax=docker/dockerfile:1
# Multi-stage build: a static, CGO-free binary (modernc.org/sqlite is pure Go; generated templ files and
# the pinned htmx under static/vendor are committed, so Go alone builds it) on a distroless base,
# running as an unprivileged user.

FROM golang:1.26-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS=-trimpath
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -ldflags="-s -w" -o /out/sharedesk . && \
    mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/sharedesk /usr/local/bin/sharedesk
COPY --from=build --chown=nonroot:nonroot /out/data /data
USER nonroot:nonroot
# serve: console on 8080, share server (API and recipient portal) on 8081. `share-server` alone also
# listens on 8081 (it takes SHAREDESK_SHARE_LISTEN when --listen is not given); `console` alone needs
# `--listen 0.0.0.0:8080`. The health check asks the share server, which serve and share-server both run;
# a console-only container overrides it with http://127.0.0.1:8080/readyz.
ENV SHAREDESK_DATA_DIR=/data \
    SHAREDESK_SHARE_LISTEN=0.0.0.0:8081
VOLUME ["/data"]
EXPOSE 8080 8081
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["/usr/local/bin/sharedesk", "healthcheck", "http://127.0.0.1:8081/readyz"]
ENTRYPOINT ["/usr/local/bin/sharedesk"]
CMD ["serve", "--listen", "0.0.0.0:8080"]
