#!/usr/bin/env bash
# Replay and load benchmarks for cassettes and replay, with the ratios the
# README quotes. Run from the repository root:
#
#	./cassettes/benchmarks.sh            # ROUNDS=5 by default
#
# Each round runs every benchmark once (-count 1), so the tiers being
# compared run close together in time; a ratio is computed per round and
# the median over the rounds is printed, which keeps a busy machine from
# skewing one tier against another.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-5}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for r in $(seq "$rounds"); do
	echo "ROUND $r" >>"$out"
	go test -run '^$' -bench 'Replay/' -benchtime 1s ./cassettes/ | grep '^Benchmark' | tee -a "$out"
	go test -run '^$' -bench 'SessionReplay' -benchtime 1s ./replay/ | grep '^Benchmark' | tee -a "$out"
	go test -run '^$' -bench '^BenchmarkLoad' -benchtime 5x ./cassettes/ | grep '^Benchmark' | tee -a "$out"
done
echo
echo "== medians over $rounds rounds"
awk '
function median(s,   a, n, i, j, t) {
	n = split(s, a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function endround(   i, a, f, g, l, sg, sl) {
	if (!started) return
	for (j = 1; j <= 2; j++) {
		v = (j == 1) ? "" : "SharedURL"; tag = (j == 1) ? "own URLs" : "shared URL"
		for (i = 1; i <= 2; i++) {
			a = (i == 1) ? "1" : "1000"
			f = cur["BenchmarkReplay" v "/floor/at=" a]; g = cur["BenchmarkReplay" v "/govcr-method-url/at=" a]; l = cur["BenchmarkReplay" v "/llmvcr-json/at=" a]
			sg = cur["BenchmarkSessionReplay" v "/govcr-method-url/at=" a]; sl = cur["BenchmarkSessionReplay" v "/llmvcr-session/at=" a]
			if (f == "" || sg == "") continue
			k = tag " at=" a
			r[k " go-vcr method+URL / floor"] = r[k " go-vcr method+URL / floor"] " " g / f
			r[k " llmvcr index / floor"] = r[k " llmvcr index / floor"] " " l / f
			r[k " llmvcr index / go-vcr"] = r[k " llmvcr index / go-vcr"] " " l / g
			r[k " llmvcr session / go-vcr (same run)"] = r[k " llmvcr session / go-vcr (same run)"] " " sl / sg
		}
	}
	delete cur
}
/^ROUND/ { endround(); started = 1; next }
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	for (i = 2; i < NF; i++) {
		if ($(i+1) == "ns/op") { ns[name] = ns[name] " " $i; cur[name] = $i }
		if ($(i+1) == "MB/s") mb[name] = mb[name] " " $i
	}
}
END {
	endround()
	for (k in ns) printf "%-58s %12.0f ns/op\n", k, median(ns[k])
	for (k in mb) printf "%-58s %12.1f MB/s\n", k, median(mb[k])
	for (k in r) printf "ratio %-62s %8.2fx\n", k, median(r[k])
}' "$out" | sort
