# walled_gardens.py: what the convenience costs, as the vendors publish it.
# Every price comes from the course catalog (catalog.yaml), with its source and the day it was
# checked; prices change, so check the source before relying on them. USD.
from aula.labs.catalog import default_catalog

catalog = default_catalog()
plans = {p.id: p for p in catalog.plans}

print("Midjourney  monthly  yearly*  fast GPU  $/fast h  private")
for plan_id in ("midjourney-basic", "midjourney-standard", "midjourney-pro", "midjourney-mega"):
    p = plans[plan_id]
    monthly, yearly = p.monthly_usd.value, p.yearly_monthly_usd.value
    hours = p.fast_gpu_hours.value
    private = "Stealth" if p.stealth.value else "no"
    per_hour = monthly / hours  # derived: what one hour of fast GPU time costs you
    name = p.name.removeprefix("Midjourney ")
    prices = f"{f'${monthly:g}':>7}  {f'${yearly:g}':>7}"
    print(f"{name:<10} {prices}  {hours:>6g} h  {per_hour:>8.2f}  {private}")
print(f"* per month, billed yearly (checked {plans['midjourney-pro'].monthly_usd.checked})")

print("\nPer-image APIs on sale today   per image   x 500 images")
for p in catalog.plans:
    if p.per_image_usd is None or p.retired is not None:
        continue
    price = p.per_image_usd
    mark = " (U)" if price.uncertain else ""
    print(f"  {p.name:<36} ${price.value:<7.4g} ${price.value * 500:>7,.2f}{mark}")
gpt = catalog.model("gpt-image")
print(f"  {gpt.name}: {gpt.price.value}")

print("\nHistory: the walled garden can close. Retired APIs and what they cost:")
for model in catalog.models:
    if model.retired is not None:
        print(f"  {model.name}: shut down {model.retired.value}; {model.price.value}")
print("\nEither way you rent access: the model never becomes yours.")
print("(U) uncertain: third-party summaries of the vendor's price page.")
