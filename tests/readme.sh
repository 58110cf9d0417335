#!/bin/sh
# readme.sh RUNNER: every ```lua example in README.md must check out
# (runner run --dry-run), and every documented summary column must be the
# one the runner writes.
runner=$1
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
test_begin readme
awk -v dir="$tmp" '
    /^```lua$/ { n++; file = sprintf("%s/example%02d.lua", dir, n); inside = 1; next }
    /^```$/ && inside { inside = 0; close(file); next }
    inside { print > file }
' README.md
for f in "$tmp"/example*.lua; do
    [ -e "$f" ] || { bad "no lua example found"; break; }
    # a claim alone is checked beside an experiment (a script must declare one)
    grep -q '^experiment' "$f" ||
        echo 'experiment { name = "readme-stub", backend = "cpu", dtype = "f32", op = "copy", n = 1 }' >>"$f"
    if "$runner" run "$f" --dry-run --profile tiny >/dev/null 2>"$tmp/err"; then
        ok
    else
        bad "example $(basename "$f"):"
        cat "$tmp/err"
    fi
done
# The column table: each summary column (the name of each { "name", ... }
# entry of run.c's summary_columns) appears as `name` in README.md.
columns=$(awk '/summary_columns\[\] = \{/ { on = 1; next } on && /\};/ { exit } on' runner/run.c |
    grep -o '{ "[a-z0-9_]*"' | tr -d '{ "')
for col in $columns; do
    if grep -q "| \`$col\` " README.md; then ok; else bad "column $col is not documented"; fi
done
test_end
