# podlite build and test entry points. cgo is required: libcontainer's
# nsenter is C, and so is podlite's container supervisor.
#
# Tests come in three layers (STYLE.md, "Tests"):
#   make test       unit tests; no root, no criu, no network needed
#   make test-root  the same packages as root with PODLITE_TEST_ROOT=1, which
#                   un-skips the tests that need root (they check both the
#                   variable and the euid, and skip with a reason otherwise)
#   make test-e2e   builds bin/podlite and runs test/e2e against it
#                   (PODLITE_BINARY holds its absolute path)
#   make test-all   all of the above plus check-generated; CI runs this after
#                   contrib/setup.sh (see .ci/run)
BUILDTAGS ?= seccomp exclude_graphdriver_btrfs containers_image_openpgp
GO ?= go
export CGO_ENABLED := 1
# Debian 12's Go is too old for go.mod; podlite's machines carry Go in
# /usr/local/go. Appended, so a go already in PATH wins.
export PATH := $(PATH):/usr/local/go/bin
GOFLAGS_BUILD := -tags "$(BUILDTAGS)" -trimpath
BIN := bin/podlite
# The same binary with crash points armed (pkg/crashpoint), for the e2e
# crash-safety tests only; never installed.
CRASH_BIN := bin/podlite-crash
FLOOR := bin/floor
PREFIX ?= /usr/local
DESTDIR ?=
# systemd's unit directories under PREFIX (podlite-restart.service).
SYSTEMDDIR ?= $(PREFIX)/lib/systemd

# Extra go test flags; in CI (CI=true) -v, so that the log names every test.
TESTFLAGS ?= $(if $(CI),-v)
# Unit-test packages: everything but test/e2e, which needs the binary.
UNIT_PKGS := ./cmd/... ./libpod/... ./pkg/... ./hack/... ./test/bench/...

.PHONY: all build build-crash floor test test-root test-e2e test-fuzz test-all check-generated \
	bench bench-pods bench-archive bench-rootless docs completions generate lint fmt vet install clean

all: build

build:
	$(GO) build $(GOFLAGS_BUILD) -o $(BIN) ./cmd/podlite

build-crash:
	$(GO) build -tags "$(BUILDTAGS) crashpoint" -trimpath -o $(CRASH_BIN) ./cmd/podlite

# The benchmark's floor: one container through libcontainer, no podlite.
floor:
	$(GO) build $(GOFLAGS_BUILD) -o $(FLOOR) ./test/bench/floor

# Unit tests: no root needed.
test:
	$(GO) test $(TESTFLAGS) -tags "$(BUILDTAGS)" $(UNIT_PKGS)

test-root:
	@[ "$$(id -u)" -eq 0 ] || { echo "make test-root: needs root" >&2; exit 1; }
	PODLITE_TEST_ROOT=1 $(GO) test $(TESTFLAGS) -tags "$(BUILDTAGS)" -count=1 $(UNIT_PKGS)

test-e2e: export PODLITE_BINARY := $(abspath $(BIN))
test-e2e: export PODLITE_CRASH_BINARY := $(abspath $(CRASH_BIN))
test-e2e: build build-crash
	@if [ -z "$$(find test/e2e -name '*_test.go' 2>/dev/null)" ]; then \
		echo "make test-e2e: WARNING: no e2e tests in test/e2e yet" >&2; \
	else \
		echo "PODLITE_BINARY=$$PODLITE_BINARY"; \
		$(GO) test $(TESTFLAGS) -tags "$(BUILDTAGS)" -count=1 -timeout 40m ./test/e2e/...; \
	fi

# Short, bounded fuzz runs of the checkpoint archive reader (pkg/criu) and
# of the parsers of imported metadata (libpod). The budgets are counts, not
# durations: Go 1.26's fuzz coordinator can report a wall-clock -fuzztime's
# end as "context deadline exceeded" on a loaded machine (golang/go#75804).
FUZZTIME ?= 5000x
FUZZMINIMIZE ?= 200x
test-fuzz:
	$(GO) test -tags "$(BUILDTAGS)" -run '^$$' -fuzz '^FuzzUnpack$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE) ./pkg/criu/
	$(GO) test -tags "$(BUILDTAGS)" -run '^$$' -fuzz '^FuzzReadMetadata$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE) ./pkg/criu/
	$(GO) test -tags "$(BUILDTAGS)" -run '^$$' -fuzz '^FuzzPodmanMetadata$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE) ./libpod/checkpoint/

test-all: test test-root check-generated test-fuzz test-e2e

# Fails when docs/commands or completions differ from what the command tree
# generates: run `make docs completions` and commit the result.
check-generated:
	$(GO) run -tags "$(BUILDTAGS)" ./hack/gendocs -check

# Generated from the Cobra tree by hack/gendocs; never edit them by hand.
docs completions: generate
	@:
generate:
	$(GO) run -tags "$(BUILDTAGS)" ./hack/gendocs -docs docs/commands -completions completions

# test/bench/bench.sh compares `podlite run` with the floor; it finds both
# binaries through PODLITE_BINARY and PODLITE_FLOOR.
bench: export PODLITE_BINARY := $(abspath $(BIN))
bench: export PODLITE_FLOOR := $(abspath $(FLOOR))
bench: build floor
	@[ -f test/bench/bench.sh ] || { echo "make bench: test/bench/bench.sh is not written yet" >&2; exit 1; }
	bash test/bench/bench.sh

# The pod section of the benchmark alone.
bench-pods: export PODLITE_BINARY := $(abspath $(BIN))
bench-pods: build
	bash test/bench/pods.sh

# The rootless section of the benchmark alone (makes and deletes a user).
bench-rootless: export PODLITE_BINARY := $(abspath $(BIN))
bench-rootless: build
	bash test/bench/rootless.sh

# The checkpoint archive section of the benchmark alone.
bench-archive: export PODLITE_BINARY := $(abspath $(BIN))
bench-archive: build
	bash test/bench/archive.sh

lint: vet
	@out=$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt -l reports unformatted files (run make fmt):" >&2; echo "$$out" >&2; exit 1; fi

fmt:
	gofmt -l -w $$(git ls-files -co --exclude-standard '*.go')

vet:
	$(GO) vet -tags "$(BUILDTAGS)" ./...

install: build
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/podlite
	install -d $(DESTDIR)$(SYSTEMDDIR)/system-generators $(DESTDIR)$(SYSTEMDDIR)/user-generators
	ln -sf $(PREFIX)/bin/podlite $(DESTDIR)$(SYSTEMDDIR)/system-generators/podlite-system-generator
	ln -sf $(PREFIX)/bin/podlite $(DESTDIR)$(SYSTEMDDIR)/user-generators/podlite-user-generator
	install -D -m 0644 completions/podlite.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/podlite
	install -D -m 0644 completions/_podlite $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_podlite
	install -D -m 0644 completions/podlite.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/podlite.fish
	for kind in system user; do \
		install -d $(DESTDIR)$(SYSTEMDDIR)/$$kind && \
		sed 's|@@PODLITE@@|$(PREFIX)/bin/podlite|g' contrib/systemd/$$kind/podlite-restart.service.in \
			> $(DESTDIR)$(SYSTEMDDIR)/$$kind/podlite-restart.service || exit 1; \
	done

clean:
	rm -rf bin
