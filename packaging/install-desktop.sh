#!/usr/bin/env sh
# Add the bundled app to the desktop's menu for this user: the icon theme files and a .desktop entry
# whose Exec is this bundle's binary. Usage: packaging/install-desktop.sh [BUNDLE_DIR] (default: the folder
# this script is in when it is a bundle's, as in the `make dist` tarball; else dist/readerapp).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ -x "$here/readerapp" ]; then default="$here"; else default=dist/readerapp; fi
bundle=$(cd "${1:-$default}" && pwd)
resources="$bundle/_internal/resources"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
test -x "$bundle/readerapp" && test -d "$resources" || { echo "install-desktop: no bundle in $bundle" >&2; exit 1; }
mkdir -p "$data/icons" "$data/applications"
cp -R "$resources/icons/hicolor" "$data/icons/"
sed "s|^Exec=readerapp |Exec=\"$bundle/readerapp\" |" "$resources/readerapp.desktop" > "$data/applications/readerapp.desktop"
if command -v update-desktop-database >/dev/null; then update-desktop-database -q "$data/applications" || true; fi
echo "installed $data/applications/readerapp.desktop"
