# concept.py: weights are a file of named arrays of numbers. Make a tiny one, then look inside.
import json
import os
import struct

import numpy as np
from safetensors.numpy import load_file, save_file

rng = np.random.default_rng(0)  # seeded: the same "training result" every run
tensors = {  # names as in a Stable Diffusion checkpoint; shapes shrunk from e.g. (320, 4, 3, 3)
    "model.diffusion_model.input_blocks.0.0.weight": rng.standard_normal((8, 4, 3, 3)),
    "model.diffusion_model.input_blocks.0.0.bias": np.zeros(8),
    "first_stage_model.decoder.conv_out.weight": rng.standard_normal((3, 8, 3, 3)),
    "cond_stage_model.transformer.text_model.embeddings.token_embedding.weight": (
        rng.standard_normal((16, 8))
    ),
}
save_file({k: v.astype(np.float16) for k, v in tensors.items()}, "tiny_model.safetensors")

# Loading weights
model = load_file("tiny_model.safetensors")

for name in sorted(model):
    t = model[name]
    print(f"{t.dtype} {t.shape!s:<13} {name}")
params = sum(t.size for t in model.values())
size = os.path.getsize("tiny_model.safetensors")
print(f"{params:,} parameters x 2 bytes (fp16) = {params * 2:,} bytes; file: {size:,} bytes")

# What is inside, read with the standard library (safetensors-format):
# 8 bytes of header length (little-endian u64), then a JSON header, then the raw numbers.
with open("tiny_model.safetensors", "rb") as f:
    (header_len,) = struct.unpack("<Q", f.read(8))
    header = json.loads(f.read(header_len))
entry = header["model.diffusion_model.input_blocks.0.0.bias"]
print(f"file = 8 + {header_len} bytes of JSON header + {params * 2:,} bytes of numbers")
print(f"one header entry: {json.dumps(entry)}")

# The real thing: SDXL base 1.0 has 3.5B parameters (sdxl-paper); its fp16 file is
# 6.94 GB (sdxl-model-card). Same layout, same header: just a lot more numbers.
sdxl_params = 3.5e9
estimate = sdxl_params * 2 / 1e9  # GB at 2 bytes per parameter
print(f"SDXL base: 3.5B parameters x 2 bytes = {estimate:.1f} GB; the real file: 6.94 GB")

# Aula's weights inspector reads only that header, never the numbers, so a 20 GB
# checkpoint is inspected as fast as this one (`aula lab weights FILE`).
from aula.labs.weights import inspect_weights  # noqa: E402

report = inspect_weights("tiny_model.safetensors")
print(f"\ninspector: {report.architecture.label}, {report.tensors} tensors, read from the header")
for part in report.components:
    print(f"  {part.name:<26} {part.parameters:>4,} parameters")
