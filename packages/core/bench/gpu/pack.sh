#!/usr/bin/env bash
# Packs what bench/gpu/run.sh needs on a machine that has a GPU but no Node and no registry access
# (the device machine of bench/gpu/README.md). Run here, from anywhere in the repository:
#
#   bash packages/core/bench/gpu/pack.sh            # → .dev/gpu-bench/{node.xz,modules.tar.xz} and .gl/*.deb
#
# .dev/ and .gl/ are git-ignored, so they travel only when named in the device tool's `carry`.
set -euo pipefail
ROOT=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
DEST="$ROOT/.dev/gpu-bench"
mkdir -p "$DEST"

# 1. The Node binary, xz-compressed (~100 MB → ~25 MB). It links only glibc and libstdc++, which
#    the CUDA image has; any Linux x86-64 Node ≥ 20 works.
NODE_BIN=$(readlink -f "$(command -v node)")
echo "node: $NODE_BIN ($(node --version))"
if [[ -f "$DEST/node.xz" && "$(cat "$DEST/node.version" 2>/dev/null)" == "$(node --version)" ]]; then
  echo "node.xz is current; not recompressing"
else
  xz -T0 -6 -c "$NODE_BIN" >"$DEST/node.xz"
  node --version >"$DEST/node.version"
fi

# 2. The built package (the benchmarks import packages/core/dist) and the run-time files of the
#    modules they load: Dawn for Node (linux-x64 only) and tfjs's Node bundles with their two
#    dependencies. Everything else in node_modules (types, other platforms) stays behind.
(cd "$ROOT" && npx turbo run build --filter=@erlangen/core --output-logs=errors-only)
NM=node_modules
tar -C "$ROOT" -cJf "$DEST/modules.tar.xz" \
  packages/core/dist \
  "$NM/webgpu/package.json" "$NM/webgpu/index.js" "$NM/webgpu/dist/linux-x64" \
  "$NM/@tensorflow/tfjs-core/package.json" "$NM/@tensorflow/tfjs-core/dist/tf-core.node.js" \
  "$NM/@tensorflow/tfjs-backend-cpu/package.json" "$NM/@tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.node.js" \
  "$NM/@tensorflow/tfjs-backend-webgpu/package.json" "$NM/@tensorflow/tfjs-backend-webgpu/dist/tf-backend-webgpu.node.js" \
  "$NM/seedrandom" "$NM/long"

# 3. The Vulkan loader (libvulkan.so.1), which Dawn loads and the CUDA image lacks, as Debian
#    packages (the device README's recipe); run.sh unpacks them with dpkg -x.
mkdir -p "$ROOT/.gl"
if ! ls "$ROOT"/.gl/libvulkan1_*.deb >/dev/null 2>&1; then
  mkdir -p /tmp/amd64/partial
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  # shellcheck disable=SC2086
  apt-get $o update >/dev/null
  # shellcheck disable=SC2086
  (cd "$ROOT/.gl" && apt-get $o download libvulkan1)
fi

du -sh "$DEST"/* "$ROOT"/.gl/*.deb
echo "carry: [\".dev/gpu-bench\", \".gl\"]; command: bash packages/core/bench/gpu/run.sh"
