# LlavaServer container image.
#
#   GPU (default):  docker build -t llava-server:cuda .
#   CPU:            docker build --build-arg TORCH_BACKEND=cpu -t llava-server:cpu .
#   Run:            docker run --gpus all -p 8000:8000 -v /path/to/llava-1.5-7b-hf:/models:ro llava-server:cuda
#
# The model is not in the image: mount a Hugging Face llava-hf folder read-only at /models. Every server
# option is an environment variable Llava__<Key> (README "Server options"); API keys come from LLAVA_API_KEY.
# The base images are build arguments so a machine without registry access can build against local copies
# (scripts/verify-image.sh does). Build with BuildKit or buildah: the RUN steps use a NuGet cache mount.

ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0-noble
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0-noble
# cuda: TorchSharp-cuda-linux (libtorch with its CUDA 12 libraries; the host needs an NVIDIA driver and the
# NVIDIA container toolkit). cpu: TorchSharp-cpu.
ARG TORCH_BACKEND=cuda

FROM ${SDK_IMAGE} AS build
ARG TORCH_BACKEND
# Directory.Build.targets runs build/patch_glibcxx.py after publish. On Ubuntu 24.04 it changes nothing (GCC 14's
# libstdc++ already has GLIBCXX_3.4.32), but it needs python3, which the SDK image does not ship.
RUN command -v python3 >/dev/null \
    || { apt-get update && apt-get install -y --no-install-recommends python3 && rm -rf /var/lib/apt/lists/*; }
WORKDIR /src
# Project files first, so the restore layer is reused while only sources change.
COPY Directory.Build.props Directory.Build.targets Directory.Packages.props ./
COPY build/ build/
COPY src/Llava.Model/Llava.Model.csproj src/Llava.Model/
COPY src/Llava.Engine/Llava.Engine.csproj src/Llava.Engine/
COPY src/LlavaServer/LlavaServer.csproj src/LlavaServer/
RUN --mount=type=cache,id=llava-nuget,target=/root/.nuget/packages \
    dotnet restore src/LlavaServer/LlavaServer.csproj -r linux-x64 --disable-build-servers -p:TorchBackend=${TORCH_BACKEND}
COPY src/ src/
# Restores again (a no-op with a warm cache) rather than --no-restore: the packages live in the cache mount,
# not in the layer above, and a cache emptied between builds must not break the publish.
# Dropped from the output: the bundled test model (the image serves what is mounted at /models), and
# libtorch's Python binding and test libraries, which TorchSharp never loads.
RUN --mount=type=cache,id=llava-nuget,target=/root/.nuget/packages \
    dotnet publish src/LlavaServer/LlavaServer.csproj -c Release -r linux-x64 --self-contained false \
        --disable-build-servers -p:TorchBackend=${TORCH_BACKEND} -p:UseAppHost=false -o /app \
    && rm -rf /app/models /app/libtorch_python.so /app/libjitbackend_test.so /app/libtorchbind_test.so

FROM ${RUNTIME_IMAGE} AS runtime
ARG TORCH_BACKEND
# The aspnet image's non-root user 'app'. Numeric, so Kubernetes' runAsNonRoot can verify it.
ARG APP_UID=1654
WORKDIR /app
COPY --from=build /app ./
# Llava__Device follows the backend: 'cuda' or 'cpu' are both valid device names.
# ASPNETCORE_HTTP_PORTS is cleared: the server binds Llava__Host:Llava__Port itself.
ENV Llava__Model=/models \
    Llava__Host=0.0.0.0 \
    Llava__Port=8000 \
    Llava__Device=${TORCH_BACKEND} \
    ASPNETCORE_HTTP_PORTS= \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility
LABEL org.opencontainers.image.title="LlavaServer" \
      org.opencontainers.image.description="OpenAI-compatible server for LLaVA-1.5 models (TorchSharp ${TORCH_BACKEND})"
USER ${APP_UID}
EXPOSE 8000
# Liveness only (the process answers); /ready is for load balancers and Kubernetes readiness.
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
    CMD ["dotnet", "/app/LlavaServer.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "/app/LlavaServer.dll"]
