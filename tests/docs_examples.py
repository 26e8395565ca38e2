# tests/docs_examples.py OPTDYN WORKDIR — extracts the examples of README.md and docs/*.md (fenced
# sh/python/ini blocks, indented `optdyn` blocks, inline `optdyn ...` spans) and runs the cheap ones.
#
# Every example runs in WORKDIR (experiments/ and build/ linked from the tree, OPTDYN's folder first
# on PATH), one document after another, README.md first, so later examples see earlier files:
#  - shell lines run with sh; `optdyn run experiments/X.ini` gets tests/docs_reduce.txt's --set
#    for X appended (same layout, seconds instead of minutes); SKIP lists what is not run, and why;
#  - a line with placeholders (EXP.ini, OUT.h5, FILE, [options], ...) is a synopsis: its command
#    must exist and every option it shows must appear in `optdyn COMMAND --help`;
#  - plain (untyped) blocks contribute only their `optdyn ...` lines; inline spans that are messages
#    (`optdyn run: wrote ...`) are not commands; /usr/local/share/optdyn/ paths are the tree's;
#  - python blocks run with /usr/bin/python3; ini blocks are run by `optdyn run` (reduced by kind);
#  - a results file an example reads that no earlier example wrote is first made from the shipped
#    experiment of the same stem (reduced), so examples may stand alone;
#  - an inline `optdyn COMMAND` without arguments names the command: it must exist.
#  - a document that shows `make install` gets its dry run checked: every plot script and every
#    file one loads is installed.
# Any non-zero exit (2: the example is not valid input) fails with FILE:LINE of the example.
import glob
import os
import re
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from docs_reduce import reduce_args  # noqa: E402
from docs_tally import check, finish  # noqa: E402

optdyn = os.path.abspath(sys.argv[1])
work = sys.argv[2]
repo = os.getcwd()
SKIP = [
    (r"^make\b", "a build or a make target: `make test` runs this test, `make figures` takes minutes"),
    (r"\bmpirun\b", "needs the MPI build; `make MPI=1 test-mpi` (tests/mpi_test.sh) checks it"),
    (r"experiments/big\.ini|results/big\.h5|shards/|part\$i|part\*", "the job-array illustration (its experiment is a "
     "placeholder name; --shard and merge are tested by tests/sweep_cli_test.sh)"),
    (r"^sh fuzz/", "libFuzzer runner: needs the clang build of `make fuzz`"),
    (r"^export PATH=", "environment setup; this test puts OPTDYN first on PATH itself"),
    (r"^man ", "needs the installed man page (make install)"),
]
PLACEHOLDER = re.compile(r"(?<![\w./-])[A-Z][A-Z0-9_]*(?![\w=])|\.\.\.|\[[-a-z]|\|")
nskip = 0
skipped = {}


def result(ok, where, msg):
    check(ok, f"{where}: {msg}")


def examples(path):
    """(line, kind, text) of each example of a markdown file; kind: sh, python, ini, synopsis."""
    out = []
    lines = open(path).read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^\s*```(\w*)", line)
        if m:
            lang, start, body = m.group(1), i + 1, []
            i += 1
            while i < len(lines) and not re.match(r"^\s*```", lines[i]):
                body.append(lines[i])
                i += 1
            text = "\n".join(body)
            if lang in ("sh", "bash", "shell"):
                out += [(start + 1 + k, "sh", ln) for k, ln in enumerate(body)
                        if ln.strip() and not ln.lstrip().startswith("#")]
            elif lang == "":               # plain text: only its optdyn command lines are examples
                out += [(start + 1 + k, "sh", ln.strip()) for k, ln in enumerate(body)
                        if re.match(r"^\s*optdyn ", ln)]
            elif lang in ("python", "ini"):
                out.append((start, lang, text))
            i += 1
            continue
        if line.startswith("    optdyn") and (i == 0 or not lines[i - 1].strip()):
            out.append((i + 1, "sh", line.strip()))
        for span in re.findall(r"`(optdyn[ _][^`]*)`", line):
            if re.match(r"^optdyn \w+:", span):
                continue                      # a message optdyn prints, not a command
            words = span.split()      # `optdyn run`: a name, checked as a synopsis; longer: run
            if len(words) > 1:
                out.append((i + 1, "synopsis" if len(words) == 2 else "sh", span.strip()))
        i += 1
    return out


def check_synopsis(where, cmd):
    words = cmd.split()
    prog = words[0]
    if prog != "optdyn":
        return result(True, where, "")
    sub = words[1] if len(words) > 1 and not words[1].startswith("-") else None
    r = subprocess.run([optdyn] + ([sub] if sub else []) + ["--help"], capture_output=True, text=True)
    result(r.returncode == 0, where, f"`{cmd}`: `optdyn {sub or ''} --help` exits {r.returncode}")
    for opt in re.findall(r"(?<![\w-])(--?[a-zA-Z][\w-]*)", cmd):
        result(re.search(r"(?<![\w-])" + re.escape(opt) + r"(?![\w-])", r.stdout) is not None, where,
               f"`{cmd}`: option {opt} is not in `optdyn {sub or ''} --help`")


