#!/usr/bin/env python3
"""Checks the layering of src/: each layer includes only itself and the layers below it
that its CMakeLists.txt links, each external library stays in the layers named here, and
a layer's private headers (PRIVATE) are included by that layer alone.
Usage: check_layers.py [REPO_ROOT]. Exit 1 with one line per violation."""
import pathlib
import re
import sys

# The layers a layer may include: those it links, read from its CMakeLists.txt
# (`sre_layer(NAME SOURCES ... DEPS a b ... LIBS ...)`), so CMake and this check agree.
LAYER_CALL = re.compile(r"sre_layer\(\s*(\w+)(.*?)\)\s*$", re.S | re.M)


def read_layers(src: pathlib.Path) -> dict:
    allowed = {}
    for cmake in sorted(src.glob("*/CMakeLists.txt")):
        for name, body in LAYER_CALL.findall(cmake.read_text()):
            deps = re.search(r"DEPS\s+(.*?)(?:\s+LIBS\s|$)", body, re.S)
            allowed[name] = set(deps.group(1).split()) if deps else set()
    return allowed


# External headers (regex on the include) and the only layers that may include them.
EXTERNAL = {
    r"^boost/": {"app"},
    r"^(hdf5|H5)": {"io"},
    r"^(Clp|Coin)": {"dispatch", "response"},
    r"^mpi\.h$": {"study"},
    r"^(tbb|oneapi)/": {"dispatch", "study", "planning", "campaign", "app"},
    r"^Random123/": {"sampling"},
    r"^Eigen/": {"kernels", "flow"},
    r"^nettle/": {"io"},
    r"^nlohmann/": {"app", "model"},
}
# Headers of a layer that only that layer may include (its private implementation):
# the HDF5 handles are io's; the other layers use io/hdf5_file.hpp.
PRIVATE = {
    "io/hdf5_handles.hpp": "io",
}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    src = root / "src"
    problems = []
    ALLOWED = read_layers(src)
    layers = {p.name for p in src.iterdir() if p.is_dir()}
    for extra in sorted(layers - ALLOWED.keys()):
        problems.append(f"src/{extra}/: a folder that is not a known layer (no sre_layer() in its CMakeLists.txt)")
    for path in sorted(src.rglob("*")):
        if path.suffix not in {".cpp", ".hpp", ".in"}:
            continue
        layer = path.relative_to(src).parts[0]
        allowed = ALLOWED.get(layer, set()) | {layer}
        for lineno, line in enumerate(path.read_text().splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            kind, name = m.groups()
            head = name.split("/")[0]
            where = f"{path.relative_to(root)}:{lineno}"
            if kind == '"' and name in PRIVATE and layer != PRIVATE[name]:
                problems.append(f"{where}: {name} is private to {PRIVATE[name]}, not for {layer}")
            if kind == '"' and head in ALLOWED and head not in allowed:
                problems.append(f"{where}: layer {layer} includes {name} (layer {head} is not below it)")
            for pattern, owners in EXTERNAL.items():
                if re.match(pattern, name) and layer not in owners:
                    problems.append(f"{where}: {name} belongs to {', '.join(sorted(owners))}, not {layer}")
    for p in problems:
        print(p)
    print(f"check_layers: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
