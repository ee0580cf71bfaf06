# concept.py: will a model fit in my GPU's VRAM? No GPU needed to find out.
# The GPU below is SIMULATED: an allocator that counts bytes and fails the way PyTorch does.
GB, GiB = 1e9, 2**30
BYTES_PER_PARAM = {"fp32": 4, "bf16": 2, "fp8": 1, "nf4": 0.5}

# 1. Weights alone = parameters x bytes per parameter.
flux_params = 12e9  # FLUX.1-dev transformer (flux-dev-model-card)
sizes = [f"{k} {flux_params * b / GB:.0f} GB" for k, b in BYTES_PER_PARAM.items()]
print("FLUX.1-dev transformer weights: " + " | ".join(sizes))


class SimulatedGPU:
    def __init__(self, name: str, vram_gb: float) -> None:
        self.name, self.total, self.used = name, vram_gb * GB, 0.0

    def allocate(self, nbytes: float) -> None:
        if self.used + nbytes > self.total:
            raise RuntimeError(f"CUDA out of memory. Tried to allocate {nbytes / GiB:.2f} GiB")
        self.used += nbytes


def run(label: str, loaded_gb: float, peak_gb: float, gpu: SimulatedGPU) -> None:
    print(f"\n{label} on {gpu.name} ({gpu.total / GB:.0f} GB), peak {peak_gb} GB:")
    step = "loading weights"
    try:
        while gpu.used < loaded_gb * GB:  # loaders copy weights to the GPU piece by piece
            gpu.allocate(min(2 * GiB, loaded_gb * GB - gpu.used))
        step = f"weights loaded ({gpu.used / GB:.1f} GB), generating"
        gpu.allocate((peak_gb - loaded_gb) * GB)  # working memory while generating
        print(f"  {step}: done, {(gpu.total - gpu.used) / GB:.1f} GB to spare")
    except RuntimeError as err:  # PyTorch reports sizes in GiB (1 GiB = 1.074 GB)
        print(f"  {step}, {gpu.used / GB:.1f} GB in use:\n  RuntimeError: {err}")


# 2. Measured by diffusers (diffusers-quantization-blog): GB loaded / GB at peak.
run("FLUX.1-dev bf16", 31.4, 36.2, SimulatedGPU("RTX 4090", 24))  # gpu-launch-prices
run("FLUX.1-dev NF4", 12.6, 17.3, SimulatedGPU("RTX 4060 Ti", 16))
run("FLUX.1-dev NF4", 12.6, 17.3, SimulatedGPU("RTX 4090", 24))
print("\n(Simulated: no GPU was used. A real run stops with the same kind of error.)")

# 3. Aula's VRAM planner estimates the peak before you download anything (`aula lab vram`).
from aula.labs.planner import plan  # noqa: E402

flux = plan("flux-dev", "rtx-4090")
verdict = "fits" if flux.fits else "does not fit"
print(f"\nplanner: {flux.model} needs ~{flux.needed_gb:.1f} GB of {flux.gpu_gb:.0f}: {verdict}")
for idea in [s for s in flux.suggestions if s.fits][:2]:
    print(f"  try: {idea.change} -> {idea.peak_gb:.1f} GB ({idea.cost})")
