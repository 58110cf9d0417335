#!/bin/sh
# render.sh DIR: runs gnuplot on each DIR/*.gp newer than the figure it
# draws (DIR/<name>.tex and .pdf, cairolatex). A failed script leaves no
# figure behind, so the next make tries again.
set -eu
dir=$1
for gp in "$dir"/*.gp; do
    [ -f "$gp" ] || continue
    base=${gp%.gp}
    if [ -f "$base.tex" ] && [ -f "$base.pdf" ] && [ ! "$gp" -nt "$base.tex" ]; then
        continue
    fi
    printf '  %-6s %s\n' GNUPLOT "$gp"
    if ! (cd "$dir" && gnuplot "$(basename "$gp")"); then
        rm -f "$base.tex" "$base.pdf"
        echo "render.sh: gnuplot failed on $gp" >&2
        exit 1
    fi
done
