# SPDX-License-Identifier: MIT
# The two commands (and a few more). Each installs what is missing first.
#   make demo    build and run the main demo; pictures go to out/
#   make test    build and run every test, then again under ASan+UBSan
#   make bench   build and run the benchmarks in bench/
JOBS  ?= 2
BUILD ?= build
ASAN_BUILD ?= build-asan

.PHONY: demo test bench deps build test-release test-asan clean

deps:
	@scripts/install-deps.sh

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	$(BUILD)/demo/moons_demo out

test: test-release test-asan

test-release: build
	ctest --test-dir $(BUILD) --output-on-failure

test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGRADLAB_SANITIZE=ON \
	  -DGRADLAB_BUILD_BENCH=OFF -DGRADLAB_BUILD_TUTORIALS=OFF
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure

bench: build
	$(BUILD)/bench/moons_step
	$(BUILD)/bench/chain_memory
	@if command -v python3 >/dev/null; then python3 bench/micrograd_step.py; \
	 else echo "moons_step_micrograd_python: skipped (no python3)"; fi

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) out
