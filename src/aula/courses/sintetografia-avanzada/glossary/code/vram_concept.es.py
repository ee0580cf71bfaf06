# concept.py: ¿cabrá un modelo en la VRAM de mi GPU? No hace falta una GPU para saberlo.
# La GPU de abajo es SIMULADA: un asignador que cuenta bytes y falla como lo hace PyTorch.
GB, GiB = 1e9, 2**30
BYTES_PER_PARAM = {"fp32": 4, "bf16": 2, "fp8": 1, "nf4": 0.5}

# 1. Solo los pesos = parámetros x bytes por parámetro.
flux_params = 12e9  # FLUX.1-dev transformer (flux-dev-model-card)
sizes = [f"{k} {flux_params * b / GB:.0f} GB" for k, b in BYTES_PER_PARAM.items()]
print("Pesos del transformer de FLUX.1-dev: " + " | ".join(sizes))


class SimulatedGPU:
    def __init__(self, name: str, vram_gb: float) -> None:
        self.name, self.total, self.used = name, vram_gb * GB, 0.0

    def allocate(self, nbytes: float) -> None:
        if self.used + nbytes > self.total:
            raise RuntimeError(f"CUDA out of memory. Tried to allocate {nbytes / GiB:.2f} GiB")
        self.used += nbytes


def run(label: str, loaded_gb: float, peak_gb: float, gpu: SimulatedGPU) -> None:
    print(f"\n{label} en {gpu.name} ({gpu.total / GB:.0f} GB), pico de {str(peak_gb).replace('.', ',')} GB:")
    step = "cargando los pesos"
    try:
        while gpu.used < loaded_gb * GB:  # los cargadores copian los pesos a la GPU trozo a trozo
            gpu.allocate(min(2 * GiB, loaded_gb * GB - gpu.used))
        step = f"pesos cargados ({gpu.used / GB:.1f} GB), generando".replace(".", ",")
        gpu.allocate((peak_gb - loaded_gb) * GB)  # memoria de trabajo mientras genera
        print(f"  {step}: hecho, sobran {(gpu.total - gpu.used) / GB:.1f} GB".replace(".", ","))
    except RuntimeError as err:  # PyTorch da los tamaños en GiB (1 GiB = 1,074 GB)
        print(f"  {step}, {gpu.used / GB:.1f} GB en uso:".replace(".", ",") + f"\n  RuntimeError: {err}")


# 2. Medido por diffusers (diffusers-quantization-blog): GB cargados / GB en el pico.
run("FLUX.1-dev bf16", 31.4, 36.2, SimulatedGPU("RTX 4090", 24))  # gpu-launch-prices
run("FLUX.1-dev NF4", 12.6, 17.3, SimulatedGPU("RTX 4060 Ti", 16))
run("FLUX.1-dev NF4", 12.6, 17.3, SimulatedGPU("RTX 4090", 24))
print("\n(Simulado: no se ha usado ninguna GPU. Una ejecución real se detiene con el mismo tipo de error).")

# 3. El planificador de VRAM de Aula estima el pico antes de que descargues nada (`aula lab vram`).
from aula.labs.planner import plan  # noqa: E402

flux = plan("flux-dev", "rtx-4090")
verdict = "cabe" if flux.fits else "no cabe"
# Las sugerencias del planificador, en español (si cambian, se muestran tal cual).
ES = {
    "offload with enable_sequential_cpu_offload()": "descarga en la CPU con enable_sequential_cpu_offload()",
    "extremely slow (diffusers' words)": "extremadamente lento (palabras de diffusers)",
    "use nf4 and quantise the text encoders to fp8 as well": "usa nf4 y cuantiza también los codificadores de texto a fp8",
    "some quality loss; prompts may be followed a little less closely": "algo de pérdida de calidad; puede que siga los prompts con algo menos de precisión",
}
needed = f"{flux.needed_gb:.1f}".replace(".", ",")
print(f"\nplanificador: {flux.model} necesita ~{needed} GB de {flux.gpu_gb:.0f}: {verdict}")
for idea in [s for s in flux.suggestions if s.fits][:2]:
    peak = f"{idea.peak_gb:.1f}".replace(".", ",")
    change, cost = ES.get(idea.change, idea.change), ES.get(idea.cost, idea.cost)
    print(f"  prueba: {change} -> {peak} GB ({cost})")
