#!/usr/bin/env bash
# Builds the CPU image from the real Dockerfile with buildah, runs it, and checks that it works as shipped:
#   - no .NET SDK and no test assets in the final image; runs as the image's non-root user;
#   - serves the model mounted read-only at /models (the bundled fixture model), /ready turns 200;
#   - the image's own HEALTHCHECK command passes;
#   - a chat completion with an image gives the Hugging Face golden answer (tests/fixtures/reference);
#   - SIGTERM in the middle of a stream: the stream still ends with [DONE] and the process exits 0;
#   - nothing was written outside /tmp (so Kubernetes' readOnlyRootFilesystem with an emptyDir /tmp is safe).
#
# Usage: scripts/verify-image.sh [--keep]      (--keep leaves the built image in local storage)
#
# Base images: SDK_IMAGE and RUNTIME_IMAGE when both are set (e.g. the mcr.microsoft.com images where they
# can be pulled); otherwise scripts/build-standin-bases.sh builds local Debian 13 stand-ins.
# Runs as root (buildah's rootful storage); installs buildah and debootstrap from Debian if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-localhost/llava-server:cpu-verify}
MODEL_DIR=$PWD/models/tiny-llava-visible
GOLDEN=tests/fixtures/reference/golden/tiny-llava-visible.json
GOLDEN_CASE=single_gradient
SERVED_NAME=tiny-llava-visible
KEEP=${1:-}
export BUILDAH_ISOLATION=chroot   # the only isolation that works without a full container runtime here

log() { echo "[verify-image] $*" >&2; }
fail() { log "FAILED: $*"; exit 1; }

ensure_packages() {
    local missing=()
    command -v buildah >/dev/null || missing+=(buildah)
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    command -v curl >/dev/null || missing+=(curl)
    command -v python3 >/dev/null || missing+=(python3)
    if ((${#missing[@]})); then
        log "installing ${missing[*]}"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

image_size() { buildah images --format '{{.Size}}' "$1" | head -n 1; }

config_field() {  # the image's Docker config field as JSON
    buildah inspect --type image "$IMAGE" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["Docker"]["config"].get(sys.argv[1])))' "$1"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The server runs under buildah's chroot helpers; signals go to the dotnet process itself.
server_pid() {
    local pid=$1 child
    while [[ $(ps -o comm= -p "$pid") != dotnet ]]; do
        child=$(ps -o pid= --ppid "$pid" | head -n 1 | tr -d ' ')
        [[ -n $child ]] || return 1
        pid=$child
    done
    echo "$pid"
}

ensure_packages
if [[ -n ${SDK_IMAGE:-} && -n ${RUNTIME_IMAGE:-} ]]; then
    log "base images: $SDK_IMAGE, $RUNTIME_IMAGE"
else
    read -r SDK_IMAGE RUNTIME_IMAGE < <(scripts/build-standin-bases.sh)
    log "base images (local stand-ins): $SDK_IMAGE, $RUNTIME_IMAGE"
fi

log "buildah bud (TORCH_BACKEND=cpu) -> $IMAGE"
build_start=$(date +%s)
buildah bud --isolation chroot --format docker --layers \
    --build-arg TORCH_BACKEND=cpu --build-arg SDK_IMAGE="$SDK_IMAGE" --build-arg RUNTIME_IMAGE="$RUNTIME_IMAGE" \
    -t "$IMAGE" -f Dockerfile . >/tmp/llava-verify-build.log 2>&1 \
    || { tail -n 40 /tmp/llava-verify-build.log >&2; fail "image build (full log: /tmp/llava-verify-build.log)"; }
build_seconds=$(($(date +%s) - build_start))

ctr=$(buildah from "$IMAGE")
server=""
cleanup() {
    [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    buildah rm "$ctr" >/dev/null 2>&1 || true
    [[ $KEEP == --keep ]] || buildah rmi "$IMAGE" >/dev/null 2>&1 || true
}
trap cleanup EXIT

user=$(config_field User | tr -d '"')
[[ $user =~ ^[0-9]+$ && $user != 0 ]] || fail "image user is '$user', expected a numeric non-root UID"
[[ $(config_field ExposedPorts) == *'"8000/tcp"'* ]] || fail "port 8000 is not exposed"
healthcheck=$(config_field Healthcheck)
[[ $healthcheck == *healthcheck* ]] || fail "no HEALTHCHECK running the healthcheck command: $healthcheck"
mapfile -t entrypoint < <(config_field Entrypoint | python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)))')
mapfile -t health_cmd < <(config_field Healthcheck | python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)["Test"][1:]))')

log "checking the final image's contents"
buildah run "$ctr" -- sh -c '
    test ! -e /usr/share/dotnet/sdk || { echo "SDK folder present"; exit 1; }
    test -z "$(dotnet --list-sdks)" || { echo "dotnet lists SDKs"; exit 1; }
    test ! -e /app/models && test ! -e /app/tests || { echo "test assets in /app"; exit 1; }
    test "$(id -u)" != 0 || { echo "runs as root"; exit 1; }' || fail "final image contents"

port=$(free_port)
run_env=(--env Llava__Host=127.0.0.1 --env Llava__Port="$port" --env Llava__ServedModelName=$SERVED_NAME)
log "starting the image's entrypoint (${entrypoint[*]}) on 127.0.0.1:$port, /models <- $MODEL_DIR (read-only)"
buildah run --volume "$MODEL_DIR:/models:ro" "${run_env[@]}" "$ctr" -- "${entrypoint[@]}" \
    >/tmp/llava-verify-server.log 2>&1 &
