#!/bin/sh
# deps.sh build|paper|all: makes sure the Debian packages a step needs are
# installed. As root it installs what is missing; otherwise it stops and
# prints the exact command to run.
set -eu

build="gcc make pkg-config lua5.4 liblua5.4-dev libcsv-dev libopenblas-dev libmd-dev"
# The framework workers (peers/): Debian's PyTorch (CPU) and NumPy, for
# Debian's /usr/bin/python3.
frameworks="python3 python3-numpy python3-torch python3-threadpoolctl"
paper="gnuplot-nox latexmk lmodern texlive-latex-base texlive-latex-recommended texlive-latex-extra
       texlive-fonts-recommended texlive-pictures poppler-utils"
# A one-node Slurm cluster for tests/slurm.sh (tools/slurm/ on a real
# scheduler): installed as root; without them that test skips, saying why.
cluster="slurm-wlm munge"

case "${1:-all}" in
build) want="$build $frameworks" ;;
paper) want="$build $frameworks $paper" ;;
all)   want="$build $frameworks $paper" ;;
*) echo "usage: tools/deps.sh build|paper|all" >&2; exit 2 ;;
esac

missing=
for p in $want; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
        missing="$missing $p"
done
if [ "$(id -u)" -eq 0 ] && [ "${1:-all}" = all ]; then
    for p in $cluster; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
            missing="$missing $p"
    done
fi
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "flopbench needs these Debian packages:$missing" >&2
    echo "install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# As this machine was set up: with recommended packages (the TeX fonts among them).
# shellcheck disable=SC2086
apt-get install -y -qq $missing >/dev/null
