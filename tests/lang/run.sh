#!/bin/sh
# run.sh RUNNER: the experiment language, tested as data.
#   errors.txt   blocks of "case: NAME", "exit: CODE", "error: TEXT": the script
#                cases/NAME.lua must stop with exit CODE and TEXT as the first
#                line of its standard error, exactly.
#   good/NAME.lua  must check out, and `runner run --dry-run --profile tiny`
#                must list exactly the points in good/NAME.points.
runner=$1
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
test_begin lang

check_error() {
    name=$1 want_exit=$2 want=$3
    "$runner" run "tests/lang/cases/$name.lua" --dry-run >"$tmp/out" 2>"$tmp/err"
    got_exit=$?
    got=$(head -n 1 "$tmp/err")
    if [ "$got_exit" = "$want_exit" ] && [ "$got" = "$want" ] && [ ! -s "$tmp/out" ]; then
        ok
    else
        bad "$name: exit $got_exit (want $want_exit)"
        printf '  got:  %s\n  want: %s\n' "$got" "$want"
    fi
}

name= code=
while IFS= read -r line; do
    case $line in
    "case: "*) name=${line#case: } ;;
    "exit: "*) code=${line#exit: } ;;
    "error: "*) check_error "$name" "$code" "${line#error: }" ;;
    esac
done <tests/lang/errors.txt

# Every case file has its expectation, and every expectation its file.
for f in tests/lang/cases/*.lua; do
    n=$(basename "$f" .lua)
    if grep -qx "case: $n" tests/lang/errors.txt; then ok; else
        bad "$f has no entry in tests/lang/errors.txt"; fi
done

for f in tests/lang/good/*.lua; do
    n=${f%.lua}
    if "$runner" run "$f" --dry-run --profile tiny >"$tmp/out" 2>"$tmp/err" &&
        diff -u "$n.points" "$tmp/out" >"$tmp/diff"; then
        ok
    else
        bad "$f:"
        cat "$tmp/err" "$tmp/diff"
    fi
done
test_end
