# RedFlag: make run starts the system, make test passes every test.
# See README.md. Private keys live in $(KEYDIR), never in this tree.

GO      ?= go
KEYDIR  ?= $(HOME)/.config/redflag
DEV_KEY := $(KEYDIR)/dev-signing
EMBED   := lists/data/embedded
BIN     := bin
FUZZTIME ?= 60s

GO_SOURCES := $(shell find lists wasm backend -name '*.go' -not -path '*/node_modules/*' 2>/dev/null) go.mod go.sum
LIST_DATA  := $(wildcard lists/data/*.tsv) $(wildcard lists/data/keys/*.pub)

.PHONY: all build run test test-go test-wasm bench bench-wasm fuzz clean embedded wasm

all: build

## Keys and the embedded default list

# A development signing key, made once per machine. A company signs with its
# own key and ships its public key in lists/data/keys/ (see README "Keys").
$(DEV_KEY).key:
	@mkdir -p $(KEYDIR)
	$(GO) run ./lists/cmd/redflag keygen --out $(DEV_KEY)

$(EMBED)/trusted.pub: $(DEV_KEY).key
	cp $(DEV_KEY).pub $@

# Reproducible: same entries, same version, same key -> same bytes.
$(EMBED)/default.snap: $(DEV_KEY).key $(LIST_DATA) $(GO_SOURCES)
	$(GO) run ./lists/cmd/redflag build --default --key $(DEV_KEY).key --out $@

embedded: $(EMBED)/default.snap $(EMBED)/trusted.pub

## Binaries

$(BIN)/redflag: embedded $(GO_SOURCES)
	$(GO) build -trimpath -o $@ ./lists/cmd/redflag

build: $(BIN)/redflag wasm

## The checker module for the extension (wasm/PROTOCOL.md): GOOS=wasip1
## reactor with //go:wasmexport, loaded by extension/checker/checker.js.

WASM := extension/checker/redflag.wasm

$(WASM): $(EMBED)/default.snap $(EMBED)/trusted.pub $(GO_SOURCES)
	GOOS=wasip1 GOARCH=wasm $(GO) build -buildmode=c-shared -trimpath -ldflags='-s -w' -o $@ ./wasm/cmd/checker

wasm: $(WASM)

# Packages whose tests also run compiled to WebAssembly.
WASM_GO_TESTS := ./lists/canon ./lists/check ./lists/snapshot ./wasm/checker ./wasm/protocol

## Run

run: build
	@echo "== redflag check on a sample (embedded default list) =="
	-./$(BIN)/redflag check 'HTTP://WWW.SilverStarChina.COM./careers?x=1#top' https://jobs.cloudfox.cloud/apply hr@jinyang.asia https://example.com 'cloudfox.com'

## Tests

test: embedded test-go test-wasm

test-go:
	$(GO) vet ./...
	$(GO) test -count=1 ./...

# The checker module in Node, loaded as the extension loads it, checked
# against the redflag command; then the list core's own tests compiled to
# WebAssembly (GOOS=js, Node as the executor).
test-wasm: $(WASM) $(BIN)/redflag
	REDFLAG_BIN=$(BIN)/redflag node --test wasm/test/*.test.mjs
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec=$$($(GO) env GOROOT)/lib/wasm/go_js_wasm_exec $(WASM_GO_TESTS)

bench: embedded
	$(GO) test -run '^$$' -bench . -benchmem -count 5 -timeout 60m ./lists/...
	$(MAKE) bench-wasm

# The checker module against native Go, pure-JavaScript peers and the
# GOOS=js alternative, in Node and in Chromium's MV3 service worker
# (wasm/bench/run.sh; Chromium needs apt-get install chromium and npm
# install in extension/).
bench-wasm: $(WASM)
	wasm/bench/run.sh

# Long fuzzing (make test runs only the seed corpora).
fuzz: embedded
	@for pkg in ./lists/canon ./lists/entry ./lists/ingest ./lists/snapshot; do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$t ($(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

clean:
	rm -rf $(BIN) $(EMBED)/default.snap $(EMBED)/trusted.pub $(WASM)
