# open_models.py: the Open Frontier's best-known models, what you download, and on what terms.
# From the course catalog (catalog.yaml); (D) derived (e.g. file bytes ÷ 2), (U) uncertain
# (third-party or not on the model card itself).
from aula.labs.catalog import default_catalog

catalog = default_catalog()
SHOWN = [
    "sd15", "sdxl", "sd35-large", "flux-dev", "flux-schnell",
    "flux1-kontext-dev", "flux2-dev", "flux2-klein-4b", "qwen-image", "hidream-i1",
]


def marks(fact):
    return ("(D)" if fact.derived else "") + ("(U)" if fact.uncertain else "")


print(f"{'model':<27} {'params':<9} {'download':<15} licence")
for model_id in SHOWN:
    m = catalog.model(model_id)
    p = m.parameters_b
    params = f"{p.value:g}B{marks(p)}" if p else "?"
    f = min(m.files, key=lambda f: f.size_gb.value, default=None)  # the smallest download
    download = f"{f.size_gb.value:g} GB {f.precision}" if f else "–"
    licence = m.license.value.split(":")[0].split(" (")[0] + marks(m.license)
    print(f"{m.name:<27} {params:<9} {download:<15} {licence}")

t5 = next(c for c in catalog.model("flux-dev").components if c.id == "t5")
print(f"FLUX.1 also needs a T5 text encoder: {t5.parameters_b.value:g}B parameters.")

print("\nOpen weights still come with terms:")
for model_id in ("sd35-medium", "flux-dev", "flux-schnell", "hidream-i1"):
    m = catalog.model(model_id)
    print(f"  {m.name}: {m.license.value}")
