#!/usr/bin/env bash
# Builds local stand-ins for the Dockerfile's base images when the registry images
# (mcr.microsoft.com/dotnet/sdk:10.0-noble, aspnet:10.0-noble) cannot be pulled, as on machines whose only
# registries are Debian's, NuGet and npm.
#
# Both stand-ins are Debian 13 (trixie): like Ubuntu 24.04 it ships GCC 14's libstdc++ (GLIBCXX_3.4.33), so
# TorchSharp's native library loads unpatched, exactly as on the real base. The runtime stand-in copies what
# the aspnet image has: the runtime-deps packages, the .NET host with the Microsoft.NETCore.App and
# Microsoft.AspNetCore.App frameworks (taken from this machine's /usr/share/dotnet), the non-root user 'app'
# (UID 1654) and the same environment. The SDK stand-in adds the SDK and this machine's extra CA
# certificates, so the build's restore reaches NuGet through this machine's TLS-inspecting egress.
#
# Usage: scripts/build-standin-bases.sh [--force]
# Prints the two image names. Rebuilds only what is missing (or everything with --force).
set -euo pipefail

RUNTIME_IMAGE=${RUNTIME_STANDIN:-localhost/llava-standin/aspnet:10.0-trixie}
SDK_IMAGE=${SDK_STANDIN:-localhost/llava-standin/sdk:10.0-trixie}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
DOTNET_HOME=${DOTNET_HOME:-/usr/share/dotnet}
APP_UID=1654
FORCE=${1:-}

log() { echo "[standin] $*" >&2; }

image_exists() { buildah inspect --type image "$1" >/dev/null 2>&1; }

# The machine's .NET runtime version, so the stand-in's environment names what it really contains.
framework_version() {
    local versions
    versions=$(ls "$DOTNET_HOME/shared/$1")
    [[ $(wc -w <<<"$versions") == 1 ]] || { log "expected one $1 under $DOTNET_HOME/shared, found: $versions"; exit 1; }
    echo "$versions"
}

build_runtime() {
    local work rootfs ctr mnt netcore aspnet
    netcore=$(framework_version Microsoft.NETCore.App)
    aspnet=$(framework_version Microsoft.AspNetCore.App)
    work=$(mktemp -d /var/tmp/llava-standin.XXXXXX)
    rootfs=$work/rootfs
    log "debootstrap trixie from $DEBIAN_MIRROR (a few minutes)"
    # The packages the aspnet:10.0-noble image's runtime-deps layer installs, under their trixie names.
    debootstrap --variant=minbase \
        --include=ca-certificates,libc6,libgcc-s1,libicu76,libssl3t64,libstdc++6,tzdata,tzdata-legacy \
        trixie "$rootfs" "$DEBIAN_MIRROR" >"$work/debootstrap.log" 2>&1 \
        || { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }
    chroot "$rootfs" groupadd --gid=$APP_UID app
    chroot "$rootfs" useradd --no-log-init --uid=$APP_UID --gid=$APP_UID --create-home app
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb

    mkdir -p "$rootfs/usr/share/dotnet/shared"
    cp -a "$DOTNET_HOME/dotnet" "$DOTNET_HOME/host" "$DOTNET_HOME/LICENSE.txt" "$DOTNET_HOME/ThirdPartyNotices.txt" \
        "$rootfs/usr/share/dotnet/"
    cp -a "$DOTNET_HOME/shared/Microsoft.NETCore.App" "$DOTNET_HOME/shared/Microsoft.AspNetCore.App" \
        "$rootfs/usr/share/dotnet/shared/"
    ln -s /usr/share/dotnet/dotnet "$rootfs/usr/bin/dotnet"

    ctr=$(buildah from scratch)
    mnt=$(buildah mount "$ctr")
    cp -a "$rootfs/." "$mnt/"
    buildah umount "$ctr" >/dev/null
    buildah config \
        --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        --env APP_UID=$APP_UID \
        --env ASPNETCORE_HTTP_PORTS=8080 \
        --env DOTNET_RUNNING_IN_CONTAINER=true \
        --env DOTNET_VERSION="$netcore" \
        --env ASPNET_VERSION="$aspnet" \
        --cmd /bin/bash \
        --label org.opencontainers.image.description="local stand-in for mcr.microsoft.com/dotnet/aspnet:10.0-noble" \
        "$ctr"
    buildah commit --rm --quiet "$ctr" "$RUNTIME_IMAGE" >/dev/null
    rm -rf "$work"
    log "built $RUNTIME_IMAGE"
}

build_sdk() {
    local ctr mnt
    ctr=$(buildah from "$RUNTIME_IMAGE")
    mnt=$(buildah mount "$ctr")
    cp -a "$DOTNET_HOME/sdk" "$DOTNET_HOME/sdk-manifests" "$DOTNET_HOME/packs" "$DOTNET_HOME/templates" \
        "$mnt/usr/share/dotnet/"
    # This machine reaches NuGet through an egress proxy with its own CA; the build stage must trust it too.
    if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
        cp /usr/local/share/ca-certificates/*.crt "$mnt/usr/local/share/ca-certificates/"
        chroot "$mnt" update-ca-certificates >/dev/null 2>&1
    fi
    buildah umount "$ctr" >/dev/null
    buildah config \
        --env DOTNET_GENERATE_ASPNET_CERTIFICATE=false \
        --env DOTNET_NOLOGO=true \
        --env DOTNET_CLI_TELEMETRY_OPTOUT=1 \
        --env NUGET_XMLDOC_MODE=skip \
        --env NUGET_CERT_REVOCATION_MODE="${NUGET_CERT_REVOCATION_MODE:-online}" \
        --env DOTNET_SDK_VERSION="$(ls "$DOTNET_HOME/sdk")" \
        --label org.opencontainers.image.description="local stand-in for mcr.microsoft.com/dotnet/sdk:10.0-noble" \
        "$ctr"
    buildah commit --rm --quiet "$ctr" "$SDK_IMAGE" >/dev/null
    log "built $SDK_IMAGE"
}

if [[ $FORCE == --force ]]; then
    buildah rmi "$SDK_IMAGE" "$RUNTIME_IMAGE" >/dev/null 2>&1 || true
fi
image_exists "$RUNTIME_IMAGE" || build_runtime
image_exists "$SDK_IMAGE" || build_sdk
echo "$SDK_IMAGE $RUNTIME_IMAGE"
