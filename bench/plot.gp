# Latency per scenario per corpus size, one panel per size and percentile,
# from atlas_bench --plot-data files.  bench/scale.sh calls it so:
#   gnuplot -e "files='a.tsv b.tsv'; titles='10^5 10^6'; engines=3; out='latency.png'" bench/plot.gp
set terminal pngcairo size 1800,1000 font ",10" noenhanced
set output out
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set format y "%g"
set grid ytics
set xtics rotate by -35 nomirror
set key top left
set datafile separator "\t"
set datafile missing "NaN"
n = words(files)
set multiplot layout 2, n title "atlas_bench: latency per request (ms, log scale), same records and requests for every engine"
do for [pct in "p50 p99"] {
  do for [k = 1:n] {
    set title sprintf("%s records, %s", word(titles, k), pct)
    set ylabel "ms"
    off = (pct eq "p50") ? 0 : 1
    plot for [i = 1:engines] word(files, k) using (column(2*i + off)):xtic(1) title columnhead(2*i + off)
  }
}
unset multiplot
