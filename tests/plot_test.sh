#!/bin/sh
# tests/plot_test.sh OPTDYN — `optdyn plot`: every shipped experiment, reduced with --set, plots
# to a PNG with drawn data (coloured pixels, read back by gnuplot); two runs overlay with both
# file names in the legend; a foreign HDF5 file, mixed kinds and a bad -o exit 2; no gnuplot: 1.
OPTDYN=${1:-build/optdyn}
. tests/lib.sh

# coloured (non-grey) pixels of a PNG (tests/png_coloured.sh: axes and text are grey, the curves
# are coloured; an empty frame with a legend box has none)
coloured() { sh tests/png_coloured.sh "$1"; }
is_png() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; }

for f in experiments/*.ini; do
    name=$(basename "$f" .ini)
    kind=$(sed -n 's/^kind *= *//p' "$f")
    case $kind in
    trajectory) set -- --set run.steps=40 ;;
    sweep) set -- --set sweep.batch=1,16,256 --set 'sweep.lr=logspace(-3,0.3,8)' --set sweep.max_steps=20000 ;;
    flow) set -- --set flow.paths=50 ;;
    onestep) set -- --set onestep.samples=20 --set onestep.batch=1,4 --set onestep.steady_steps=20 ;;
    scaling) set -- --set scaling.seeds=4 --set scaling.examples=4096 ;;
    *) bad "$f: kind '$kind' not covered by this test"; continue ;;
    esac
    grep -q '^type *= *nqm' "$f" && set -- "$@" --set problem.dim=100
    # real data: 64 images and batches up to 64 (256 images took minutes under the sanitizers)
    grep -q '^type *= *fmnist' "$f" && [ "$kind" = sweep ] && set -- --set sweep.batch=1,8,64 \
        --set 'sweep.lr=logspace(-3,0.3,8)' --set sweep.max_steps=2000 --set problem.examples=64
    # LoRA of a network layer: a small network and a target its cells reach
    grep -q '^type *= *mlp_lora' "$f" && [ "$kind" = sweep ] && set -- --set sweep.batch=1,8 \
        --set 'sweep.lr=logspace(-3,0,4)' --set sweep.max_steps=200 --set sweep.target=0.05 \
        --set problem.width=8 --set problem.examples=64
    expect_exit 0 "" "$OPTDYN" run -q -o "$tmp/$name.h5" "$@" "$f" || continue
    expect_exit 0 "" "$OPTDYN" plot "$tmp/$name.h5" -o "$tmp/$name.png"
    n=$(coloured "$tmp/$name.png")
    if is_png "$tmp/$name.png" && [ "${n:-0}" -ge 50 ]; then ok; else bad "$name.png: not a PNG or nothing drawn ($n coloured samples)"; fi
done

# the default output: the first file's stem with .png, in the current directory
(cd "$tmp" && "$OLDPWD/$OPTDYN" plot rosenbrock-trajectories.h5 > /dev/null 2>&1)
is_png "$tmp/rosenbrock-trajectories.png" && ok || bad "no default output rosenbrock-trajectories.png"

# overlay: two runs of one kind; the legend names both files (SVG text)
expect_exit 0 "" "$OPTDYN" run -q -o "$tmp/lr-small.h5" --set run.steps=40 --set 'optimizer adam.lr=0.002' \
    experiments/quadratic-trajectories.ini
expect_exit 0 "" "$OPTDYN" plot "$tmp/quadratic-trajectories.h5" "$tmp/lr-small.h5" -o "$tmp/overlay.png"
n=$(coloured "$tmp/overlay.png")
[ "${n:-0}" -ge 50 ] && ok || bad "overlay.png: nothing drawn"
expect_exit 0 "" "$OPTDYN" plot "$tmp/quadratic-trajectories.h5" "$tmp/lr-small.h5" -o "$tmp/overlay.svg"
for w in quadratic-trajectories.h5 lr-small.h5; do
    grep -q "$w: adam" "$tmp/overlay.svg" && ok || bad "overlay legend lacks '$w: adam'"
done

# not an optdyn result, mixed kinds, bad usage: exit 2, nothing written
/usr/bin/python3 -c "import h5py, sys; h5py.File(sys.argv[1], 'w')['data'] = [1.0, 2.0]" "$tmp/foreign.h5"
expect_exit 2 "not written by optdyn" "$OPTDYN" plot "$tmp/foreign.h5" -o "$tmp/foreign.png"
[ -e "$tmp/foreign.png" ] && bad "a foreign file left foreign.png" || ok
expect_exit 2 "not an HDF5 file" "$OPTDYN" plot experiments/sign-erf.ini -o "$tmp/x.png"
expect_exit 2 "overlays need files of one kind" "$OPTDYN" plot "$tmp/sign-erf.h5" \
    "$tmp/rosenbrock-trajectories.h5" -o "$tmp/x.png"
expect_exit 2 "expected a file name ending in .png, .svg or .pdf" "$OPTDYN" plot \
    "$tmp/sign-erf.h5" -o "$tmp/x.jpg"
expect_exit 2 "Usage: optdyn plot" "$OPTDYN" plot
expect_exit 0 "" "$OPTDYN" plot --help
grep -q "^Usage: optdyn plot" "$tmp/stdout" && ok || bad "plot --help"

# no gnuplot on PATH: a run-time failure (1) that says what to install
mkdir -p "$tmp/empty"
expect_exit 1 "gnuplot not found" env PATH="$tmp/empty" "$OPTDYN" plot "$tmp/sign-erf.h5" -o "$tmp/x.png"
finish plot_test
