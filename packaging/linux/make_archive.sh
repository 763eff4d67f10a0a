#!/bin/sh
# Pack the PyInstaller one-folder app into the archive a Linux user downloads
# (called by `make dist`):
#
#   packaging/linux/make_archive.sh APP_DIR ICON_SVG ICON_PNG VERSION OUT_DIR
#
# writes OUT_DIR/geotweets-VERSION-linux-ARCH.tar.gz, which unpacks to
#   geotweets-VERSION-linux-ARCH/
#     geotweets/          the app (geotweets/geotweets starts it)
#     geotweets.desktop   its menu entry
#     geotweets.svg, geotweets.png   its icon
#     install.sh          ./install.sh --user puts it in the user's menu
#     INSTALL.txt         how to install
# and prints the archive's path.
set -eu

if [ $# -ne 5 ]; then
    echo "usage: $0 APP_DIR ICON_SVG ICON_PNG VERSION OUT_DIR" >&2
    exit 2
fi
app=$1 svg=$2 png=$3 version=$4 out=$5
here=$(cd "$(dirname "$0")" && pwd)
arch=$(uname -m)
name=geotweets-$version-linux-$arch

[ -x "$app/geotweets" ] || { echo "$app/geotweets is missing: build the app first" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
top=$stage/$name
mkdir -p "$top"
cp -a "$app" "$top/geotweets"
cp "$here/geotweets.desktop" "$svg" "$png" "$top/"
cp "$here/install.sh" "$top/install.sh"
chmod 755 "$top/install.sh"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" "$here/INSTALL.txt" > "$top/INSTALL.txt"

mkdir -p "$out"
archive=$(cd "$out" && pwd)/$name.tar.gz
tar -C "$stage" -czf "$archive.part" "$name"
mv "$archive.part" "$archive"
echo "$archive"
