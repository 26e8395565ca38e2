# tests/docs_schema.py OPTDYN TMPDIR [SCHEMA_MD] — runs every shipped experiment reduced
# (tests/docs_reduce.txt) and compares each HDF5 file with docs/hdf5-schema.md, both directions.
#
# The schema doc is read by its sections: a heading naming a path (`## /flow`, `### /trajectory/
# NAME/noise_scale`; NAME, LIMIT, J, ... are placeholders) covers that path and what is below it
# (the deepest such heading wins; "Root attributes" covers the root's attributes). Checked:
#  - every group, dataset and attribute name in a file is a backticked name of its section
#    (`a/b`, `{a, b}`, `x`(`_se`) and `lr_FORM` with FORM one of the section's names count), or
#    a name the experiment gives (optimizer sections, limits, blocks, rules, indices), or, for
#    attributes, a key `optdyn list` knows (groups carry their resolved keys);
#  - every name in the first column of a section's tables occurs in some file of that section;
#  - table rows `| name | shape [type] | ... |` (or a type column): rank and type (float64 when
#    no type is written; str = variable-length string) of every dataset of that name;
#  - every axis of every dataset that is not itself a dimension scale has a scale attached.
# ALLOW lists the exceptions, each with its reason.
import glob
import os
import re
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from docs_reduce import reduce_args  # noqa: E402
from docs_tally import check, finish  # noqa: E402

optdyn, tmp = sys.argv[1], sys.argv[2]
doc_path = sys.argv[3] if len(sys.argv) > 3 else "docs/hdf5-schema.md"
# placeholder words of the doc (a path component or a part of a name: `lr_FORM`, `PARAM_lo`)
PLACEHOLDERS = {"NAME", "LIMIT", "J", "LAW", "BLOCK", "OPTIMIZER", "RULE", "FORM", "PARAM", "KEY"}

# documented names no reduced shipped experiment writes (table rows checked only one way)
ALLOW_UNSEEN = {
    "test_loss": "trajectories on fmnist_* problems only; the one shipped fmnist experiment is a sweep",
    "test_accuracy": "as test_loss",
}
ALLOW_NO_SCALE = {
}



# ---------------------------------------------------------------- the doc
class Section:
    def __init__(self, title, line):
        self.title, self.line = title, line
        m = re.search(r"(/[^\s]*)", title)
        self.pattern = [] if title.startswith("Root") else [c for c in m.group(1).split("/") if c] if m else None
        self.names = set()          # every backticked name
        self.rows = []              # (line, [names], rank or None, dtype or None)
        self.seen = set()


def expand(tok):
    """`a/b`, `{a, b}` and `/p/q` -> the names they contain."""
    out = set()
    m = re.match(r"^(.*)\{([^}]*)\}(.*)$", tok)
    parts = [m.group(1) + x.strip() + m.group(3) for x in m.group(2).split(",")] if m else [tok]
    for p in parts:
        out |= {c for c in p.split("/") if c}
    return out


sections = []
with open(doc_path) as f:
    lines = f.read().split("\n")
cur = None
header = None
for no, line in enumerate(lines, 1):
    if line.startswith("#"):
        cur = Section(line.lstrip("# ").strip(), no)
        sections.append(cur)
        header = None
        continue
    if cur is None:
        continue
    for a, b in re.findall(r"`([^`]+)`(\(`_[a-z]+`\))?", line):
        a = a.strip()
        if re.match(r"^[A-Za-z0-9_/{}, .@]+$", a) and " " not in a.replace(", ", ","):
            cur.names |= expand(a)
            if b:
                cur.names |= {n + b[2:-2] for n in expand(a)}
    if line.startswith("|"):
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if header is None:
            header = [c.lower() for c in cells]
        elif not set("".join(cells)) <= set("-: "):
            names = re.findall(r"`([^`]+)`", cells[0])
            # shape cell "[r], [r][n]" or "[n] str, int64": the i-th name takes the i-th part (the
            # last part for the rest), a part without brackets keeps the rank before it
            col_type = None
            if "type" in header and header[0] != "type":
                m = re.search(r"\b(int64|float64|str)\b", cells[header.index("type")])
                col_type = m.group(1) if m else None
            parts = [(None, col_type)]
            if "shape" in header:
                parts, rank = [], None
                for part in cells[header.index("shape")].split(","):
                    n_br = len(re.findall(r"\[[^\]]*\]", part))
                    rank = n_br if n_br else rank
                    m = re.search(r"\b(int64|float64|str)\b", part)
                    parts.append((rank, m.group(1) if m else col_type or "float64"))
            if header[0] in ("dataset", "attribute"):
                typed = [(n,) + parts[min(i, len(parts) - 1)] for i, n in enumerate(names)]
                cur.rows.append((no, typed, header[0]))
    else:
        header = None
