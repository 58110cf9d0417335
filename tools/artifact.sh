#!/bin/sh
# artifact.sh PAPER.pdf [DIR]: the artifact of the commit at HEAD, as one
# reproducible tarball DIR/flopbench-<commit>.tar.gz (DIR: build/artifact).
# It holds, under flopbench-<commit>/: the source at that commit (git
# archive, the recorded results under results/ with it), COMMIT (its 12-digit
# hash, which the build puts in --version and the provenance), the
# paper as paper/paper.pdf, and SHA256SUMS of every other file. The same
# commit and paper give the same bytes: names sorted, every mtime the
# commit's time, owner and group 0, modes normalised, GNU tar headers (no
# access times), gzip without a name or a time. Prints the tarball's path
# and its SHA-256. Exit 0, or 1 with the reason (nothing half-written left).
set -eu
export LC_ALL=C
cd "$(dirname "$0")/.."
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: tools/artifact.sh PAPER.pdf [DIR]" >&2; exit 1; }
paper=$1
dir=${2:-build/artifact}
[ -f "$paper" ] && [ -s "$paper" ] || { echo "artifact: $paper: no paper there (run make paper)" >&2; exit 1; }
commit=$(git rev-parse --verify HEAD 2>/dev/null) || { echo "artifact: not in a git checkout" >&2; exit 1; }
when=$(git log -1 --format=%ct "$commit")
name=flopbench-$(echo "$commit" | cut -c1-12)
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
    echo "artifact: warning: the working tree has changes that are not committed; the artifact holds $commit alone" >&2
fi

mkdir -p "$dir"
stage=$(mktemp -d "$dir/.stage.XXXXXXXX")
trap 'rm -rf "$stage"' EXIT INT TERM
git archive --format=tar --prefix="$name/" "$commit" | tar -x -C "$stage"
root=$stage/$name
echo "$commit" | cut -c1-12 >"$root/COMMIT"
cp "$paper" "$root/paper/paper.pdf"
# Every file but SHA256SUMS itself, in C order, paths relative to the root.
(cd "$root" && find . -type f ! -path ./SHA256SUMS | sed 's|^\./||' | sort | tr '\n' '\0' |
    xargs -0 sha256sum >SHA256SUMS)

out=$dir/$name.tar.gz
tar --sort=name --mtime="@$when" --owner=0 --group=0 --numeric-owner --format=gnu \
    --mode='u+rwX,go=rX' -C "$stage" -cf - "$name" | gzip -9n >"$stage/out.tar.gz"
mv "$stage/out.tar.gz" "$out"
echo "$out"
sha256sum "$out" | cut -d' ' -f1
