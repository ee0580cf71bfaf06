# walled_gardens.py: lo que cuesta la comodidad, tal como lo publican los proveedores.
# Cada precio viene del catálogo del curso (catalog.yaml), con su fuente y el día en que se
# comprobó; los precios cambian, así que revisa la fuente antes de fiarte. En USD.
import os
from pathlib import Path

import yaml

from aula.labs.catalog import default_catalog

catalog = default_catalog()
plans = {p.id: p for p in catalog.plans}

# Las palabras del catálogo en español (catalog.es.yaml), por id; los números vienen del original.
ES = yaml.safe_load((Path(os.environ["AULA_COURSE_DIR"]) / "catalog.es.yaml").read_text("utf-8"))


def es(model_id, field, english):
    return ES["models"].get(model_id, {}).get(field, english)


print("Midjourney  mensual    anual*  GPU ráp.  $/h ráp.  privado")
for plan_id in ("midjourney-basic", "midjourney-standard", "midjourney-pro", "midjourney-mega"):
    p = plans[plan_id]
    monthly, yearly = p.monthly_usd.value, p.yearly_monthly_usd.value
    hours = p.fast_gpu_hours.value
    private = "Stealth" if p.stealth.value else "no"
    per_hour = monthly / hours  # derivado: lo que te cuesta una hora de GPU rápida
    name = p.name.removeprefix("Midjourney ")
    prices = f"{f'${monthly:g}':>7}  {f'${yearly:g}':>7}"
    print(f"{name:<10} {prices}  {hours:>6g} h  {per_hour:>8.2f}  {private}".replace(".", ","))
print(f"* al mes, con pago anual (comprobado el {plans['midjourney-pro'].monthly_usd.checked})")

print("\nAPI por imagen a la venta hoy  por imagen  x 500 imágenes")
for p in catalog.plans:
    if p.per_image_usd is None or p.retired is not None:
        continue
    price = p.per_image_usd
    mark = " (U)" if price.uncertain else ""
    print(f"  {ES['plans'].get(p.id, {}).get('name', p.name):<36} ${price.value:<7.4g} ${price.value * 500:>7,.2f}{mark}")
gpt = catalog.model("gpt-image")
print(f"  {es(gpt.id, 'name', gpt.name)}: {es(gpt.id, 'price', gpt.price.value)}")

print("\nHistoria: el jardín amurallado puede cerrar. API retiradas y lo que costaban:")
for model in catalog.models:
    if model.retired is not None:
        print(f"  {es(model.id, 'name', model.name)}: cerrado el {model.retired.value}; {es(model.id, 'price', model.price.value)}")
print("\nDe un modo u otro, alquilas el acceso: el modelo nunca pasa a ser tuyo.")
print("(U) dato incierto: resúmenes de terceros de la página de precios del proveedor.")
