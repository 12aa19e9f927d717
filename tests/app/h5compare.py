"""Compare two sre results files: every dataset and attribute, bit for bit,
except what legitimately differs between runs of the same study: /runtime,
and the root attributes created_utc and command_line.

usage: python3 h5compare.py A.h5 B.h5   (exit 0 when identical, 1 with a list of differences)
Environment H5COMPARE_ALLOW_NEW: comma-separated datasets or attributes (`/group@name`) that
B may hold and A not (what a newer version adds), e.g. /targets/class,/@k_classes.
"""
import os
import sys

import h5py
import numpy as np

SKIP_GROUPS = ("/runtime",)
SKIP_ROOT_ATTRS = {"created_utc", "command_line"}


def collect(path):
    items = {}
    with h5py.File(path, "r") as f:
        def attrs(name, obj):
            for k, v in obj.attrs.items():
                if name == "/" and k in SKIP_ROOT_ATTRS:
                    continue
                items[f"{name}@{k}"] = np.asarray(v)

        attrs("/", f)

        def visit(name, obj):
            full = "/" + name
            if any(full == g or full.startswith(g + "/") for g in SKIP_GROUPS):
                return
            attrs(full, obj)
            if isinstance(obj, h5py.Dataset):
                items[full] = np.asarray(obj[()])

        f.visititems(visit)
    return items


def same(a, b):
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype.kind in "OSU":
        return a.tolist() == b.tolist()
    return a.tobytes() == b.tobytes()


def main():
    a, b = collect(sys.argv[1]), collect(sys.argv[2])
    diffs = [f"only in {sys.argv[1]}: {k}" for k in sorted(a.keys() - b.keys())]
    allowed = {x for x in os.environ.get("H5COMPARE_ALLOW_NEW", "").split(",") if x}
    diffs += [f"only in {sys.argv[2]}: {k}" for k in sorted(b.keys() - a.keys()) if k not in allowed]
    diffs += [f"differs: {k}" for k in sorted(a.keys() & b.keys()) if not same(a[k], b[k])]
    for d in diffs[:40]:
        print(d)
    if diffs:
        print(f"{len(diffs)} differences between {sys.argv[1]} and {sys.argv[2]}")
        return 1
    print(f"identical statistics ({len(a)} datasets and attributes): {sys.argv[1]} == {sys.argv[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
