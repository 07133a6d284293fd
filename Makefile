# imcsim: the two commands of the README, plus developer targets.
#   make run             set up, build, run the main job
#   make test            set up, build, run every test through ctest
#   make check-sanitize  the same tests built with AddressSanitizer + UndefinedBehaviorSanitizer

BUILD_DIR ?= build
SANITIZE_DIR ?= build-sanitize
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
GENERATOR := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")

.PHONY: setup build run test check-sanitize bench format tidy clean

setup:
	@bash scripts/setup.sh

$(BUILD_DIR)/CMakeCache.txt: | setup
	cmake -S . -B $(BUILD_DIR) $(GENERATOR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: setup $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/apps/imcsim run --out $(BUILD_DIR)/run

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

check-sanitize: setup
	cmake -S . -B $(SANITIZE_DIR) $(GENERATOR) -DCMAKE_BUILD_TYPE=Sanitize -DIMCSIM_USE_BLAS=OFF $(CMAKE_FLAGS)
	cmake --build $(SANITIZE_DIR) -j $(JOBS)
	ctest --test-dir $(SANITIZE_DIR) --output-on-failure -j $(JOBS)

bench: build
	$(BUILD_DIR)/apps/imcsim bench mvm

format:
	find base hw interconnect cores firmware chip report apps bench tests examples -name '*.h' -o -name '*.cpp' | xargs clang-format -i

tidy: build
	find base hw interconnect cores firmware chip report apps bench -name '*.cpp' | xargs clang-tidy -p $(BUILD_DIR) --quiet

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR)
