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

.PHONY: all build run test test-go test-wasm bench bench-lists bench-backend bench-wasm fuzz clean embedded wasm

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

WASM       := extension/checker/redflag.wasm
# The same module before pre-initialization, as go builds it (benchmarks
# compare the two).
WASM_PLAIN := $(BIN)/redflag-plain.wasm
WASM_TOOLS := wasm/build/node_modules/.package-lock.json

# Built against x/net with publicsuffix's net/http link cut (see the script).
$(WASM_PLAIN): $(EMBED)/default.snap $(EMBED)/trusted.pub $(GO_SOURCES) wasm/build/slim-modfile.sh
	@mkdir -p $(BIN)
	GOOS=wasip1 GOARCH=wasm $(GO) build -modfile=$$(wasm/build/slim-modfile.sh $(BIN)/wasm-mod) \
	  -buildmode=c-shared -trimpath -ldflags='-s -w' -o $@ ./wasm/cmd/checker

# Wizer (npm, pinned in wasm/build/package-lock.json); a go.mod keeps any
# Go files in node_modules out of ./..., as for the extension.
$(WASM_TOOLS): wasm/build/package.json wasm/build/package-lock.json
	cd wasm/build && npm ci --no-audit --no-fund
	printf 'module ignored\n' > wasm/build/node_modules/go.mod

# Pre-initialized (wasm/PROTOCOL.md, "Pre-initialized"): Wizer runs
# _initialize, the Go runtime's start and the package initialization that
# opens the embedded list, and writes the memory it leaves as the module's
# data, so a start is compile and instantiate. No environment, arguments or
# directories are given, as in a browser.
$(WASM): $(WASM_PLAIN) $(WASM_TOOLS)
	wasm/build/node_modules/.bin/wizer --allow-wasi --inherit-env false --inherit-stdio true \
	  --init-func _initialize --keep-init-func false -o $@ $<

# The module's identity, which names its copy in Cache Storage (checker.js).
WASM_ID := extension/checker/module-id.js
$(WASM_ID): $(WASM) wasm/build/module-id.sh
	wasm/build/module-id.sh $< > $@

wasm: $(WASM) $(WASM_ID)

# Packages whose tests also run compiled to WebAssembly.
WASM_GO_TESTS := ./lists/canon ./lists/check ./lists/lookalike ./lists/snapshot ./wasm/checker ./wasm/protocol

## Run

# The publisher signs with the development key, whose public half the
# binaries and the extension embed, so they trust its updates.
DATA ?= ./redflag-data
ADDR ?= 127.0.0.1:8080

run: build
	@echo "== redflag check on a sample (embedded default list) =="
	@# exit status 1 means "something listed", which this sample is meant to show
	./$(BIN)/redflag check 'HTTP://WWW.SilverStarChina.COM./careers?x=1#top' https://jobs.cloudfox.cloud/apply hr@jinyang.asia https://example.com 'cloudfox.com'; [ $$? -le 1 ]
	@echo "== redflag serve (Ctrl-C stops it; data in $(DATA)) =="
	@echo "   make a token in another shell: ./$(BIN)/redflag token create --data $(DATA) --name you --role admin"
	./$(BIN)/redflag serve --addr $(ADDR) --data $(DATA) --key $(DEV_KEY).key

## Tests

test: embedded test-go test-wasm

test-go:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) build -o /dev/null ./backend/public ./backend/publish
	$(GO) test -count=1 ./...

