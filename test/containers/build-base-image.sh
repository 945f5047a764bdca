#!/usr/bin/env bash
# Builds a local stand-in for `node:20-bookworm-slim` (base images cannot be pulled here): a minbase Debian
# bookworm from debootstrap, this machine's own Node 20 binary and npm (same Debian release, so its shared
# libraries are in minbase), and a `node` user with uid 1000 as in the official image. Cached: a second run only
# checks that the image exists. ~5 min on the 2-core machine (mostly debootstrap).
set -euo pipefail
image="${BASE_IMAGE:-localhost/node:20-bookworm-slim}"
podman=(podman --runtime runc)
if "${podman[@]}" image exists "$image"; then
  echo "base image $image present"
  exit 0
fi
rootfs="$(mktemp -d /var/tmp/atelier-rootfs.XXXXXX)"
trap 'rm -rf "$rootfs"' EXIT
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
started=$(date +%s)
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/dev/null
# The same mirrors as the host for later apt-get inside image builds (the enhancer's dictionaries).
cat > "$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES
install -m 0755 "$(readlink -f "$(command -v node)")" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules"
cp -a "$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")" "$rootfs/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
# The machine's trust store: its egress to the npm registry may pass a TLS proxy with its own CA, and `npm ci`
# inside image builds must trust what the host trusts (Node reads it through NODE_EXTRA_CA_CERTS below).
mkdir -p "$rootfs/etc/ssl/certs"
install -m 0644 /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
chroot "$rootfs" groupadd --gid 1000 node
chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
tar -C "$rootfs" -c . | "${podman[@]}" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'CMD ["node"]' - "$image" >/dev/null
echo "base image $image built in $(($(date +%s) - started)) s: $("${podman[@]}" image inspect "$image" --format '{{.Size}}') bytes"
