# tests/docs_keys.py OPTDYN [CONFIG_MD] — the keys `optdyn list` prints (every section, problem type,
# optimizer type) against the key tables of docs/config.md: names and defaults, both directions.
import re
import subprocess
import sys

from docs_tally import check, finish

optdyn = sys.argv[1]
doc_path = sys.argv[2] if len(sys.argv) > 2 else "docs/config.md"
COMMON = "*every type*"          # optimizer keys every type takes (docs: "### ... (every type)")


# ---- the program: `optdyn list` ------------------------------------------------------------
# key lines are "    NAME DEFAULT DESCRIPTION" in columns; DEFAULT is one token, a ", "-separated
# list, or blank (the description then starts in the default's column or later); a NAME longer
# than its column pushes the default right by what it overflows.
KEY = re.compile(r"^    ([a-z][a-z0-9_]*)( +)([^\s,]+(?:, [^\s,]+)*)")
prog = {"section": {}, "problem": {}, "optimizer": {}}   # kind -> name -> {key: default}
out = subprocess.run([optdyn, "list"], capture_output=True, text=True, check=True).stdout
starts = [m.start(3) for m in map(KEY.match, out.splitlines()) if m and len(m.group(2)) > 1]
col = max(set(starts), key=starts.count)          # where defaults start (the usual case)
where = None
group = None
for line in out.splitlines():
    m = re.match(r"^\[([a-z]+)\] keys", line)
    if m:
        where, group = "section", m.group(1)
        prog[where].setdefault(group, {})
        continue
    if line.startswith("problems "):
        where = "problem"
        continue
    if line.startswith("optimizers "):
        where = "optimizer"
        continue
    if line.startswith("experiment kinds"):
        where = None
        continue
    m = re.match(r"^  (\S+)", line)
    if m and where in ("problem", "optimizer"):
        group = COMMON if line.startswith("  every type also") else m.group(1)
        prog[where].setdefault(group, {})
        continue
    m = KEY.match(line)
    if m and where:
        blank = len(m.group(2)) > 1 and m.start(3) > col    # nothing in the default's column
        prog[where][group][m.group(1)] = "" if blank else m.group(3)

# ---- the docs: key tables of docs/config.md ----------------------------------------------------
# | `key` | default | meaning |           under "## [section]" (and "### ... (every type)")
# | `type` | keys (default) | what |      problems: `key` (default, remark), `key` (optional/required)
# | `type` | rule | keys (default) |      optimizers
doc = {"section": {}, "problem": {}, "optimizer": {}}
line_of = {}
heading = None
header = None
with open(doc_path) as f:
    for no, line in enumerate(f, 1):
        if line.startswith("#"):
            m = re.match(r"^## \[([a-z]+)", line)
            heading = ("section", m.group(1)) if m else None
            if line.startswith("### ") and "(every type)" in line:
                heading = ("optimizer", COMMON)
            header = None
            continue
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if header is None:
            header = [c.lower() for c in cells]
            continue
        if set("".join(cells)) <= set("-: "):
            continue
        if header[:2] == ["key", "default"] and heading:
            kind, name = heading
            for key in re.findall(r"`([a-z][a-z0-9_]*)`", cells[0]):    # `axis`, `values`: one default
                doc[kind].setdefault(name, {})[key] = cells[1].replace("`", "")
                line_of[(kind, name, key)] = no
        elif header[0] == "type" and "keys (default)" in header:
            kind = "problem" if header[1] == "keys (default)" else "optimizer"
            col = cells[header.index("keys (default)")]
            # top-level comma-separated items: `key` [symbol] [(default, remark)] [range]
            items, depth, cur = [], 0, ""
            for ch in col:
                depth += (ch in "([") - (ch in ")]")      # ranges such as [0, 1)
                if ch == "," and depth == 0:
                    items.append(cur)
                    cur = ""
                else:
                    cur += ch
            items.append(cur)
            for t in re.findall(r"`([a-z0-9_]+)`", cells[0]):
                for it in items:
                    m = re.match(r"\s*the keys of `([a-z0-9_]+)`", it)     # a type documented above
                    if m:
                        for k, d in doc[kind].get(m.group(1), {}).items():
                            doc[kind].setdefault(t, {})[k] = d
                            line_of[(kind, t, k)] = no
                        continue
                    m = re.match(r"\s*`([a-z][a-z0-9_]*)`(?:\s+\w+)?\s*(?:\(([^)]*)\))?", it)
                    if not m:
                        continue
                    d = m.group(2)
                    if d is not None:          # "(2, at most 4096)": the default, then remarks
                        d = d.replace("`", "")
                        d = "required" if "required" in d else d.split(",")[0].strip()
                    doc[kind].setdefault(t, {})[m.group(1)] = d
                    line_of[(kind, t, m.group(1))] = no


def num(s):
    try:
        return float(s)
    except ValueError:
        return None


def same_default(p, d):
    """p: optdyn list's default; d: the docs' (None: a type-row key given without a default)."""
    if p == "(required)":
        return d in (None, "required")
    if p == "(optional)":
        return d != "required"
    if p == "":
        return d in ("", "empty", "none")
    if d is None:
        return False
    ps, ds = p.split(", "), d.split(", ")
    if len(ps) != len(ds):
        return False
    for a, b in zip(ps, ds):
        if num(a) is not None and num(b) is not None:
            if num(a) != num(b):
                return False
        elif a != b:
            return False
    return True


for kind in ("section", "problem", "optimizer"):
    for name in sorted(set(prog[kind]) | set(doc[kind])):
        what = f"[{name}]" if kind == "section" else f"{kind} {name}"
        pk, dk = prog[kind].get(name), doc[kind].get(name)
        if pk is None:
            check(False, f"docs/config.md:{min(v for k, v in line_of.items() if k[:2] == (kind, name))}: "
                  f"{what} is documented but `optdyn list` does not know it")
            continue
        common = doc["optimizer"].get(COMMON, {}) if kind == "optimizer" and name != COMMON else {}
        if dk is None and not (kind == "optimizer" and name != COMMON):
            check(False, f"{what}: printed by `optdyn list` but has no key table in {doc_path}")
            continue
        dk = dk or {}
        for key, pdef in pk.items():
            ddef = dk.get(key, common.get(key, "<absent>"))
            if ddef == "<absent>":
                check(False, f"{what}: key '{key}' (default {pdef}) is accepted but not documented in {doc_path}")
            else:
                ln = line_of.get((kind, name, key)) or line_of.get(("optimizer", COMMON, key))
                check(same_default(pdef, ddef),
                      f"{doc_path}:{ln}: {what} {key}: documented default '{ddef}', optdyn list says '{pdef}'")
        for key in dk:
            types = [k for t, k in prog["optimizer"].items() if t != COMMON]
            if name == COMMON and key not in pk and all(key in k for k in types):
                continue                   # printed with each type (ema) rather than in the common list
            if key not in pk:
                check(False, f"{doc_path}:{line_of[(kind, name, key)]}: {what} key '{key}' is documented "
                      "but not accepted (not in `optdyn list`)")
# keys of the "every type" table must be accepted by every optimizer type
for key, ln in ((k[2], v) for k, v in line_of.items() if k[:2] == ("optimizer", COMMON)):
    for t, keys in prog["optimizer"].items():
        if t != COMMON and key not in keys and key not in prog["optimizer"].get(COMMON, {}):
            check(False, f"{doc_path}:{ln}: '{key}' is documented for every type but {t} does not take it")
finish("docs_keys")
