#!/usr/bin/env bash
# Renders every kustomize overlay and example under deploy/kubernetes and validates the result (CI runs this):
#   - each object against its Kubernetes schema (npm kubernetes-models; ServiceMonitor through
#     @kubernetes-models/prometheus-operator), an unknown apiVersion/kind being an error;
#   - against the server and the image: probes on the server's /ready and /health routes, ports, option names,
#     non-root and read-only root, the model mount, GPU requests, grace period vs. drain, HPA metrics, PDB,
#     ServiceMonitor; and docker-compose.yml likewise (deploy/validate/*.mjs).
#   - docker-compose.yml against the Compose Specification, each profile (docker-compose config).
# Needs kustomize v5 (standalone or the one inside kubectl) and docker-compose v2; what is missing comes from
# Debian 13 through apt, pinned so that nothing else comes from that release. Needs Node.js >= 20 with npm.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

log() { echo "[validate-manifests] $*" >&2; }

major_version() { grep -oE 'v[0-9]+' | head -n 1 | tr -d v; }

# Debian's build prints "(devel)" as its version; its package version tells then.
kustomize_major() {
    local major
    major=$(kustomize version 2>/dev/null | major_version || true)
    [[ -n $major ]] || major=$(dpkg-query -W -f='${Version}' kustomize 2>/dev/null | grep -oE '^[0-9]+' || true)
    echo "${major:-0}"
}

# Prints the render command: a kustomize v5 (components, labels and patches need >= v4).
kustomize_command() {
    if command -v kustomize >/dev/null && (($(kustomize_major) >= 5)); then
        echo "kustomize build"
    elif command -v kubectl >/dev/null && (($(kubectl version --client 2>/dev/null | grep -i kustomize | major_version || echo 0) >= 5)); then
        echo "kubectl kustomize"
    fi
}

# Debian 12 lacks both tools in usable versions (its kubernetes-client carries kustomize v2). Debian 13 has
# kustomize 5.6 and docker-compose 2.26, Go binaries that need only libc6 >= 2.34, which Debian 12 has.
install_from_trixie() {
    log "installing $* from Debian 13 (pinned to these packages)"
    local sources=/etc/apt/sources.list.d/llava-validate-trixie.sources
    local pin=/etc/apt/preferences.d/llava-validate-trixie
    printf 'Types: deb\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$DEBIAN_MIRROR" >"$sources"
    printf 'Package: *\nPin: release n=trixie\nPin-Priority: -10\n\nPackage: %s\nPin: release n=trixie\nPin-Priority: 500\n' "$*" >"$pin"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
    rm -f "$sources" "$pin"
}

# docker-compose v2 checks docker-compose.yml against the Compose Specification without a Docker engine.
compose_v2() { command -v docker-compose >/dev/null && [[ $(docker-compose version --short 2>/dev/null) == 2.* ]]; }

command -v node >/dev/null && command -v npm >/dev/null || {
    log "installing nodejs and npm"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
}
missing=()
[[ -n $(kustomize_command) ]] || missing+=(kustomize)
compose_v2 || missing+=(docker-compose)
((${#missing[@]} == 0)) || install_from_trixie "${missing[@]}"
render=$(kustomize_command)
[[ -n $render ]] || { log "no kustomize v5 after installing it"; exit 1; }
compose_v2 || { log "no docker-compose v2 after installing it"; exit 1; }

npm ci --prefix deploy/validate --no-audit --no-fund --loglevel=error >/dev/null

rendered=$(mktemp -d)
trap 'rm -rf "$rendered"' EXIT
for target in deploy/kubernetes/overlays/* deploy/kubernetes/examples/*; do
    name=${target#deploy/kubernetes/}
    $render "$target" >"$rendered/${name//\//-}.yaml"
    log "rendered $name ($(grep -c '^kind:' "$rendered/${name//\//-}.yaml") objects) with $render"
done

for profile in gpu cpu observability; do
    docker-compose --profile "$profile" config --quiet
    log "docker-compose.yml: profile $profile valid"
done

cd deploy/validate
RENDERED_DIR=$rendered node --test --test-reporter=spec
