# plots/auto/common.gp — shared by the `optdyn plot` scripts (plots/auto/KIND.gp): the terminal of
# the figure format, each file's data directory and legend label, colours, and NaN-aware lookups.
# Needs (from `optdyn plot`): tmp (its data: tmp/1, tmp/2, ... from scripts/figure-data.sh and
# tmp/labels.txt), nfiles, fmt (png, svg or pdf), out; from the kind's script: width, height.
load "plots/lib/style.gp"
if (fmt eq "png") { set terminal pngcairo size width,height enhanced font "Helvetica,13" }
if (fmt eq "svg") { set terminal svg size width,height enhanced font "Helvetica,13" background "white" }
if (fmt eq "pdf") { set terminal pdfcairo size width/100.0,height/100.0 enhanced font "Helvetica,9" }
set output out
dir(f) = tmp."/".f
# each file's legend label and first column of names.txt, read once (titles are evaluated often)
array LABEL[nfiles]
array NAMES[nfiles]
do for [f=1:nfiles] {
    LABEL[f] = system("sed -n ".f."p ".tmp."/labels.txt")
    NAMES[f] = system("cut -d' ' -f1 ".dir(f)."/names.txt")
}
label(f) = LABEL[f]
names(f) = NAMES[f]
# a curve's legend: the file's name first when files are overlaid
lbl(f, s) = nfiles > 1 ? label(f).": ".s : s
palette = "#0072B2 #D55E00 #009E73 #E69F00 #CC79A7 #56B4E9 #999933 #000000 #882255 #555555"
col(i) = word(palette, (i - 1) % 10 + 1)
# the value in the row whose first column is row and the column headed name ("" when absent)
cell(file, row, name) = system("awk -F'\t' -v r='".row."' -v c='".name."' 'NR == 1 { for (k = 1; k <= NF; k++) if ($k == c) n = k; next } n && $1 == r { print $n; exit }' ".file." 2>/dev/null")
# a number, or NaN when the text is not a finite one (nan, inf, empty)
num(s) = (s eq "" || s eq "nan" || s eq "-nan" || s eq "inf" || s eq "-inf") ? NaN : real(s)
# the 1-based position of the column headed name in a TSV file (0 when absent)
colnum(file, name) = int("0".system("head -1 ".file." | tr '\t' '\n' | grep -n -x -F '".name."' | cut -d: -f1 | head -1"))
pos(v) = v > 0 ? v : 1/0
