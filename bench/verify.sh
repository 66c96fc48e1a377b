#!/usr/bin/env bash
# verify.sh - time MD5 verification of one image: spindle verify (the
# isomd5sum implant and structure) against md5sum of the same bytes and
# checkisomd5, in one run; prints the best of RUNS wall times.
#
# Usage: bench/verify.sh [IMAGE]
#   Without IMAGE, a 1 GiB image of random data is mastered and implanted
#   under OUT (default bench/out). The image should be in the page cache
#   (the first run warms it), so the figures compare hashing, not the disk.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
RUNS=${RUNS:-3}
OUT=${OUT:-$here/out}
mkdir -p "$OUT"
bin=$OUT/spindle
(cd "$top" && CGO_ENABLED=0 go build -o "$bin" ./cmd/spindle)
img=${1:-}
if [ -z "$img" ]; then
  img=$OUT/verify.iso
  if [ ! -f "$img" ]; then
    mkdir -p "$OUT/verify-src"
    head -c $((1024 << 20)) /dev/urandom > "$OUT/verify-src/random.bin"
    "$bin" master -R -q -o "$img" "$OUT/verify-src"
    rm -rf "$OUT/verify-src"
    implantisomd5 "$img" >/dev/null
  fi
fi
cat "$img" >/dev/null # warm the cache

best_of() {
  local best=""
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -o "$OUT/time.txt" -f '%e' "$@" >/dev/null 2>&1 || true
    t=$(tail -n1 "$OUT/time.txt")
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$t; fi
  done
  echo "$best"
}
s=$(best_of "$bin" verify -q "$img")
m=$(best_of md5sum "$img")
c=$(best_of checkisomd5 "$img")
printf '%-22s %8s s\n' "spindle verify" "$s" md5sum "$m" checkisomd5 "$c"
printf 'spindle verify / md5sum: %.2fx\n' "$(echo "$s/$m" | bc -l)"
