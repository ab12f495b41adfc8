#!/usr/bin/env bash
# Runs a command where keytar can reach a real Secret Service. On a desktop that already has one, the
# command runs as is. Otherwise (CI, a bare VM, ssh) it starts a private D-Bus session and a
# gnome-keyring-daemon unlocked on a throwaway keyring folder, so the user's keyrings are never touched.
set -euo pipefail
[[ "$(uname -s)" == Linux ]] || exec "$@"

if [[ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]]; then
  command -v dbus-run-session >/dev/null || { echo "with-keyring: dbus-run-session not found; install the 'dbus' package (see README)" >&2; exit 1; }
  exec dbus-run-session -- bash "$0" "$@"
fi

has_secret_service() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'
}

if ! has_secret_service; then
  command -v gnome-keyring-daemon >/dev/null || { echo "with-keyring: gnome-keyring-daemon not found; install 'gnome-keyring' (see README)" >&2; exit 1; }
  keyring_home=$(mktemp -d)
  trap 'rm -rf "$keyring_home"' EXIT
  eval "$(printf 'teken-throwaway' | XDG_DATA_HOME="$keyring_home" gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
  export GNOME_KEYRING_CONTROL
  for _ in $(seq 50); do has_secret_service && break; sleep 0.1; done
  has_secret_service || { echo "with-keyring: gnome-keyring-daemon started but no Secret Service appeared on D-Bus" >&2; exit 1; }
fi
"$@"
