#!/usr/bin/env bash
# reliability.sh: fuzz every fuzz target in the repository for a fixed time,
# run the reliability tests (package reliability, long versions), and print
# a table of figures. Exits non-zero on any fuzz finding or test failure.
#
#   bash scripts/reliability.sh                 # 20s per fuzz target
#   bash scripts/reliability.sh --fuzztime 1m   # or FUZZTIME=1m
#   bash scripts/reliability.sh --fast          # CI: seed corpora only, quick tests
#
# Needs only bash and go. Works from any directory. Failing inputs found by
# fuzzing are written by go test to the package's testdata/fuzz/FuzzXxx/,
# as usual; the table names them.
set -euo pipefail

usage() {
	sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
	cat <<'EOF'
Options:
  --fast            run each fuzz target's seed corpus only (no fuzzing) and
                    the quick versions of the reliability tests
  --fuzztime D      how long to fuzz each target (go duration, default 20s;
                    also FUZZTIME)
  --minimize D      -fuzzminimizetime (default 1s; also FUZZMINIMIZE)
  --only REGEX      fuzz only the targets whose name matches REGEX
  --tables          also print the fault tables (what the caller gets for
                    each fault, through the fake and through replay)
  -h, --help        this text
EOF
}

fast=0
fuzztime=${FUZZTIME:-20s}
minimize=${FUZZMINIMIZE:-1s}
only='.'
tables=0
while (($#)); do
	case $1 in
	--fast) fast=1 ;;
	--fuzztime) fuzztime=${2:?--fuzztime needs a duration}; shift ;;
	--fuzztime=*) fuzztime=${1#*=} ;;
	--minimize) minimize=${2:?--minimize needs a duration}; shift ;;
	--minimize=*) minimize=${1#*=} ;;
	--only) only=${2:?--only needs a regular expression}; shift ;;
	--only=*) only=${1#*=} ;;
	--tables) tables=1 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "reliability.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done

command -v go >/dev/null || { echo "reliability.sh: go is not on PATH" >&2; exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
work=$(mktemp -d "${TMPDIR:-/tmp}/reliability.XXXXXX")
keep=0 # set when something failed: the logs stay for reading
trap '((keep)) || rm -rf "$work"' EXIT

# seconds DURATION prints a go duration (e.g. 20s, 1m30s, 2m) in whole
# seconds, or nothing when it is not one (e.g. 1000x, an execution count).
seconds() {
	local d=$1 total=0 n unit
	[[ $d =~ ^([0-9]+[hms])+$ ]] || return 0
	while [[ $d =~ ^([0-9]+)([hms])(.*)$ ]]; do
		n=${BASH_REMATCH[1]} unit=${BASH_REMATCH[2]} d=${BASH_REMATCH[3]}
		case $unit in h) total=$((total + n * 3600)) ;; m) total=$((total + n * 60)) ;; s) total=$((total + n)) ;; esac
	done
	echo "$total"
}

failures=()   # what failed, one line each
findings=()   # fuzz findings, one line each
start=$SECONDS
say() { printf '%s\n' "$*" >&2; }

# --- Discover the fuzz targets of every module (bench/ is its own module).
targets=() # "moduledir pkg target"
while IFS= read -r gomod; do
	mod=$(dirname "$gomod")
	say "listing fuzz targets in module ${mod#./} ..."
	list="$work/list.txt"
	if ! (cd "$mod" && go test -list '^Fuzz' ./... >"$list" 2>&1); then
		failures+=("listing fuzz targets in ${mod#./} failed (does every package build?):")
		while IFS= read -r l; do failures+=("    $l"); done < <(grep -E 'FAIL|cannot|error' "$list" | head -20)
	fi
	names=()
	while IFS= read -r line; do
		if [[ $line =~ ^Fuzz[A-Za-z0-9_]*$ ]]; then
			names+=("$line")
		elif [[ $line =~ ^ok[[:space:]]+([^[:space:]]+) ]]; then
			pkg=${BASH_REMATCH[1]}
			for n in "${names[@]}"; do
				if [[ $n =~ $only ]]; then targets+=("$mod $pkg $n"); fi
			done
			names=()
		elif [[ $line =~ ^(FAIL|\?) ]]; then
			names=()
		fi
	done <"$list"
