#!/usr/bin/env bash
# compare.sh - master the benchmark corpora with spindle, xorriso and
# genisoimage in one run and print times, peak RSS and ratios.
#
# Usage: bench/compare.sh [CORPUS_DIR] [small|large|mixed ...]
#   CORPUS_DIR defaults to bench/out/corpus; missing corpora are made with
#   ../shared/bench/make-corpus.sh (SMALL_FILES etc. are passed through).
#   RUNS (default 3): runs per tool; the fastest time (warm cache) and the
#   median peak RSS are reported.
#   OUT (default bench/out): where images are written (removed after each run).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
corpus=${1:-$here/out/corpus}
shift || true
which=${*:-small large}
RUNS=${RUNS:-3}
OUT=${OUT:-$here/out}
mkdir -p "$OUT" "$corpus"
for c in $which; do
  [ -d "$corpus/$c" ] || bash "$top/../shared/bench/make-corpus.sh" "$corpus" "$c" >&2
done
bin=$OUT/spindle
(cd "$top" && CGO_ENABLED=0 go build -o "$bin" ./cmd/spindle)

# run_tool TOOL SRC: one run of TOOL over SRC; prints "seconds maxrss_kb".
run_tool() {
  local tool=$1 src=$2
  local -a cmd
  case $tool in
    tar)         cmd=(sh -c "tar -cf - -C '$src' . | cat >/dev/null") ;;
    spindle)     cmd=("$bin" master -R -J -q -o "$OUT/img.iso" "$src") ;;
    xorriso)     cmd=(xorriso -as mkisofs -R -J -iso-level 3 -quiet -o "$OUT/img.iso" "$src") ;;
    genisoimage) cmd=(genisoimage -R -J -allow-limited-size -iso-level 3 -quiet -o "$OUT/img.iso" "$src") ;;
  esac
  /usr/bin/time -o "$OUT/time.txt" -f '%e %M' "${cmd[@]}" >/dev/null 2>&1 || true
  rm -f "$OUT/img.iso"
  tail -n1 "$OUT/time.txt"
}

tools="tar spindle xorriso genisoimage"
# A Go program's runtime keeps some state per CPU (about 17 KB each), so
# Spindle's RSS grows a little with the core count; the peers' does not.
echo "CPUs: $(nproc)"
printf '%-8s %-12s %9s %10s\n' corpus tool seconds maxrss_MB
for c in $which; do
  src=$corpus/$c
  declare -A t=() m=() all=()
  # The tools take turns, run after run, so that a slow spell of the
  # machine falls on all of them; each keeps its fastest run (warm cache).
  for _ in $(seq "$RUNS"); do
    for tool in $tools; do
      r=$(run_tool "$tool" "$src")
      if [ -z "${t[$tool]:-}" ] || awk -v a="${r%% *}" -v b="${t[$tool]}" 'BEGIN{exit !(a<b)}'; then
        t[$tool]=${r%% *}
      fi
      all[$tool]="${all[$tool]:-} ${r##* }"
    done
  done
  # Peak RSS varies by a page-fault window (64 KiB) or two from run to
  # run: the median of the runs, for every tool alike.
  for tool in $tools; do
    m[$tool]=$(printf '%s\n' ${all[$tool]} | sort -n | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}')
  done
  for tool in $tools; do
    printf '%-8s %-12s %9s %10.1f\n' "$c" "$tool" "${t[$tool]}" "$(echo "${m[$tool]}/1024" | bc -l)"
  done
  fastest=$(printf '%s\n' "${t[xorriso]}" "${t[genisoimage]}" | sort -g | head -n1)
  printf '%-8s speed-up over fastest peer: %.2fx   time vs tar: %.2fx   RSS vs smallest peer: %.2fx\n' "$c" \
    "$(echo "$fastest/${t[spindle]}" | bc -l)" "$(echo "${t[spindle]}/${t[tar]}" | bc -l)" \
    "$(echo "${m[spindle]}/$(printf '%s\n' "${m[xorriso]}" "${m[genisoimage]}" | sort -g | head -n1)" | bc -l)"
done
