# syntax=docker/dockerfile:1
# Multi-stage build: a static, CGO-free binary (modernc.org/sqlite is pure Go) on a distroless base,
# running as an unprivileged user. Generated templ files are committed, so no code generation here.

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
ENV SHAREDESK_DATA_DIR=/data \
    SHAREDESK_LISTEN=0.0.0.0:8081
VOLUME ["/data"]
EXPOSE 8081
ENTRYPOINT ["/usr/local/bin/sharedesk"]
CMD ["share-server"]
