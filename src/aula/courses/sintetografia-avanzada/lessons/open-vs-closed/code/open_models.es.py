# open_models.py: los modelos más conocidos de la Frontera Abierta, qué descargas y con qué condiciones.
# Del catálogo del curso (catalog.yaml); (D) derivado (p. ej., bytes del archivo ÷ 2), (U) incierto
# (de terceros o no consta en la propia ficha del modelo).
import os
from pathlib import Path

import yaml

from aula.labs.catalog import default_catalog

catalog = default_catalog()

# Las palabras del catálogo en español (catalog.es.yaml), por id; los números vienen del original.
ES = yaml.safe_load((Path(os.environ["AULA_COURSE_DIR"]) / "catalog.es.yaml").read_text("utf-8"))


def es(model_id, field, english):
    return ES["models"].get(model_id, {}).get(field, english)

SHOWN = [
    "sd15", "sdxl", "sd35-large", "flux-dev", "flux-schnell",
    "flux1-kontext-dev", "flux2-dev", "flux2-klein-4b", "qwen-image", "hidream-i1",
]


def marks(fact):
    return ("(D)" if fact.derived else "") + ("(U)" if fact.uncertain else "")


print(f"{'modelo':<27} {'params':<9} {'descarga':<15} licencia")
for model_id in SHOWN:
    m = catalog.model(model_id)
    p = m.parameters_b
    params = f"{p.value:g}B{marks(p)}".replace(".", ",") if p else "?"
    f = min(m.files, key=lambda f: f.size_gb.value, default=None)  # la descarga más pequeña
    download = f"{f.size_gb.value:g} GB {f.precision}".replace(".", ",") if f else "–"
    licence = es(m.id, "license", m.license.value).split(":")[0].split(" (")[0] + marks(m.license)
    print(f"{m.name:<27} {params:<9} {download:<15} {licence}")

t5 = next(c for c in catalog.model("flux-dev").components if c.id == "t5")
print(f"FLUX.1 también necesita un codificador de texto T5: {t5.parameters_b.value * 1000:g} millones de parámetros.")

print("\nLos pesos abiertos también vienen con condiciones:")
for model_id in ("sd35-medium", "flux-dev", "flux-schnell", "hidream-i1"):
    m = catalog.model(model_id)
    print(f"  {m.name}: {es(m.id, 'license', m.license.value)}")
