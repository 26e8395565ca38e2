# tests/docs_reduce.py — the reduced `--set` arguments of tests/docs_reduce.txt for one experiment
# file (its kind's, then its own), shared by the docs tests that run shipped experiments.
import os
import re
import shlex


def kind_of(ini):
    """The [experiment] kind of an experiment file (trajectory when not set)."""
    section = None
    with open(ini) as f:
        for line in f:
            s = line.strip()
            if s.startswith("["):
                section = s.strip("[]").strip()
            m = re.match(r"kind\s*=\s*([a-z]+)", s)
            if m and section == "experiment":
                return m.group(1)
    return "trajectory"


TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "docs_reduce.txt")


def reduce_args(ini, table=TABLE):
    stem = os.path.splitext(os.path.basename(ini))[0]
    want = ("kind:" + kind_of(ini), "exp:" + stem)
    args = {w: [] for w in want}
    with open(table) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            head, _, rest = line.strip().partition(" ")
            if head in args:
                args[head] += shlex.split(rest)
    return args[want[0]] + args[want[1]]
