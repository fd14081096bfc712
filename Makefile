# The two set-up commands of the README, plus helpers. Every target installs what is missing.
.PHONY: run test build release deps unit e2e clean fuzz bench style

run: release
	@mkdir -p data
	./build-release/bin/bia serve -c config/kratos.yml --watch-courier

release:
	@scripts/install-deps.sh
	cmake --preset release >/dev/null
	cmake --build --preset release

build:
	@scripts/install-deps.sh
	cmake --preset ci >/dev/null
	cmake --build --preset ci

test:
	@scripts/test.sh

unit: build
	ctest --preset ci -L 'unit|db'

e2e: build
	test/e2e/run.sh

clean:
	rm -rf build build-dev build-tidy build-asan build-release build-fuzz

# libFuzzer targets (clang-14), SECONDS each: make fuzz SECONDS=600
fuzz:
	@scripts/install-deps.sh --test
	scripts/fuzz.sh $(or $(SECONDS),600)

# Benchmarks against nginx and better-auth (release build, SQLite and PostgreSQL); see bench/README.md.
bench:
	@bench/run.sh

# clang-format every hand-written C++ file in place (make test checks it).
style:
	@scripts/check-style.sh --fix
