#!/usr/bin/env bash
# Replay and load benchmarks for cassettes and replay, with the ratios the
# README quotes. Run from the repository root: ./cassettes/benchmarks.sh
# Each figure is the median of COUNT runs (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${COUNT:-5}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
go test -run '^$' -bench 'Replay/' -benchtime 1s -count "$count" ./cassettes/ | tee -a "$out"
go test -run '^$' -bench 'SessionReplay' -benchtime 1s -count "$count" ./replay/ | tee -a "$out"
go test -run '^$' -bench 'Load' -benchtime 10x -count 3 ./cassettes/ | tee -a "$out"
echo
echo "== medians and ratios"
awk '
/^Benchmark/ {
	name=$1; sub(/-[0-9]+$/, "", name)
	for (i = 2; i <= NF; i++) {
		if ($(i+1) == "ns/op") ns[name] = ns[name] " " $i
		if ($(i+1) == "MB/s") mb[name] = mb[name] " " $i
	}
}
function median(s,   a, n, i, j, t) {
	n = split(s, a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
END {
	for (k in ns) m[k] = median(ns[k])
	for (k in ns) printf "%-62s %12.0f ns/op\n", k, m[k]
	for (k in mb) printf "%-62s %12.1f MB/s\n", k, median(mb[k])
	split("1 1000", at, " ")
	for (i = 1; i <= 2; i++) {
		a = at[i]
		f = m["BenchmarkReplay/floor/at=" a]; g = m["BenchmarkReplay/govcr-method-url/at=" a]; l = m["BenchmarkReplay/llmvcr-json/at=" a]
		sg = m["BenchmarkSessionReplay/govcr-method-url/at=" a]; sl = m["BenchmarkSessionReplay/llmvcr-session/at=" a]
		printf "at=%s: go-vcr/floor %.2fx  llmvcr-index/floor %.2fx  llmvcr-index/go-vcr %.2fx  llmvcr-session/go-vcr %.2fx\n", a, g / f, l / f, l / g, sl / sg
	}
}' "$out" | sort