def make_inputs(where, text):
    """Results files the example reads that do not exist yet: made from experiments/STEM.ini."""
    for rel in re.findall(r"((?:results/)?[a-z0-9][a-z0-9-]*\.h5)\b", text):
        stem = os.path.basename(rel)[:-3]
        ini = os.path.join("experiments", stem + ".ini")
        if os.path.exists(os.path.join(work, rel)) or not os.path.exists(ini):
            continue
        if re.search(r"-o\s+" + re.escape(rel), text):
            continue                          # the example writes it
        os.makedirs(os.path.join(work, os.path.dirname(rel) or "."), exist_ok=True)
        subprocess.run([optdyn, "run", "-q", ini, "-o", os.path.join(work, rel)] + reduce_args(ini),
                       capture_output=True)


def run_sh(where, cmd):
    global nskip
    for pat, why in SKIP:
        if re.search(pat, cmd):
            nskip += 1
            skipped.setdefault(why, []).append(where)
            return
    if PLACEHOLDER.search(cmd.split("#")[0]):
        return check_synopsis(where, cmd)
    if cmd.startswith("optdyn_bench") or "bench/optdyn_bench" in cmd:
        if not os.path.exists(os.path.join(repo, "build/bench/optdyn_bench")):
            nskip += 1
            skipped.setdefault("optdyn_bench is built by `make bench`", []).append(where)
            return
    cmd = re.sub(r"\s+#.*$", "", cmd)
    cmd = re.sub(r"/usr/local/share/optdyn/", repo + "/", cmd)   # installed files: the tree's own
    m = re.match(r"^optdyn run (\S*experiments/\S+\.ini)", cmd)
    if m and os.path.exists(m.group(1)):
        before, sep, after = cmd.partition(">")
        cmd = before.rstrip() + " " + " ".join(shlex.quote(a) for a in reduce_args(m.group(1))) \
            + (" " + sep + after if sep else "")
    make_inputs(where, cmd)
    env = dict(os.environ, PATH=os.path.dirname(optdyn) + ":" + os.environ["PATH"])
    try:
        r = subprocess.run(["sh", "-c", cmd], cwd=work, env=env, capture_output=True, text=True,
                           timeout=120)
        result(r.returncode == 0, where, f"`{cmd}` exits {r.returncode}: {r.stderr.strip()[:400]}")
    except subprocess.TimeoutExpired:
        result(False, where, f"`{cmd}` took more than 120 s: reduce it in tests/docs_reduce.txt or skip it")


def run_python(where, text):
    make_inputs(where, text)
    r = subprocess.run(["/usr/bin/python3", "-c", text], cwd=work, capture_output=True, text=True,
                       timeout=120)
    result(r.returncode == 0, where, f"python example exits {r.returncode}: {r.stderr.strip()[-400:]}")


def run_ini(where, text, n):
    ini = os.path.join(work, f"doc-example-{n}.ini")
    with open(ini, "w") as f:
        f.write(text + "\n")
    red = [a for a in reduce_args(ini) if True]
    r = subprocess.run([optdyn, "run", "-q", ini, "-o", ini[:-4] + ".h5"] + red, capture_output=True,
                       text=True, timeout=120)
    result(r.returncode == 0, where, f"ini example: optdyn run exits {r.returncode}: {r.stderr.strip()[:400]}")


def check_install(where):
    """`make install` (documented, not run: it would write outside the test): its dry run installs
    every plot script and every file a plot script loads, under the same relative path."""
    r = subprocess.run(["make", "-n", "install", "PREFIX=/p", "DESTDIR=/d"], capture_output=True,
                       text=True, env=dict(os.environ, MAKEFLAGS=""))
    installed = set()
    for m in re.finditer(r"^install -m \d+ (.+) /d/p/share/optdyn/(\S+)$", r.stdout, re.M):
        for src in m.group(1).split():
            for f in glob.glob(src):
                installed.add(os.path.join(m.group(2), os.path.basename(f)))
    for gp in sorted(glob.glob("plots/*.gp")):
        result(gp in installed, where, f"make install does not install {gp}")
        for lib in re.findall(r"^\s*load\s+[\"']([^\"']+)[\"']", open(gp).read(), re.M):
            result(lib in installed, where, f"make install does not install {lib}, which {gp} loads")


os.makedirs(os.path.join(work, "results"), exist_ok=True)
for d in ("experiments", "build", "tests", "plots"):
    if not os.path.exists(os.path.join(work, d)):
        os.symlink(os.path.join(repo, d), os.path.join(work, d))
docs = ["README.md"] + sorted(glob.glob("docs/*.md"))
n = 0
for doc in docs:
    for line, kind, text in examples(doc):
        where = f"{doc}:{line}"
        n += 1
        if kind == "sh":
            run_sh(where, text)
        elif kind == "synopsis":
            check_synopsis(where, text)
        elif kind == "python":
            run_python(where, text)
        else:
            run_ini(where, text, n)
    for line, text in ((i + 1, t) for i, t in enumerate(open(doc).read().split("\n"))):
        if "make install" in text:
            check_install(f"{doc}:{line}")
            break
for why, wheres in skipped.items():
    print(f"skipped {len(wheres)} ({why}): {', '.join(wheres)}")
finish("docs_examples", f" ({n} examples, {nskip} skipped)")