server=$!

start=$(date +%s)
until curl -sf "http://127.0.0.1:$port/ready" >/dev/null; do
    kill -0 "$server" 2>/dev/null || { cat /tmp/llava-verify-server.log >&2; fail "server exited before /ready"; }
    (($(date +%s) - start < 180)) || fail "/ready not 200 after 180 s"
    sleep 1
done
ready_seconds=$(($(date +%s) - start))
pid=$(server_pid "$server") || fail "no dotnet process under buildah run"
process_uid=$(ps -o uid= -p "$pid" | tr -d ' ')
[[ $process_uid == "$user" ]] || fail "server runs as UID $process_uid, image says $user"

buildah run "${run_env[@]}" "$ctr" -- "${health_cmd[@]}" >&2 || fail "the image's HEALTHCHECK command"

log "chat completion with an image (golden case $GOLDEN_CASE)"
answer=$(python3 - "$port" "$GOLDEN" "$GOLDEN_CASE" "$SERVED_NAME" <<'EOF'
import base64, json, mimetypes, sys, urllib.request
port, golden_path, case_name, model = sys.argv[1:]
case = next(c for c in json.load(open(golden_path))["cases"] if c["name"] == case_name)
reference = golden_path.rsplit("/golden/", 1)[0]
def inline(part):
    if part.get("type") != "image_url":
        return part
    path = f"{reference}/{part['image_url']['url']}"
    data = base64.b64encode(open(path, "rb").read()).decode()
    return {"type": "image_url", "image_url": {"url": f"data:{mimetypes.guess_type(path)[0]};base64,{data}"}}
messages = [{**m, "content": [inline(p) for p in m["content"]] if isinstance(m["content"], list) else m["content"]}
            for m in case["messages"]]
body = {"model": model, "messages": messages, "max_tokens": case["greedy"]["max_new_tokens"], "temperature": 0}
request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/chat/completions", json.dumps(body).encode(),
                                 {"Content-Type": "application/json"})
reply = json.load(urllib.request.urlopen(request, timeout=120))
text = reply["choices"][0]["message"]["content"]
print(text)
if text != case["greedy"]["text"] or reply["usage"]["completion_tokens"] != len(case["greedy"]["ids"]):
    sys.exit(f"expected {case['greedy']['text']!r} ({len(case['greedy']['ids'])} tokens), got {text!r} ({reply['usage']['completion_tokens']} tokens)")
EOF
) || fail "chat completion"
log "answer: $answer"

log "SIGTERM to PID $pid in the middle of a stream"
python3 - "$port" "$pid" "$SERVED_NAME" <<'EOF' || fail "drain on SIGTERM"
import http.client, json, os, signal, sys
port, pid, model = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
body = {"model": model, "messages": [{"role": "user", "content": "Hello"}], "max_tokens": 1500, "ignore_eos": True,
        "stream": True}
connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
connection.request("POST", "/v1/chat/completions", json.dumps(body), {"Content-Type": "application/json"})
response = connection.getresponse()
assert response.status == 200, response.status
first = response.readline()
assert first.startswith(b"data: "), first
os.kill(pid, signal.SIGTERM)
rest = response.read().decode()
events = [line[6:] for line in rest.splitlines() if line.startswith("data: ")]
assert events[-1] == "[DONE]", events[-3:]
finish = json.loads(events[-2])["choices"][0]["finish_reason"]
assert finish == "length", finish
print(f"stream finished after SIGTERM: {len(events) - 1} more chunks, finish_reason={finish}", file=sys.stderr)
EOF
set +e
wait "$server"
exit_code=$?
set -e
server=""
grep -q "waiting up to .* for [1-9][0-9]* in-flight request" /tmp/llava-verify-server.log \
    || { cat /tmp/llava-verify-server.log >&2; fail "SIGTERM did not arrive while the stream was in flight"; }
((exit_code == 0)) || { tail -n 20 /tmp/llava-verify-server.log >&2; fail "server exited with $exit_code after SIGTERM"; }

# buildah's own mount points (/etc/hosts, /etc/resolv.conf, /run, /models) aside, only /tmp may have changed.
mount_point=$(buildah mount "$ctr")
written=$(cd "${mount_point%/merged}/diff" && find . -mindepth 1 \
    -not -path ./tmp -not -path './tmp/*' -not -path ./models -not -path ./run -not -path './run/*' \
    -not -path ./etc -not -path ./etc/hosts -not -path ./etc/resolv.conf)
buildah umount "$ctr" >/dev/null
[[ -z $written ]] || fail "the server wrote outside /tmp: $written"

cat <<EOF
verify-image: PASSED
  image:          $IMAGE ($(image_size "$IMAGE")), built in ${build_seconds}s
  base images:    $SDK_IMAGE ($(image_size "$SDK_IMAGE")), $RUNTIME_IMAGE ($(image_size "$RUNTIME_IMAGE"))
  user:           UID $user (non-root), no SDK, no test assets
  ready after:    ${ready_seconds}s
  answer:         $answer
  SIGTERM:        stream completed, exit code $exit_code, nothing written outside /tmp
EOF
