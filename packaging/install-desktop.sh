#!/usr/bin/env sh
# Add the bundled app to the desktop's menu for this user: the icon theme files and a .desktop entry
# whose Exec is this bundle's binary. Usage: packaging/install-desktop.sh [BUNDLE_DIR] (default dist/readerapp).
set -eu
bundle=$(cd "${1:-dist/readerapp}" && pwd)
resources="$bundle/_internal/resources"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
test -x "$bundle/readerapp" && test -d "$resources" || { echo "install-desktop: no bundle in $bundle" >&2; exit 1; }
mkdir -p "$data/icons" "$data/applications"
cp -R "$resources/icons/hicolor" "$data/icons/"
sed "s|^Exec=readerapp |Exec=\"$bundle/readerapp\" |" "$resources/readerapp.desktop" > "$data/applications/readerapp.desktop"
if command -v update-desktop-database >/dev/null; then update-desktop-database -q "$data/applications" || true; fi
echo "installed $data/applications/readerapp.desktop"
