# ocfkit: Pacemaker OCF resource agents in Go.
#   make            static agents in bin/
#   make test       everything CI runs (installs test/packages.txt as root)
#   make bench      each agent against its anchor, side by side
#   make install    agents into $(DESTDIR)$(OCFDIR)/resource.d/ocfkit, fence
#                   agents (fence_*) into $(DESTDIR)$(SBINDIR) with man pages
#   make packages   .deb and .rpm in dist/
#   make demo       the seed clusters failing over between two Pacemaker nodes,
#                   then on a single node (as root)

PREFIX  ?= /usr
OCFDIR  ?= $(PREFIX)/lib/ocf
SBINDIR ?= $(PREFIX)/sbin
MANDIR  ?= $(PREFIX)/share/man
DESTDIR ?=
GO      ?= go
VERSION ?= $(shell packaging/version.sh 2>/dev/null || echo 0.0.0~dev)
AGENTS  := $(notdir $(patsubst %/,%,$(dir $(wildcard agents/*/main.go))))
# Fence agents speak the fence-agents protocol and live where Pacemaker's
# fencer looks for them (/usr/sbin); the others are OCF resource agents.
FENCE_AGENTS := $(filter fence_%,$(AGENTS))
OCF_AGENTS   := $(filter-out fence_%,$(AGENTS))
LDFLAGS := -s -w -X github.com/ocfkit/ocfkit/ocf.Version=$(VERSION) -X github.com/ocfkit/ocfkit/fence.Version=$(VERSION)
# urfave/cli's man/markdown generator drags in blackfriday, whose init alone
# costs ~0.8 ms on every invocation: agents never need it. Nor HTTP/2: the
# apache check talks to a local server, and the cloud APIs speak HTTP/1.1;
# leaving it out keeps apache under its 8 MB budget with net/http. The list
# is in packaging/buildtags, which build.sh and the tests read too.
BUILDTAGS := $(shell cat packaging/buildtags)
TESTFLAGS ?= -race -count=1 -timeout 25m

.PHONY: all build test deps lint unit bench install uninstall packages demo clean

all: build

build: $(addprefix bin/,$(AGENTS))

bin/%: FORCE
	CGO_ENABLED=0 $(GO) build -trimpath -tags '$(BUILDTAGS)' -ldflags '$(LDFLAGS)' -o $@ ./agents/$*

FORCE:

lint:
	@fmt=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$fmt" ]; then echo "gofmt needed:"; echo "$$fmt"; exit 1; fi
	$(GO) vet ./...

# The whole suite: unit tests, system tests (veth, loop devices, apache,
# a real Pacemaker), ocf-tester. First the packages of test/packages.txt
# that are missing: installed as root on Debian/Ubuntu and Fedora/RHEL,
# else named with the command that installs them, and the system tests
# skip. OCFKIT_REQUIRE_SYSTEM=1 makes a test that cannot run (not root,
# package missing) fail instead of skip.
test: deps
	$(MAKE) lint build
	$(GO) test $(TESTFLAGS) ./...

deps:
	bash scripts/test-deps.sh

unit:
	$(GO) test -short -count=1 ./ocf/... ./providers/... ./internal/...

# Each agent against its anchor, then the seeds' recovery times under a
# real Pacemaker (median of 5 injected failures each), then failover times
# between two nodes (median of 5 power cuts, default token and token 1000).
bench: build
	OCFKIT_BENCH=1 $(GO) test -count=1 -timeout 90m -run . -v ./test/bench/ 2>&1 | tee bench.out | grep -E '^(BENCH|--- FAIL|FAIL|ok)'
	OCFKIT_BENCH=1 $(GO) test -count=1 -timeout 30m -run '^TestFailoverBench$$' -v ./test/multinode/ 2>&1 | tee -a bench.out | grep -E '^(BENCH|--- FAIL|FAIL|ok)'

install: build
	install -d -m 0755 $(DESTDIR)$(OCFDIR)/resource.d/ocfkit
	install -m 0755 $(addprefix bin/,$(OCF_AGENTS)) $(DESTDIR)$(OCFDIR)/resource.d/ocfkit/
	install -d -m 0755 $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(addprefix bin/,$(FENCE_AGENTS)) $(DESTDIR)$(SBINDIR)/
	$(GO) run ./packaging/genman -o $(DESTDIR)$(MANDIR)/man8 -version $(VERSION) $(addprefix bin/,$(FENCE_AGENTS))

uninstall:
	rm -f $(addprefix $(DESTDIR)$(OCFDIR)/resource.d/ocfkit/,$(OCF_AGENTS))
	-rmdir $(DESTDIR)$(OCFDIR)/resource.d/ocfkit
	rm -f $(addprefix $(DESTDIR)$(SBINDIR)/,$(FENCE_AGENTS))
	rm -f $(addsuffix .8,$(addprefix $(DESTDIR)$(MANDIR)/man8/,$(FENCE_AGENTS)))

# dist/ is cleared first so SHA256SUMS lists exactly what is there.
packages:
	rm -rf dist
	OCFKIT_VERSION=$(VERSION) BUILDTAGS='$(BUILDTAGS)' bash packaging/build.sh dist

demo:
	bash scripts/demo.sh

clean:
	rm -rf bin dist bench.out
