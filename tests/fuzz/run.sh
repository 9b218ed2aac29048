#!/bin/sh
# make fuzz: builds every tests/fuzz/fuzz_NAME.c with libFuzzer + ASan + UBSan
# (make VARIANT=fuzz) and runs each for FUZZ_SECONDS (default 60) on its
# committed corpus tests/fuzz/corpus/NAME. New inputs go to a scratch dir
# (FUZZ_SCRATCH, default build/fuzz/scratch/NAME), never into the committed
# corpus; a crash leaves its input in the scratch dir (crash-*) and fails.
#   FUZZ_TARGETS="text chunk"  only these targets
set -u
secs=${FUZZ_SECONDS:-60}
scratch=${FUZZ_SCRATCH:-build/fuzz/scratch}
make --no-print-directory VARIANT=fuzz fuzzers >/dev/null || { echo "fuzz: build failed (make VARIANT=fuzz fuzzers)" >&2; exit 1; }
passed=0 failed=0
for src in tests/fuzz/fuzz_*.c; do
  [ -f "$src" ] || continue
  name=${src#tests/fuzz/fuzz_}; name=${name%.c}
  if [ -n "${FUZZ_TARGETS:-}" ]; then
    case " $FUZZ_TARGETS " in *" $name "*) ;; *) continue ;; esac
  fi
  mkdir -p "$scratch/$name" "tests/fuzz/corpus/$name"
  log="$scratch/$name.log"
  echo "fuzz $name: ${secs}s (corpus tests/fuzz/corpus/$name, new inputs in $scratch/$name)"
  if "build/fuzz/tests/fuzz/fuzz_$name" -max_total_time="$secs" -print_final_stats=1 \
       -artifact_prefix="$scratch/$name/" "$scratch/$name" "tests/fuzz/corpus/$name" >"$log" 2>&1; then
    passed=$((passed + 1))
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "  ok: ${runs:-?} inputs executed, $(ls "$scratch/$name" | wc -l) in the scratch corpus"
  else
    failed=$((failed + 1))
    echo "  FAILED: see $log and $scratch/$name/crash-* (copy a minimized input into the corpus once fixed)"
    grep -E "ERROR|SUMMARY|runtime error" "$log" | head -n 5
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
