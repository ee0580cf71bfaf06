# fits_on_my_gpu.py: which open-model setups fit on which consumer GPU?
# Peaks are published measurements (the course catalog, each with its source), taken on
# data-centre GPUs (A100/H100); on your card the figure can differ a little. A setup fits
# when its peak plus 0.5 GiB for the CUDA context is at most the card's memory (the VRAM
# planner's rule). GPU memory is in GiB (2³⁰ bytes), as nvidia-smi counts it.
import re

from aula.labs.catalog import default_catalog
from aula.labs.vram import RESERVE_GB

catalog = default_catalog()
GPUS = {  # "GeForce RTX 4060 Ti 16GB" -> "4060 Ti"
    re.sub(r"^GeForce RTX | \d+GB$", "", g.name): g.vram_gb.value
    for g in catalog.gpus
    if g.kind == "consumer"
}
SHOWN = {
    "sd3-medium-offload-no-t5": "SD3 Medium, offload, no T5",
    "flux-dev-gguf-q4-1-model-offload": "FLUX.1-dev, GGUF Q4_1, offload",
    "sdxl-batch4-slicing-sequential": "SDXL batch 4, slicing+offload",
    "flux-dev-torchao-int8-model-offload": "FLUX.1-dev, int8, offload",
    "flux-dev-nf4": "FLUX.1-dev, NF4 (4-bit)",
    "sd3-medium-fp16": "SD3 Medium fp16",
    "sdxl-fp16-batch4": "SDXL fp16, batch of 4",
    "flux-dev-bnb-int8": "FLUX.1-dev, 8-bit",
    "flux-dev-bf16": "FLUX.1-dev, bf16",
}
peaks = {m.id: m.peak_gb.value for m in catalog.measurements}

print(" " * 42 + "GeForce RTX cards")
print(f"{'setup':<32} {'peak':>8}  " + "  ".join(f"{g:>8}" for g in GPUS))
print(f"{'':<32} {'':>8}  " + "  ".join(f"{f'{v:g} GiB':>8}" for v in GPUS.values()))
for measurement_id, setup in SHOWN.items():
    peak = peaks[measurement_id]
    fits = (peak + RESERVE_GB <= vram for vram in GPUS.values())
    marks = "  ".join(f"{'fits' if ok else '-':>8}" for ok in fits)
    print(f"{setup:<32} {peak:>4.1f} GiB  {marks}")

print("\nOffloading to system RAM lowers the peak but costs speed;")
print('diffusers calls sequential CPU offload "extremely slow".')  # diffusers-memory
