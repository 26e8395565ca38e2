# plots/lib/state_titles.awk — from a trajectory summary (scripts/figure-data.sh's summary.tsv) the
# legend titles "NAME (state S doubles)", quoted for gnuplot's word(), from the state_doubles column.
BEGIN { FS = "\t" }
NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "name") a = i; if ($i == "state_doubles") s = i }; next }
{ printf "\"%s (state %s doubles)\" ", $a, $s }
