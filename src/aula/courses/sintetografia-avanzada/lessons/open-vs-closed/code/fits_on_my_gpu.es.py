# fits_on_my_gpu.py: ¿qué configuraciones de modelos abiertos caben en qué GPU de consumo?
# Los picos son mediciones publicadas (el catálogo del curso, cada una con su fuente), hechas en
# GPU de centro de datos (A100/H100); en tu tarjeta la cifra puede variar un poco. Una
# configuración cabe cuando su pico más 0,5 GiB para el contexto CUDA no supera la memoria de la
# tarjeta (la regla del planificador de VRAM). La memoria de la GPU va en GiB (2³⁰ bytes), como
# la cuenta nvidia-smi.
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
    "sd3-medium-offload-no-t5": "SD3 Medium, offload, sin T5",
    "flux-dev-gguf-q4-1-model-offload": "FLUX.1-dev, GGUF Q4_1, offload",
    "sdxl-batch4-slicing-sequential": "SDXL lote 4, slicing+offload",
    "flux-dev-torchao-int8-model-offload": "FLUX.1-dev, int8, offload",
    "flux-dev-nf4": "FLUX.1-dev, NF4 (4-bit)",
    "sd3-medium-fp16": "SD3 Medium fp16",
    "sdxl-fp16-batch4": "SDXL fp16, lote de 4",
    "flux-dev-bnb-int8": "FLUX.1-dev, 8-bit",
    "flux-dev-bf16": "FLUX.1-dev, bf16",
}
peaks = {m.id: m.peak_gb.value for m in catalog.measurements}

print(" " * 42 + "Tarjetas GeForce RTX")
print(f"{'configuración':<32} {'pico':>8}  " + "  ".join(f"{g:>8}" for g in GPUS))
print(f"{'':<32} {'':>8}  " + "  ".join(f"{f'{v:g} GiB':>8}" for v in GPUS.values()))
for measurement_id, setup in SHOWN.items():
    peak = peaks[measurement_id]
    fits = (peak + RESERVE_GB <= vram for vram in GPUS.values())
    marks = "  ".join(f"{'cabe' if ok else '-':>8}" for ok in fits)
    print(f"{setup:<32} {f'{peak:.1f}'.replace('.', ','):>4} GiB  {marks}")

print("\nDescargar parte del trabajo en la RAM del sistema baja el pico, pero cuesta velocidad;")
print('diffusers dice que la descarga secuencial en la CPU es "extremadamente lenta".')  # diffusers-memory
