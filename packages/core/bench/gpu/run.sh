#!/usr/bin/env bash
# Runs the real-GPU benchmark on a machine with an NVIDIA GPU, PyTorch and no Node (bench/gpu/README.md):
# unpacks what pack.sh carried, installs the Vulkan loader, runs Erlangen webgpu vs tfjs-webgpu
# (bench.mjs, through Dawn's Vulkan backend) and PyTorch (torch_bench.py), and writes under $OUT:
#   webgpu.json, torch.json, table.md (the Markdown table with the issue's targets), run.log.
#
#   bash packages/core/bench/gpu/run.sh [--small]      # --small: test sizes (lavapipe / CPU torch)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../../.." && pwd)
CARRY="$ROOT/.dev/gpu-bench"
OUT=${OUT:-$ROOT/.dev/gpu-bench/out}
SMALL=()
[[ "${1:-}" == "--small" ]] && SMALL=(--small)
mkdir -p "$OUT"
exec > >(tee "$OUT/run.log") 2>&1

# 1. Node: the carried binary when there is one (the device machine has none), else this machine's.
if [[ -f "$CARRY/node.xz" ]]; then
  mkdir -p /tmp/erlangen-node
  xz -dc "$CARRY/node.xz" >/tmp/erlangen-node/node
  chmod +x /tmp/erlangen-node/node
  NODE=/tmp/erlangen-node/node
elif command -v node >/dev/null 2>&1; then
  NODE=$(command -v node)
else
  echo "no node and no $CARRY/node.xz: run pack.sh here and carry .dev/gpu-bench"
  exit 1
fi
echo "node $("$NODE" --version)"

# 2. The built package and the run-time modules, unless they are already there.
if [[ ! -f "$ROOT/packages/core/dist/index.js" || ! -f "$ROOT/node_modules/webgpu/index.js" ]]; then
  tar -C "$ROOT" -xJf "$CARRY/modules.tar.xz"
fi

# 3. The Vulkan loader, and NVIDIA's ICD where the driver mounts it (device README).
if ! ldconfig -p | grep -q 'libvulkan.so.1'; then
  for f in "$ROOT"/.gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
ICD=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[[ -f "$ICD" ]] && export VK_DRIVER_FILES="$ICD"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv

# 4. WebGPU (Erlangen, tfjs) then PyTorch, one after the other on an otherwise idle GPU.
REQUIRE=()
[[ ${#SMALL[@]} -eq 0 ]] && REQUIRE=(--require-hardware)
cd "$ROOT/packages/core"
"$NODE" bench/gpu/bench.mjs "${SMALL[@]}" "${REQUIRE[@]}" --out "$OUT/webgpu.json"
PYTHONUNBUFFERED=1 "${PYTHON:-python3}" bench/gpu/torch_bench.py "${SMALL[@]}" --out "$OUT/torch.json"
"$NODE" bench/gpu/table.mjs "$OUT/webgpu.json" "$OUT/torch.json" | tee "$OUT/table.md"