GLOBAL = set().union(*(s.names for s in sections if s.pattern is None))   # the page's preamble
sections = [s for s in sections if s.pattern is not None]


def has_placeholder(name):
    return any(w in PLACEHOLDERS for w in name.split("_"))


def comp_match(pat, name):
    return pat in PLACEHOLDERS or pat == name


def section_of(parts):
    """The deepest section whose path is a prefix of parts, else the shallowest below them."""
    best = None
    for s in sections:
        if len(s.pattern) <= len(parts) and all(comp_match(p, n) for p, n in zip(s.pattern, parts)):
            if best is None or len(s.pattern) > len(best.pattern):
                best = s
    if best is None or (not best.pattern and parts):
        below = [s for s in sections if len(s.pattern) > len(parts)
                 and all(comp_match(p, n) for p, n in zip(s.pattern, parts))]
        if below:
            best = min(below, key=lambda s: len(s.pattern))
    return best


def documented(sec, name):
    if name in sec.names or name in GLOBAL:
        return True
    plain = "|".join(re.escape(n) for n in sorted(sec.names, key=len, reverse=True)
                     if not has_placeholder(n))
    for n in sec.names:              # lr_FORM, PARAM_lo: the placeholder one of the section's names
        if has_placeholder(n):
            pat = "_".join("(?:%s)" % plain if w in PLACEHOLDERS else re.escape(w) for w in n.split("_"))
            if re.fullmatch(pat, name):
                return True
    return False


# ---------------------------------------------------------------- program knowledge
listing = subprocess.run([optdyn, "list"], capture_output=True, text=True, check=True).stdout
KEYS = set(re.findall(r"^ {4}([a-z][a-z0-9_]*) ", listing, re.M))
LIMITS = set(re.findall(r"^ +limit ([a-z0-9_]+):", listing, re.M)) | {"sme1", "sme2"}


def dynamic_names(f):
    """Names the experiment itself gives: optimizer sections (and @mu= variants), limits, blocks, rules."""
    names = set(LIMITS)
    exp = f.attrs.get("experiment", "")
    exp = exp.decode() if isinstance(exp, bytes) else exp
    names |= set(re.findall(r"^\s*\[\s*optimizer\s+([^\]\s]+)\s*\]", exp, re.M))
    for p in ("sweep/optimizer", "scaling/rule", "scaling/optimizer", "onestep/optimizer"):
        if p in f:
            names |= {v.decode() if isinstance(v, bytes) else str(v) for v in f[p][()]}
    if "problem" in f and "blocks" in f["problem"].attrs:
        b = f["problem"].attrs["blocks"]
        b = b.decode() if isinstance(b, bytes) else str(b)
        names |= {x.strip().split(" ")[0] for x in b.split(",")}
    return names


def dtype_name(dt):
    if h5py.check_string_dtype(dt) is not None:
        return "str"
    if dt.kind == "i":
        return "int64" if dt.itemsize == 8 else "int%d" % (8 * dt.itemsize)
    if dt.kind == "f":
        return "float64" if dt.itemsize == 8 else "float%d" % (8 * dt.itemsize)
    return str(dt)