done < <(find . -name go.mod -not -path '*/testdata/*' -not -path './.git/*' | sort)
((${#targets[@]})) || failures+=("no fuzz targets found")

module=$(go list -m)
short() { local p=${1#"$module"/}; echo "${p#"$module"}"; }

# --- Fuzz each target (or, with --fast, run its seed corpus).
rows=()
total_execs=0
# With --fast, each package's seed corpora run in one go test (one build,
# one process), its output shared by the package's targets.
declare -A seedout=() seedok=()
if ((fast)); then
	declare -A seedrun=()
	for t in "${targets[@]}"; do
		read -r mod pkg name <<<"$t"
		seedrun["$mod $pkg"]+="${seedrun["$mod $pkg"]:+|}$name"
	done
	for key in "${!seedrun[@]}"; do
		read -r mod pkg <<<"$key"
		out="$work/seeds.$(short "$pkg" | tr / _).txt"
		say "seeds   $(short "$pkg") ${seedrun[$key]//|/ }"
		if (cd "$mod" && go test -count=1 -v -run "^(${seedrun[$key]})\$" "$pkg" >"$out" 2>&1); then seedok[$key]=1; else seedok[$key]=0; fi
		seedout[$key]=$out
	done
fi
for t in "${targets[@]}"; do
	read -r mod pkg name <<<"$t"
	out="$work/$name.$(short "$pkg" | tr / _).txt"
	if ((fast)); then
		out=${seedout["$mod $pkg"]}
		status=ok
		if grep -qE -- "^--- FAIL: ${name} " "$out" ||
			{ ((!seedok["$mod $pkg"])) && ! grep -qE -- "^--- PASS: ${name} " "$out"; }; then
			status=FAIL
		fi
		execs=$(grep -cE -- "^ *--- PASS: ${name}/" "$out" || true)
		[[ $execs == 0 ]] && execs=$(grep -cE -- "^--- PASS: ${name} " "$out" || true)
		if [[ $status != ok ]]; then
			findings+=("$(short "$pkg") $name: a seed input fails: go test -run '^${name}\$' $pkg")
		fi
		rows+=("$(printf '%-22s %-24s %12s %8s %8s %9s' "$(short "$pkg")" "$name" "$execs" "-" "-" "$([[ $status == ok ]] && echo 0 || echo 1)")")
		total_execs=$((total_execs + execs))
		continue
	fi
	timeout=10m
	if s=$(seconds "$fuzztime") && [[ -n $s ]]; then timeout="$((s + 300))s"; fi
	say "fuzzing $(short "$pkg") $name for $fuzztime ..."
	status=ok
	(cd "$mod" && go test -count=1 -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" \
		-fuzzminimizetime "$minimize" -timeout "$timeout" "$pkg" >"$out" 2>&1) || status=FAIL
	last=$(grep -E 'fuzz: elapsed: .*execs: [0-9]+' "$out" | tail -n 1 || true)
	execs=$(sed -nE 's/.*execs: ([0-9]+).*/\1/p' <<<"$last")
	new=$(sed -nE 's/.*new interesting: ([0-9]+).*/\1/p' <<<"$last")
	corpus=$(sed -nE 's/.*\(total: ([0-9]+)\).*/\1/p' <<<"$last")
	written=$(sed -nE 's/.*Failing input written to (.*)$/\1/p' "$out")
	nfind=0
	if [[ -n $written ]]; then
		nfind=$(grep -c . <<<"$written")
		while IFS= read -r w; do findings+=("$(short "$pkg") $name: $w (re-run: go test -run '${name}/$(basename "$w")' $pkg)"); done <<<"$written"
	elif [[ $status != ok ]]; then
		failures+=("fuzzing $(short "$pkg") $name failed without a failing input (log: $out); last lines:")
		while IFS= read -r l; do failures+=("    $l"); done < <(tail -n 15 "$out")
	fi
	rows+=("$(printf '%-22s %-24s %12s %8s %8s %9s' "$(short "$pkg")" "$name" "${execs:-0}" "${new:--}" "${corpus:--}" "$nfind")")
	total_execs=$((total_execs + ${execs:-0}))
done

# --- The reliability tests: everything but concurrency plainly, concurrency
# under -race. Their FIGURE lines are the figures.
export LLMVCR_RELIABILITY=full
((fast)) && export LLMVCR_RELIABILITY=quick
figures="$work/figures.txt"
: >"$figures"
run_tests() { # label, go test arguments...
	local label=$1 out="$work/tests-$1.txt"
	shift
	say "running reliability tests ($label) ..."
	if ! go test -count=1 -v "$@" ./reliability/ >"$out" 2>&1; then
		failures+=("reliability tests ($label) failed:")
		while IFS= read -r l; do failures+=("    $l"); done < <(grep -E -- '--- FAIL|^panic:|\[build failed\]' "$out" | head -40)
		failures+=("    full log: $out")
	fi
	grep -oE 'FIGURE .*' "$out" >>"$figures" || true
}
run_tests plain -skip '^TestConcurrency' -timeout 15m
run_tests race -race -run '^TestConcurrency' -timeout 15m

# --- cmd/record's outputs: what -o, import-vcrpy OUT and a -dir scenario
# file may be written over (other files, symlinks, pipes, real recordings),
# and that a failed recording leaves the cassette as it was.
say "running cmd/record output tests ..."
record_out="$work/tests-record.txt"
if ! go test -count=1 -v -run '^(TestRecordOutputGuard|TestImportOutputGuard|TestScenariosOutputGuard|TestFailedRecordingKeepsOutput)$' ./cmd/record/ >"$record_out" 2>&1; then
	failures+=("cmd/record output tests failed:")
	while IFS= read -r l; do failures+=("    $l"); done < <(grep -E -- '--- FAIL|^panic:|\[build failed\]' "$record_out" | head -40)
	failures+=("    full log: $record_out")
fi
grep -oE 'FIGURE .*' "$record_out" >>"$figures" || true

# --- The table.
echo
if ((fast)); then
	echo "== Fuzz targets, seed corpora only (--fast) =="
	printf '%-22s %-24s %12s %8s %8s %9s\n' package target "seed inputs" new corpus failures
else
	echo "== Fuzzing: $fuzztime per target, -fuzzminimizetime=$minimize, $(nproc 2>/dev/null || echo "?") CPUs =="
	printf '%-22s %-24s %12s %8s %8s %9s\n' package target executions new corpus findings
fi
printf '%s\n' "${rows[@]}"
printf '%-22s %-24s %12s\n' "total" "${#targets[@]} targets" "$total_execs"
echo
echo "== Reliability tests (LLMVCR_RELIABILITY=$LLMVCR_RELIABILITY) =="
sed -E 's/^FIGURE ([^ ]+) /\1\t/' "$figures" | while IFS=$'\t' read -r name kv; do printf '%-19s %s\n' "$name" "$kv"; done
if ((tables)); then
	echo
	echo "== Fault tables =="
	awk '/faults against groq.Model/ {on=1; sub(/^ *[a-z_]+_test.go:[0-9]+: /, "")} on && /FIGURE/ {on=0; print ""} on {sub(/^        /, ""); print}' "$work/tests-plain.txt"
fi
echo
if ((${#findings[@]})); then
	echo "== Findings (${#findings[@]}) =="
	printf '  %s\n' "${findings[@]}"
fi
if ((${#failures[@]})); then
	echo "== Failures =="
	printf '  %s\n' "${failures[@]}"
fi
elapsed=$((SECONDS - start))
if ((${#findings[@]} + ${#failures[@]})); then
	keep=1
	echo "logs kept in $work"
	echo "RESULT: FAIL (${#findings[@]} findings, ${#failures[@]} failure lines) in ${elapsed}s"
	exit 1
fi
echo "RESULT: PASS (${#targets[@]} fuzz targets, 0 findings, every reliability target met) in ${elapsed}s"
