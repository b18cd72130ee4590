#!/usr/bin/env bash
# Before/after benchmarks for a refactor: runs the same benchmarks (bench/'s
# stream decoding, cassettes' replay and load, replay's session replay) on
# BASE and on the working tree, alternating BASE and HEAD in each round so
# both sides see the same machine load, and prints per benchmark the median
# ns/op of each side over the rounds and their ratio. Only benchmarks that
# exist on both sides are compared. Run from anywhere in the repository:
#
#	scripts/bench-before-after.sh [BASE]     # BASE defaults to 2ce82cb,
#	                                         # main before issue 13
#	ROUNDS=5 scripts/bench-before-after.sh   # 3 rounds by default
#
# A ratio near 1 means no change; on a shared 2-vCPU machine differences
# under about 10% are noise. It measures time per operation only, not
# allocations (bench/README.md has those).
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-2ce82cb}
rounds=${ROUNDS:-3}
tmp=$(mktemp -d)
trap 'git worktree remove --force "$tmp/base" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git worktree add -q --detach "$tmp/base" "$base"
head=$(pwd)

run() { # side dir
	local side=$1 dir=$2
	(cd "$dir/bench" && go test -run '^$' -bench 'Decode' -count 1 .) | grep '^Benchmark' | sed "s/^/$side /"
	(cd "$dir" && go test -run '^$' -bench 'Replay/' -benchtime 1s ./cassettes/) | grep '^Benchmark' | sed "s/^/$side /"
	(cd "$dir" && go test -run '^$' -bench '^BenchmarkLoad' -benchtime 5x ./cassettes/) | grep '^Benchmark' | sed "s/^/$side /"
	(cd "$dir" && go test -run '^$' -bench 'SessionReplay' -benchtime 1s ./replay/) | grep '^Benchmark' | sed "s/^/$side /"
}

out=$tmp/out
for r in $(seq "$rounds"); do
	echo "round $r of $rounds" >&2
	run before "$tmp/base" >>"$out"
	run after "$head" >>"$out"
done

echo "before: $(git rev-parse --short "$base")  after: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (+ uncommitted changes)')  rounds: $rounds"
awk '
function median(s,   a, n, i, j, t) {
	n = split(s, a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
	name = $2; sub(/-[0-9]+$/, "", name)
	for (i = 3; i < NF; i++) if ($(i + 1) == "ns/op") { v[$1, name] = v[$1, name] " " $i; seen[name] = 1 }
}
END {
	for (m in seen) {
		if (!((("before", m) in v) && (("after", m) in v))) continue
		b = median(v["before", m]); a = median(v["after", m])
		printf "%-70s %14.0f %14.0f %7.2f\n", m, b, a, a / b
	}
}' "$out" | sort | { printf "%-70s %14s %14s %7s\n" benchmark "before ns/op" "after ns/op" "after/before"; cat; }
