# models_comparison.py: los dos reinos, uno al lado del otro.
# Los datos vienen del catálogo de modelos del curso (catalog.yaml): cada uno lleva su fuente y
# el día en que se comprobó. `aula lab compare` muestra el catálogo entero.
import os
import textwrap
from pathlib import Path

import yaml

from aula.labs.compare import compare_models

SHOWN = ["midjourney", "gemini-image", "sdxl", "flux-schnell"]
rows = {row.id: row for row in compare_models().rows}

# Las palabras del catálogo en español (catalog.es.yaml), por id; los números vienen del original.
ES = yaml.safe_load((Path(os.environ["AULA_COURSE_DIR"]) / "catalog.es.yaml").read_text("utf-8"))


def es(model_id, field, english):
    return ES["models"].get(model_id, {}).get(field, english)



def control(row):
    tools = [("LoRA", row.lora), ("ControlNet", row.controlnet), ("ajuste fino", row.fine_tuning)]
    return ", ".join(name for name, fact in tools if fact.value) or "solo el prompt"


print(f"{'modelo':<28} {'reino':<8} {'local':<6} {'VRAM':>9}  control")
for model_id in SHOWN:
    row = rows[model_id]
    local = "sí" if row.runs_locally.value else "no"
    kind = {"open": "abierto", "closed": "cerrado"}[row.kind]
    vram = f"{row.vram.gb:.0f} GiB" if row.vram else "nube"
    name = es(model_id, "name", row.name).split(" (")[0]
    print(f"{name:<28} {kind:<8} {local:<6} {vram:>9}  {control(row)}")
print("VRAM: la estimación del planificador para una imagen, con la reserva incluida (GiB).")

print("\nlicencia y precio")
for model_id in SHOWN:
    row = rows[model_id]
    print(f"  {es(model_id, 'name', row.name)}: {es(model_id, 'license', row.license.value)}")
    print(textwrap.fill(es(model_id, "price", row.price.value), 68, initial_indent="    ", subsequent_indent="    "))

print("\nadónde van tus prompts")
for model_id in ["midjourney", "gemini-image", "sdxl"]:
    text = f"{es(model_id, 'name', rows[model_id].name)}: {es(model_id, 'privacy', rows[model_id].privacy.value)}"
    print(textwrap.fill(text, 68, initial_indent="  ", subsequent_indent="    "))

dalle = rows["dall-e-3"]
print(f"\nDALL·E, el otro jardín amurallado clásico: {es(dalle.id, 'name', dalle.name)}, cerrado el {dalle.retired.value}.")
