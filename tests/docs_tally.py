# tests/docs_tally.py — pass/fail counting for the docs tests (tests/docs_*.py): check() prints a
# FAIL line for each failed check, finish() the closing "NAME: N passed, N failed" and exits 1 on any.
import sys

count = {"pass": 0, "fail": 0}


def check(cond, msg):
    if cond:
        count["pass"] += 1
    else:
        count["fail"] += 1
        print("FAIL: " + msg)


def finish(name, extra=""):
    print(f"{name}: {count['pass']} passed, {count['fail']} failed{extra}")
    sys.exit(1 if count["fail"] else 0)
