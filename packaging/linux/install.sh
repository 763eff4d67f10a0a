#!/bin/sh
# Install GeoTweets Desktop for the current user, from the unpacked archive:
#
#   ./install.sh --user               install, or update an earlier install
#   ./install.sh --user --uninstall   remove it (sessions and keyring stay)
#
# Paths follow the XDG base directories ($XDG_DATA_HOME or ~/.local/share):
#   <data>/geotweets-desktop/                     the app
#   <data>/applications/geotweets.desktop         the menu entry
#   <data>/icons/hicolor/{scalable,256x256}/apps/ the icon
#   ~/.local/bin/geotweets                        a link for the terminal
set -eu

usage() {
    echo "usage: $0 --user [--uninstall]" >&2
    exit 2
}
user=no uninstall=no
for arg in "$@"; do
    case $arg in
        --user) user=yes ;;
        --uninstall) uninstall=yes ;;
        *) usage ;;
    esac
done
# Only a per-user install exists: say so rather than write to system folders.
[ "$user" = yes ] || usage

here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
dest=$data/geotweets-desktop
entry=$data/applications/geotweets.desktop
icons=$data/icons/hicolor
link=$HOME/.local/bin/geotweets

refresh_menus() {
    # Menus pick up the change by themselves; these make it immediate where present.
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$data/applications" 2>/dev/null || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1; then
        gtk-update-icon-cache -q -t "$icons" 2>/dev/null || true
    fi
}

if [ "$uninstall" = yes ]; then
    rm -rf "$dest"
    rm -f "$entry" "$icons/scalable/apps/geotweets.svg" "$icons/256x256/apps/geotweets.png"
    # The link only if it is ours.
    if [ -L "$link" ] && [ "$(readlink "$link")" = "$dest/geotweets" ]; then
        rm -f "$link"
    fi
    refresh_menus
    echo "GeoTweets removed. Your sessions are still in $data/GeoTweets/."
    exit 0
fi

[ -x "$here/geotweets/geotweets" ] || { echo "$here/geotweets/geotweets is missing: unpack the whole archive" >&2; exit 1; }

# Copy beside the old install, then swap: an interrupted update leaves the old one working.
mkdir -p "$data"
rm -rf "$dest.new"
cp -a "$here/geotweets" "$dest.new"
rm -rf "$dest"
mv "$dest.new" "$dest"

mkdir -p "$icons/scalable/apps" "$icons/256x256/apps" "$data/applications" "$(dirname "$link")"
cp "$here/geotweets.svg" "$icons/scalable/apps/geotweets.svg"
cp "$here/geotweets.png" "$icons/256x256/apps/geotweets.png"

# The menu runs the app by its full path (~/.local/bin is not always on the
# menu's PATH), quoted and escaped as the Desktop Entry specification asks.
quoted=$(printf '%s' "$dest/geotweets" | sed -e 's/[\\"`$]/\\\\&/g' -e 's/%/%%/g')
while IFS= read -r line; do
    case $line in
        Exec=*) printf 'Exec="%s"\n' "$quoted" ;;
        TryExec=*) printf 'TryExec=%s\n' "$dest/geotweets" ;;
        *) printf '%s\n' "$line" ;;
    esac
done < "$here/geotweets.desktop" > "$entry.new"
mv "$entry.new" "$entry"

ln -sfn "$dest/geotweets" "$link"
refresh_menus

echo "GeoTweets installed in $dest"
echo "It is in your applications menu; in a terminal, run: $link"
