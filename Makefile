# A thin wrapper over CMake. `make demo` and `make test` are all the set-up a
# fresh Debian 12 machine needs: they install what is missing, then build.
PREFIX ?= /usr/local
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# Debian 12 packages: the build, the tests (mandoc, sqlite3, age, minisign, jq;
# chromium and python3-pil render and check the HTML report), the lint
# (clang-format, python3) and the demo; postgresql and libpq-dev: the team
# backend (tests/pg/ starts a throwaway cluster of the server); pgbouncer:
# the pooler a team may put in front of it (tests/pg/t_pooler.sh).
PACKAGES = g++ cmake make pkg-config libcli11-dev libsqlite3-dev libsodium-dev libssl-dev \
           nlohmann-json3-dev doctest-dev zlib1g-dev libutf8proc-dev libzip-dev libexpat1-dev \
           libxlsxwriter-dev mandoc sqlite3 age minisign jq clang-format python3 python3-jsonschema \
           chromium python3-pil python3-openpyxl python3-xlsxwriter postgresql libpq-dev \
           pgbouncer

# The C++ that `make lint` holds to the committed .clang-format.
FORMATTED = $(shell find cmd lib tests bench -name '*.cpp' -o -name '*.hpp' | sort)

.PHONY: all deps build test unit demo install lint bench clean

all: build

deps:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

test: build lint
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

demo: build
	bash examples/demo.sh $(BUILD)/sfcohort

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

# The habits the build keeps: formatting, man pages, module layering, no
# function over 120 lines, no command file over 300.
lint: deps
	@echo "clang-format --dry-run -Werror (cmd lib tests bench)"; clang-format --dry-run -Werror $(FORMATTED)
	mandoc -T lint -W warning man/*.[157]
	cmake -DROOT=$(CURDIR) -P cmake/check_layers.cmake
	@echo "cmake/lint_functions.py 120"; python3 cmake/lint_functions.py 120 $(FORMATTED)
	@long=$$(wc -l cmd/*.cpp | awk '$$2 != "total" && $$1 > 300 {print $$2 " (" $$1 " lines)"}'); \
	if [ -n "$$long" ]; then echo "cmd/ files over 300 lines: $$long"; exit 1; fi

bench: build
	bash bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD)