# The checker module in Node, loaded as the extension loads it, checked
# against the redflag command; then the list core's own tests compiled to
# WebAssembly (GOOS=js, Node as the executor).
test-wasm: $(WASM) $(WASM_ID) $(BIN)/redflag
	REDFLAG_BIN=$(BIN)/redflag node --test wasm/test/*.test.mjs
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec=$$($(GO) env GOROOT)/lib/wasm/go_js_wasm_exec $(WASM_GO_TESTS)

bench: bench-lists bench-backend bench-wasm bench-lookalike

bench-lists: embedded
	$(GO) test -run '^$$' -bench . -benchmem -count 5 -timeout 60m ./lists/...

## Look-alikes (lists/lookalike, lists/reach): the names they are measured
## against come from npm data packages, installed without their scripts.

REACH_CORPUS := lists/reach/corpus
REACH_DEPS   := $(REACH_CORPUS)/node_modules/.package-lock.json

$(REACH_DEPS): $(REACH_CORPUS)/package.json $(REACH_CORPUS)/package-lock.json
	cd $(REACH_CORPUS) && npm ci --ignore-scripts --no-audit --no-fund
	printf 'module ignored\n' > $(REACH_CORPUS)/node_modules/go.mod

.PHONY: reach-corpus bench-lookalike

# Regenerates lists/lookalike/popular-sites.txt and lists/reach/legit-names.txt.
reach-corpus: $(REACH_DEPS)
	$(GO) run ./lists/reach/gen --modules $(REACH_CORPUS)/node_modules

# False cautions per 10,000 real names (default list and a 1M synthetic
# one), and what look-alikes cost a check and a 1M build, in one run each.
bench-lookalike: embedded $(REACH_DEPS)
	REDFLAG_CORPUS=$(CURDIR)/$(REACH_CORPUS)/node_modules $(GO) test -count=1 -v -run '^TestFalseCautionsCorpus$$' -timeout 30m ./lists/reach
	$(GO) test -run '^$$' -bench 'Check|Lookup' -benchmem -count 5 ./lists/check
	$(GO) test -run '^$$' -bench LookAlikePrice -benchtime 200000x -count 3 ./lists/check
	$(GO) test -run '^$$' -bench 'Build1M|Diff100' -benchtime 1x -count 3 -timeout 30m ./lists/snapshot

# The checker module against native Go, pure-JavaScript peers and the
# GOOS=js alternative, and over several lists (default, 1M, both), in Node
# and in Chromium's MV3 service worker (wasm/bench/run.sh; Chromium needs apt-get install chromium and npm
# install in extension/).
bench-wasm: $(WASM) $(WASM_ID)
	wasm/bench/run.sh

# Publisher: 1M-entry publication, admin paging, RSS, and snapshot GET
# throughput against nginx serving the same files (wrk); see the script.
bench-backend: embedded
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m ./backend/content ./backend/server
	$(GO) test -run '^$$' -bench Publish1M -benchtime 3x -timeout 60m ./backend/workflow
	$(GO) test -run '^$$' -bench 'Read1M|Diff1M|Pull1M' -benchtime 3x -benchmem -timeout 60m ./backend/feeds ./backend/sources
	bash backend/bench/run.sh

# Long fuzzing (make test runs only the seed corpora).
fuzz: embedded
	@for pkg in ./lists/canon ./lists/check ./lists/entry ./lists/ingest ./lists/snapshot ./lists/document ./lists/tokens ./backend/feeds ./backend/store; do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$t ($(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

clean:
	rm -rf $(BIN) $(EMBED)/default.snap $(EMBED)/trusted.pub $(WASM) $(WASM_ID)

## Extension (extension/): loadable builds for Chromium and Firefox, and
## the browser tests (Playwright driving Debian's chromium; see README
## "Extension").

EXT       := extension
EXT_BUILD := $(EXT)/build
EXT_DEPS  := $(EXT)/node_modules/.package-lock.json

.PHONY: extension extension-firefox test-extension bench-extension extension-howto

# npm packages may ship Go sources (flatted does): a go.mod in
# node_modules keeps them out of ./... for go vet and go test.
$(EXT_DEPS): $(EXT)/package.json $(EXT)/package-lock.json
	cd $(EXT) && npm ci --no-audit --no-fund
	printf 'module ignored\n' > $(EXT)/node_modules/go.mod

extension: wasm $(EXT_DEPS)
	node $(EXT)/tools/build.mjs

# Builds both and checks the Firefox one with web-ext lint. pdf.js (the
# document page's PDF reader, bundled) loads its worker by a dynamic
# import(), which the linter warns about; the extension's CSP keeps any
# import to the package's own files.
extension-firefox: extension $(EXT_DEPS)
	cd $(EXT) && npx --no-install web-ext lint --source-dir build/firefox --warnings-as-errors \
	  --ignore-files vendor/pdfjs/pdf.min.mjs vendor/pdfjs/pdf.worker.min.mjs

test-extension: extension-firefox $(BIN)/redflag $(EXT_DEPS)
	cd $(EXT) && node --test --test-concurrency=1 --test-timeout=240000 test/*.test.mjs

bench-extension: extension $(BIN)/redflag $(EXT_DEPS)
	$(GO) run ./extension/tools/synthlist --entries 1000000 --key $(DEV_KEY).key --out $(EXT_BUILD)/synthetic-1m.snap
	cd $(EXT) && node tools/bench.mjs build/synthetic-1m.snap
	cd $(EXT) && node tools/rulesbench.mjs
	cd $(EXT) && node tools/docbench.mjs
	cd $(EXT) && node tools/startfloor.mjs
# clean loads over 72 blocks (make test runs 24): a tighter figure
	cd $(EXT) && CLEAN_LOAD_BLOCKS=72 node --test --test-timeout=1800000 test/cleanload.test.mjs

extension-howto: extension
	@echo "== RedFlag extension built =="
	@echo "Chromium: chrome://extensions -> Developer mode -> Load unpacked -> $(CURDIR)/$(EXT_BUILD)/chromium"
	@echo "Firefox:  about:debugging#/runtime/this-firefox -> Load Temporary Add-on -> $(CURDIR)/$(EXT_BUILD)/firefox/manifest.json"
	@echo "It updates from http://127.0.0.1:8080 (change in its settings)."
	@echo "Companies (Chromium, by policy): $(CURDIR)/$(EXT_BUILD)/chromium-managed, see README \"Deploying in a company\"."

run: extension-howto
test: test-extension
bench: bench-extension

## Edge (backend/edge): the public API on Cloudflare Workers with R2, run
## here in workerd by wrangler dev (README "Edge"). make test runs one
## contract table against redflag serve and the Worker.

EDGE       := backend/edge
EDGE_DEPS  := $(EDGE)/node_modules/.package-lock.json
EDGE_WASM  := $(EDGE)/build/app.wasm
EDGE_ENV   := REDFLAG_BIN=$(CURDIR)/$(BIN)/redflag REDFLAG_EDGE_DIR=$(CURDIR)/$(EDGE)

.PHONY: edge test-edge bench-edge clean-edge

$(EDGE_DEPS): $(EDGE)/package.json $(EDGE)/package-lock.json
	cd $(EDGE) && npm ci --no-audit --no-fund
	printf 'module ignored\n' > $(EDGE)/node_modules/go.mod

$(EDGE_WASM): $(GO_SOURCES)
	$(GO) run github.com/syumai/workers/cmd/workers-assets-gen -mode=go -o $(EDGE)/build
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -o $@ ./$(EDGE)/worker
	@echo "edge Worker module: $$(wc -c < $@) bytes, $$(gzip -9 -c $@ | wc -c) gzipped (Workers limit: 3 MB free, 10 MB paid, compressed)"

edge: $(EDGE_WASM) $(EDGE_DEPS)

test-edge: edge $(BIN)/redflag
	$(EDGE_ENV) $(GO) test -count=1 -v -run '^TestContract$$' ./$(EDGE)

# Snapshot GETs (200 and 304) against the Worker and redflag serve in the
# same run: throughput, p50 and p99 (backend/edge/load_test.go).
bench-edge: edge $(BIN)/redflag
	$(EDGE_ENV) REDFLAG_EDGE_BENCH=1 $(GO) test -count=1 -v -run '^TestLoad$$' -timeout 20m ./$(EDGE)

clean-edge:
	rm -rf $(EDGE)/build $(EDGE)/.wrangler

# The extension's browser tests also update from the Worker.
test-extension: edge

test: test-edge
bench: bench-edge
clean: clean-edge

## Admin console (backend/console): served by redflag serve at /admin;
## its browser test drives Debian's chromium with playwright-core against
## a real redflag serve, and writes the README's screenshots.

CONSOLE      := backend/console
CONSOLE_DEPS := $(CONSOLE)/node_modules/.package-lock.json

.PHONY: test-console bench-console

# The binary embeds the console's files.
$(BIN)/redflag: $(wildcard $(CONSOLE)/assets/*)

# As for the extension: a go.mod keeps Go files in npm packages out of ./...
$(CONSOLE_DEPS): $(CONSOLE)/package.json $(CONSOLE)/package-lock.json
	cd $(CONSOLE) && npm ci --no-audit --no-fund
	printf 'module ignored\n' > $(CONSOLE)/node_modules/go.mod

test-console: $(BIN)/redflag $(CONSOLE_DEPS)
	cd $(CONSOLE) && REDFLAG_BIN=$(CURDIR)/$(BIN)/redflag node --test --test-concurrency=1 --test-timeout=180000 test/*.test.mjs

# Entries page and search on a 1,000,000-entry list: through the server
# in process, then the console in Chromium against redflag serve.
bench-console: $(BIN)/redflag $(CONSOLE_DEPS)
	$(GO) test -run '^$$' -bench Entries1M -benchtime 20x -timeout 30m ./$(CONSOLE)
	$(CONSOLE)/bench.sh

test: test-console
bench: bench-console