def check_file(path, label):
    with h5py.File(path, "r") as f:
        dyn = dynamic_names(f)
        objs = [("", f)]
        f.visititems(lambda n, o: objs.append((n, o)))
        for name, obj in objs:
            parts = [c for c in name.split("/") if c]
            sec = section_of(parts) if parts else next(s for s in sections if not s.pattern)
            if sec is None:
                check(False, f"{label}: /{name}: no section of {doc_path} covers it")
                continue
            # path components below the section's own path
            for i, c in enumerate(parts[len(sec.pattern):] if len(parts) >= len(sec.pattern) else []):
                ok = documented(sec, c) or c in dyn or c.isdigit() or "@mu=" in c
                check(ok, f"{label}: /{name}: '{c}' is not documented in {doc_path} "
                      f"section '{sec.title}' (line {sec.line})")
                if ok:
                    sec.seen.add(c)
            for c in parts:
                sec.seen.add(c)
            for a in obj.attrs:
                if a in ("CLASS", "NAME", "REFERENCE_LIST", "DIMENSION_LIST", "_Netcdf4Dimid",
                         "_Netcdf4Coordinates"):
                    continue                       # HDF5 dimension-scale bookkeeping
                ok = documented(sec, a) or a in KEYS
                check(ok, f"{label}: attribute '{a}' of /{name} is not documented in {doc_path} "
                      f"section '{sec.title}' (line {sec.line})")
                sec.seen.add(a)
            for lno, typed, what in sec.rows:
                if what != "attribute":
                    continue
                for n, rank, dtype in typed:
                    for x in expand(n):
                        if x in obj.attrs and dtype:
                            check(dtype_name(np.asarray(obj.attrs[x]).dtype) == dtype
                                  or (dtype == "str" and isinstance(obj.attrs[x], str)),
                                  f"{label}: attribute {x} of /{name}: {doc_path}:{lno} says {dtype}")
            if not isinstance(obj, h5py.Dataset):
                continue
            rel = "/".join(parts[len(sec.pattern):])
            for lno, typed, what in sec.rows:
                if what != "dataset":
                    continue
                for n, rank, dtype in typed:
                    if rank is None:
                        continue
                    pat = "(^|/)" + "/".join("[^/]+" if c in PLACEHOLDERS else re.escape(c)
                                             for c in n.split("/")) + "$"
                    if re.search(pat, rel):
                        got = dtype_name(obj.dtype)
                        check(obj.ndim == rank, f"{label}: /{name} has rank {obj.ndim}, {doc_path}:{lno} says {rank}")
                        check(got == dtype, f"{label}: /{name} is {got}, {doc_path}:{lno} says {dtype}")
            if obj.attrs.get("CLASS") == b"DIMENSION_SCALE" or obj.ndim == 0:
                continue
            for i in range(obj.ndim):
                ok = len(obj.dims[i]) > 0 or rel in ALLOW_NO_SCALE or parts[-1] in ALLOW_NO_SCALE
                check(ok, f"{label}: /{name}: axis {i} has no dimension scale attached")


os.makedirs(tmp, exist_ok=True)
for ini in sorted(glob.glob("experiments/*.ini")):
    stem = os.path.splitext(os.path.basename(ini))[0]
    out = os.path.join(tmp, stem + ".h5")
    r = subprocess.run([optdyn, "run", "-q", ini, "-o", out] + reduce_args(ini),
                       capture_output=True, text=True)
    if r.returncode != 0:
        check(False, f"{ini}: optdyn run (reduced) exit {r.returncode}: {r.stderr.strip()[:300]}")
        continue
    check_file(out, ini)

for s in sections:
    if not s.pattern and not s.title.startswith("Root"):
        continue
    if s.pattern and not s.seen:
        continue                      # a kind no shipped experiment has
    for lno, typed, what in s.rows:
        for n, rank, dtype in typed:
            for x in expand(n):
                if has_placeholder(x) or x in ALLOW_UNSEEN:
                    continue
                check(x in s.seen, f"{doc_path}:{lno}: '{x}' is documented but no shipped experiment's "
                      f"file has it (section '{s.title}')")
finish("docs_schema")
