#!/bin/sh
# tests/install_test.sh OPTDYN — runs from any folder: `make install PREFIX=tmp`, then from an
# empty folder an installed experiment writes ./<stem>.h5, `optdyn plot` draws it with the
# installed scripts, and `man -l` reads the installed optdyn(1); no shipped experiment names an
# output folder (that folder would not exist where an installed copy runs).
OPTDYN=${1:-build/optdyn}
. tests/lib.sh

for f in experiments/*.ini; do
    grep -q '^output *=' "$f" && bad "$f sets [experiment] output: installed copies would fail" || ok
done
prefix=$tmp/prefix
make --no-print-directory install PREFIX="$prefix" BUILD="$(dirname "$OPTDYN")" > "$tmp/make.log" 2>&1 &&
    ok || { bad "make install failed"; cat "$tmp/make.log"; finish install_test; exit 1; }
mkdir "$tmp/work"
cd "$tmp/work" || exit 1
exp=$prefix/share/optdyn/experiments/rosenbrock-trajectories.ini
expect_exit 0 "wrote rosenbrock-trajectories.h5: kind = trajectory, 6 optimizers" \
    "$prefix/bin/optdyn" run --set run.steps=20 "$exp"
[ -f rosenbrock-trajectories.h5 ] && ok || bad "the installed run wrote no ./rosenbrock-trajectories.h5"
expect_exit 0 "" "$prefix/bin/optdyn" run -q --set onestep.samples=20 --set onestep.batch=1,4 \
    "$prefix/share/optdyn/experiments/sign-erf.ini"
[ -f sign-erf.h5 ] && [ ! -s "$tmp/stderr" ] && ok || bad "run -q: no ./sign-erf.h5 or output on stderr"
if command -v gnuplot > /dev/null; then
    expect_exit 0 "" env OPTDYN_DATADIR= "$prefix/bin/optdyn" plot rosenbrock-trajectories.h5
    [ -s rosenbrock-trajectories.png ] && ok || bad "installed plot wrote no rosenbrock-trajectories.png"
fi
if command -v man > /dev/null; then
    man -l "$prefix/share/man/man1/optdyn.1" 2>/dev/null | grep -q "optdyn plot" && ok ||
        bad "man -l PREFIX/share/man/man1/optdyn.1"
fi
[ -f "$prefix/share/doc/optdyn/theory.md" ] && ok || bad "docs not installed"
finish install_test
