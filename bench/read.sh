#!/usr/bin/env bash
# read.sh - list and extract an image with spindle, xorriso, bsdtar and 7z
# in one run; prints the best of RUNS wall times and peak RSS.
#
# Usage: bench/read.sh IMAGE
#   RUNS (default 3), OUT (default bench/out: extraction target, emptied
#   between runs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
img=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
RUNS=${RUNS:-3}
OUT=${OUT:-$here/out}
mkdir -p "$OUT"
bin=$OUT/spindle
(cd "$top" && CGO_ENABLED=0 go build -o "$bin" ./cmd/spindle)
dst=$OUT/extract

best_of() {
  local best="" line
  for _ in $(seq "$RUNS"); do
    rm -rf "$dst"; mkdir -p "$dst"
    /usr/bin/time -o "$OUT/time.txt" -f '%e %M' "$@" >/dev/null 2>&1 || true
    line=$(tail -n1 "$OUT/time.txt")
    if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN{exit !(a<b)}'; then best=$line; fi
  done
  rm -rf "$dst"
  echo "$best"
}

printf '%-8s %-10s %9s %10s\n' job tool seconds maxrss_MB
row() { printf '%-8s %-10s %9s %10.1f\n' "$1" "$2" "${3%% *}" "$(echo "${3##* }/1024" | bc -l)"; }
row list spindle "$(best_of "$bin" ls -l "$img")"
row list xorriso "$(best_of xorriso -indev "$img" -find / -exec lsdl)"
row list bsdtar  "$(best_of bsdtar -tvf "$img")"
row list 7z      "$(best_of 7z l "$img")"
row extract spindle "$(best_of "$bin" extract -q "$img" -C "$dst")"
row extract xorriso "$(best_of xorriso -osirrox on -indev "$img" -extract / "$dst/x")"
row extract bsdtar  "$(best_of bsdtar -xf "$img" -C "$dst")"
row extract 7z      "$(best_of 7z x -y -o"$dst" "$img")"
