# podlite build and test entry points. cgo is required: libcontainer's
# nsenter is C, and so is podlite's container supervisor.
BUILDTAGS ?= seccomp exclude_graphdriver_btrfs containers_image_openpgp
GO ?= go
export CGO_ENABLED := 1
GOFLAGS_BUILD := -tags "$(BUILDTAGS)" -trimpath
BIN := bin/podlite

.PHONY: all build test test-root test-e2e test-all bench clean fmt vet

all: build

build:
	$(GO) build $(GOFLAGS_BUILD) -o $(BIN) ./cmd/podlite

# Unit tests: no root needed.
test:
	$(GO) test -tags "$(BUILDTAGS)" ./cmd/... ./libpod/... ./pkg/...

fmt:
	gofmt -l -w $$(git ls-files '*.go')

vet:
	$(GO) vet -tags "$(BUILDTAGS)" ./...

clean:
	rm -rf bin
