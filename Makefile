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

.PHONY: all build run test test-go bench bench-lists bench-backend fuzz clean embedded

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

build: $(BIN)/redflag

## Run

# The publisher signs with the development key, whose public half the
# binaries and the extension embed, so they trust its updates.
DATA ?= ./redflag-data
ADDR ?= 127.0.0.1:8080

run: build
	@echo "== redflag check on a sample (embedded default list) =="
	-./$(BIN)/redflag check 'HTTP://WWW.SilverStarChina.COM./careers?x=1#top' https://jobs.cloudfox.cloud/apply hr@jinyang.asia https://example.com 'cloudfox.com'
	@echo "== redflag serve (Ctrl-C stops it; data in $(DATA)) =="
	@echo "   make a token in another shell: ./$(BIN)/redflag token create --data $(DATA) --name you --role admin"
	./$(BIN)/redflag serve --addr $(ADDR) --data $(DATA) --key $(DEV_KEY).key

## Tests

test: embedded test-go

test-go:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) build -o /dev/null ./backend/public ./backend/publish
	$(GO) test -count=1 ./...

bench: bench-lists bench-backend

bench-lists: embedded
	$(GO) test -run '^$$' -bench . -benchmem -count 5 -timeout 60m ./lists/...

# Publisher: 1M-entry publication, admin paging, RSS, and snapshot GET
# throughput against nginx serving the same files (wrk); see the script.
bench-backend: embedded
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m ./backend/content ./backend/server
	$(GO) test -run '^$$' -bench Publish1M -benchtime 3x -timeout 60m ./backend/workflow
	bash backend/bench/run.sh

# Long fuzzing (make test runs only the seed corpora).
fuzz: embedded
	@for pkg in ./lists/canon ./lists/entry ./lists/ingest ./lists/snapshot; do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$t ($(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

clean:
	rm -rf $(BIN) $(EMBED)/default.snap $(EMBED)/trusted.pub
