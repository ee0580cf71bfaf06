# concept.py: los pesos son un archivo de tablas de números con nombre. Crea uno diminuto y mira dentro.
import json
import os
import struct

import numpy as np
from safetensors.numpy import load_file, save_file

rng = np.random.default_rng(0)  # con semilla: el mismo "resultado del entrenamiento" en cada ejecución
tensors = {  # nombres como en un checkpoint de Stable Diffusion; formas reducidas de, p. ej., (320, 4, 3, 3)
    "model.diffusion_model.input_blocks.0.0.weight": rng.standard_normal((8, 4, 3, 3)),
    "model.diffusion_model.input_blocks.0.0.bias": np.zeros(8),
    "first_stage_model.decoder.conv_out.weight": rng.standard_normal((3, 8, 3, 3)),
    "cond_stage_model.transformer.text_model.embeddings.token_embedding.weight": (
        rng.standard_normal((16, 8))
    ),
}
save_file({k: v.astype(np.float16) for k, v in tensors.items()}, "tiny_model.safetensors")

# Cargar los pesos
model = load_file("tiny_model.safetensors")

for name in sorted(model):
    t = model[name]
    print(f"{t.dtype} {t.shape!s:<13} {name}")
params = sum(t.size for t in model.values())
size = os.path.getsize("tiny_model.safetensors")
print(f"{params:,} parámetros x 2 bytes (fp16) = {params * 2:,} bytes; archivo: {size:,} bytes".replace(",", "."))

# Lo que hay dentro, leído con la biblioteca estándar (safetensors-format):
# 8 bytes con la longitud de la cabecera (u64 little-endian), una cabecera JSON y los números en bruto.
with open("tiny_model.safetensors", "rb") as f:
    (header_len,) = struct.unpack("<Q", f.read(8))
    header = json.loads(f.read(header_len))
entry = header["model.diffusion_model.input_blocks.0.0.bias"]
print(f"archivo = 8 + {header_len} bytes de cabecera JSON + {params * 2:,} bytes de números".replace(",", "."))
print(f"una entrada de la cabecera: {json.dumps(entry)}")

# El de verdad: SDXL base 1.0 tiene 3500 millones de parámetros (sdxl-paper); su archivo fp16
# ocupa 6,94 GB (sdxl-model-card). Misma estructura, misma cabecera: solo muchos más números.
sdxl_params = 3.5e9
estimate = sdxl_params * 2 / 1e9  # GB a 2 bytes por parámetro
print(f"SDXL base: 3500 millones de parámetros x 2 bytes = {estimate:.1f} GB; el archivo real: 6,94 GB".replace("7.0", "7,0"))

# El inspector de pesos de Aula solo lee esa cabecera, nunca los números, así que un checkpoint
# de 20 GB se inspecciona tan rápido como este (`aula lab weights ARCHIVO`).
from aula.labs.weights import inspect_weights  # noqa: E402

report = inspect_weights("tiny_model.safetensors")
print(f"\ninspector: {report.architecture.label}, {report.tensors} tensores, leídos de la cabecera")
for part in report.components:
    print(f"  {part.name.replace('text encoder', 'codificador de texto'):<36} {part.parameters:>4,} parámetros")
