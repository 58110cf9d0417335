#!/bin/sh
# test_artifact.sh: tools/artifact.sh (make artifact) builds the same bytes
# twice from the same commit and paper, under another umask too; the
# tarball holds the commit's source, its recorded results, COMMIT and the
# paper, every file listed in SHA256SUMS and matching it, owners 0, every
# mtime the commit's; a missing paper is an error that
# leaves no tarball.
# Prints one line: RESULT artifact <passed> <failed> <skipped>.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
test_begin artifact

if ! git rev-parse --verify HEAD >/dev/null 2>&1; then
    test_skip "not in a git checkout"
fi
commit=$(git rev-parse HEAD)
short=$(echo "$commit" | cut -c1-12)
when=$(git log -1 --format=%ct HEAD)
printf '%%PDF-1.5 a stand-in for the paper\n' >"$tmp/paper.pdf"

tools/artifact.sh "$tmp/paper.pdf" "$tmp/a" >"$tmp/out1" 2>"$tmp/err1"
check "artifact.sh exits 0 (see $tmp/err1)" [ $? -eq 0 ]
(umask 077 && sleep 1 && tools/artifact.sh "$tmp/paper.pdf" "$tmp/b") >"$tmp/out2" 2>"$tmp/err2"
check "artifact.sh exits 0 a second time, umask 077" [ $? -eq 0 ]
tar1=$tmp/a/flopbench-$short.tar.gz
tar2=$tmp/b/flopbench-$short.tar.gz
check "it prints the tarball's path" grep -qxF "$tar1" "$tmp/out1"
check "it prints the tarball's SHA-256" grep -qx "$(sha256sum "$tar1" | cut -d' ' -f1)" "$tmp/out1"
check "the two tarballs are the same bytes" cmp "$tar1" "$tar2"
check "no staging folder is left" [ -z "$(ls -A "$tmp/a" | grep -v "flopbench-$short.tar.gz")" ]

tar -tvzf "$tar1" >"$tmp/list" 2>&1
check "every entry is owned by 0/0" sh -c "! awk '\$2 != \"0/0\"' '$tmp/list' | grep -q ."
tar -tzf "$tar1" >"$tmp/names"
check "every name is under flopbench-$short/" sh -c "! grep -v '^flopbench-$short/' '$tmp/names' | grep -q ."
mkdir -p "$tmp/x"
tar -xzf "$tar1" -C "$tmp/x"
root=$tmp/x/flopbench-$short
check "every mtime is the commit's" sh -c "[ -z \"\$(find '$root' -newermt @$((when + 1)) -o ! -newermt @$((when - 1)) | head -1)\" ]"
check "SHA256SUMS holds every file and matches it" sh -c "cd '$root' && sha256sum --quiet -c SHA256SUMS"
nfiles=$(cd "$root" && find . -type f ! -name SHA256SUMS | wc -l)
check "SHA256SUMS lists every file ($nfiles)" [ "$(wc -l <"$root/SHA256SUMS")" -eq "$nfiles" ]
check "COMMIT names the commit" grep -qxF "$short" "$root/COMMIT"
check "the paper is paper/paper.pdf" cmp "$tmp/paper.pdf" "$root/paper/paper.pdf"
check "the recorded results are in it" [ -s "$root/results/h200/fig2-gpu-f64-cupy/summary.csv" ]
check "the source is the commit's" sh -c "git show HEAD:Makefile | cmp - '$root/Makefile'"
check "the build names the artifact's commit" sh -c "make -C '$root' --no-print-directory -s -p -n paper-host-tag 2>/dev/null | grep -q '^COMMIT := $short\$'"

tools/artifact.sh "$tmp/none.pdf" "$tmp/c" >/dev/null 2>"$tmp/err3"
check "a missing paper: exit 1" [ $? -eq 1 ]
check "a missing paper: the message" grep -qF "artifact: $tmp/none.pdf: no paper there (run make paper)" "$tmp/err3"
check "a missing paper: no tarball" [ ! -e "$tmp/c/flopbench-$short.tar.gz" ]

test_end
