# tests/h5_same.py A.h5 B.h5 — exit 0 when both files hold the same datasets, byte for byte
# (dtype, shape and contents), else print the first difference and exit 1.
import sys

import h5py


def content(o):
    if o.dtype.kind == "O":                      # strings: compare the text, not pointers
        return repr(o.asstr()[()].tolist()).encode()
    return o[()].tobytes()


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda n, o: out.__setitem__(n, (o.dtype.str, o.shape, content(o)))
                     if isinstance(o, h5py.Dataset) else None)
    return out


def same(path_a, path_b):
    a, b = datasets(path_a), datasets(path_b)
    if sorted(a) != sorted(b):
        print("different dataset lists:", sorted(set(a) ^ set(b)))
        return False
    for name in sorted(a):
        if a[name] != b[name]:
            print("dataset differs:", name)
            return False
    return len(a) > 0


if __name__ == "__main__":
    sys.exit(0 if same(sys.argv[1], sys.argv[2]) else 1)
