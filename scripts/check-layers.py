#!/usr/bin/env python3
"""Layering check (part of `make test`): a module may include headers of itself and of modules
declared *before* it in src/CMakeLists.txt (the order is the layering of docs/architecture.md),
never of a module declared after it. Test sources (*_test.cpp, *_dbtest.cpp, and the *_fuzz.cpp
targets in test/fuzz/<module folder>/) may also include the modules named in their module's
TEST_DEPS. The composition root src/app/ comes last.

Prints each violation as `file:line: module A includes "x/y.hpp" of module B, declared after it`
and exits 1 when there is any.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
FUZZ = ROOT / "test" / "fuzz"


def method_modules():
    """The folders under src/strategy/: one method module each (src/CMakeLists.txt declares them
    in a loop as strategy_<folder>, and ${BIA_METHOD_MODULES} names them all)."""
    return sorted(p.name for p in (SRC / "strategy").iterdir() if p.is_dir())


def modules():
    text = (SRC / "CMakeLists.txt").read_text()
    text = re.sub(r"#[^\n]*", "", text)
    methods = method_modules()
    order = []
    calls = []
    for call in re.finditer(r"bia_module\(([^)]*)\)", text):
        body = call.group(1).replace("${BIA_METHOD_MODULES}", " ".join("bia_strategy_" + m for m in methods))
        if "${m}" in body:
            calls.extend(body.replace("${m}", m) for m in methods)
        else:
            calls.append(body)
    for body in calls:
        words = body.split()
        name, args = words[0], words[1:]
        directory, test_deps, key = name, [], None
        for w in args:
            if w in ("DIR", "DEPS", "TEST_DEPS"):
                key = w
            elif key == "DIR":
                directory = w
            elif key == "TEST_DEPS" and w.startswith("bia_"):
                test_deps.append(w[len("bia_"):])
        order.append((name, directory, test_deps))
    order.append(("app", "app", []))  # add_subdirectory(app): the composition root, above all
    return order


def main():
    order = modules()
    index = {name: i for i, (name, _, _) in enumerate(order)}
    by_dir = {directory: name for name, directory, _ in order}
    test_deps = {name: set(deps) for name, _, deps in order}

    def module_of_dir(rel_dir):
        return by_dir.get(rel_dir)

    include = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
    violations = []
    files = 0
    # Sources under src/, and the fuzz targets under test/fuzz/<module folder>/ (test sources of
    # that module).
    sources = [(p, SRC) for p in sorted(SRC.rglob("*"))] + [(p, FUZZ) for p in sorted(FUZZ.rglob("*_fuzz.cpp"))]
    for path, base in sources:
        if path.suffix not in (".cpp", ".hpp") or "_fuzz_corpus" in path.parts[-2]:
            continue
        rel_dir = path.parent.relative_to(base).as_posix()
        owner = module_of_dir(rel_dir)
        if owner is None:
            continue
        files += 1
        is_test = re.search(r"(_test|_dbtest|_fuzz)\.cpp$", path.name) is not None
        allowed_above = test_deps[owner] if is_test else set()
        for lineno, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = include.match(line)
            if not m:
                continue
            target = module_of_dir(pathlib.PurePosixPath(m.group(1)).parent.as_posix())
            if target is None or target == owner:
                continue
            if index[target] > index[owner] and target not in allowed_above:
                violations.append(
                    f"{path.relative_to(ROOT)}:{lineno}: module {owner} includes \"{m.group(1)}\" of module "
                    f"{target}, declared after it in src/CMakeLists.txt"
                )
    for v in violations:
        print(v)
    if violations:
        print(f"check-layers: {len(violations)} include(s) against the layering (src/CMakeLists.txt order)")
        return 1
    print(f"check-layers: clean ({files} files, {len(order)} modules)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
