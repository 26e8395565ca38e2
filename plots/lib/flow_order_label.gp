# plots/lib/flow_order_label.gp — the order stored with a kind = flow limit (attribute `slope` of
# its `order` group, NaN when the fit is not an order; scripts/figure-data.sh writes the group's
# summary to <opt>_<limit>.fit.tsv), as a legend text. Figures never fit slopes themselves.
stored_slope(f) = system("awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == \"slope\") c = i } $1 == \"order\" { print $c }' ".f)
order_label(f) = (s_ = stored_slope(f), (s_ eq "nan" || s_ eq "-nan" || s_ eq "") ? \
                  "no order (order_reason)" : sprintf("order %.3f", s_ + 0))
