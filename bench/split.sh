#!/usr/bin/env bash
# split.sh - time spindle split against bchunk on one BIN/CUE image in the
# same run (best of RUNS, warm cache).
#
# Usage: bench/split.sh [IMAGE.cue]
#   Without an image, a 700 MB BIN is made under OUT (default bench/out):
#   a 500 MB MODE1/2352 track and 200 MB of audio.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
RUNS=${RUNS:-3}
OUT=${OUT:-$here/out}
mkdir -p "$OUT"
bin=$OUT/spindle
(cd "$top" && CGO_ENABLED=0 go build -o "$bin" ./cmd/spindle)
cuefile=${1:-}
if [ -z "$cuefile" ]; then
  cuefile=$OUT/split.cue
  if [ ! -f "$OUT/split.bin" ]; then
    head -c $((222950 * 2352)) /dev/urandom > "$OUT/split.bin"
    d=$((500 * 1024 * 1024 / 2352))
    printf 'FILE "split.bin" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    INDEX 01 %02d:%02d:%02d\n' \
      $((d / 4500)) $((d / 75 % 60)) $((d % 75)) > "$cuefile"
  fi
fi
dir=$(dirname "$cuefile")
binfile=$dir/$(sed -n 's/^FILE "\(.*\)".*/\1/p' "$cuefile" | head -n1)
cat "$binfile" >/dev/null
work=$OUT/split-out
best_of() {
  local best=""
  for _ in $(seq "$RUNS"); do
    rm -rf "$work"; mkdir -p "$work"
    /usr/bin/time -o "$OUT/time.txt" -f '%e %M' "$@" >/dev/null 2>&1 || true
    line=$(tail -n1 "$OUT/time.txt")
    if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN{exit !(a<b)}'; then best=$line; fi
  done
  rm -rf "$work"
  echo "$best"
}
s=$(best_of "$bin" split --wav "$cuefile" "$work/t")
b=$(best_of bchunk -w "$binfile" "$cuefile" "$work/t")
printf '%-8s %8s s %8.1f MB\n' spindle "${s%% *}" "$(echo "${s##* }/1024" | bc -l)" bchunk "${b%% *}" "$(echo "${b##* }/1024" | bc -l)"
printf 'spindle / bchunk time: %.2fx\n' "$(echo "${s%% *}/${b%% *}" | bc -l)"
