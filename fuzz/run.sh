#!/bin/sh
# Runs a fuzz harness from its committed seeds without writing to them:
#   fuzz/run.sh HARNESS SEEDS WORKDIR [libFuzzer flags...]
# New inputs go to WORKDIR/corpus, a crash's input to WORKDIR/crash-<sha1>
# (libFuzzer's -artifact_prefix); on a crash the last line names the file to
# reproduce it with:  HARNESS WORKDIR/crash-<sha1>.  One process, one core.
set -u
harness=$1
seeds=$2
work=$3
shift 3
mkdir -p "$work/corpus"
touch "$work/.start"
"$harness" -artifact_prefix="$work/" -print_final_stats=1 "$@" "$work/corpus" "$seeds"
rc=$?
if [ "$rc" -ne 0 ]; then
    for f in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
        [ "$f" -nt "$work/.start" ] && echo "fuzz: $(basename "$harness") failed (exit $rc); reproduce with: $harness $f" >&2
    done
    exit 1
fi
