# concept.py: SaaS significa alquilar. La factura no se acaba nunca y el modelo nunca es tuyo.
# Planes de Midjourney en USD (midjourney-plans, comprobado el 2026-11-01; los precios cambian).
# (30 USD al mes es el plan Standard; Pro cuesta 60 USD).
subscription = {"plan": "Standard", "cost": 30, "gpu_time": "fast", "fast_hours": 15}
PLANS = {  # plan: (pago mensual, al mes con pago anual)
    "Basic": (10, 8),
    "Standard": (30, 24),
    "Pro": (60, 48),
    "Mega": (120, 96),
}

monthly, yearly = PLANS[subscription["plan"]]
assert monthly == subscription["cost"]  # el dict y la tabla de precios deben coincidir
plan, hours = subscription["plan"], subscription["fast_hours"]
print(f"plan {plan}: {monthly} USD/mes, {hours} h de tiempo de GPU rápida")
print(f"un año, con pago mensual: {monthly * 12} USD")
print(f"un año, con pago anual:   {yearly * 12} USD")

print("\npago mensual, en    " + "  ".join(f"{f'{y} año' + 's' * (y > 1):>10}" for y in (1, 3, 5)))
for plan, (per_month, _) in PLANS.items():
    bills = "  ".join(f"{f'{per_month * 12 * years:,} USD'.replace(',', '.'):>10}" for years in (1, 3, 5))
    print(f"  {plan:<18} {bills}")
print("\nCuota mensual para siempre: si dejas de pagar, se acaba el acceso.")
print("Alquilaste el acceso; el modelo nunca fue tuyo.")

# Alquilar o comprar una RTX 4090, 2000 imágenes al mes: el laboratorio de costes de Aula, donde
# cada supuesto se puede cambiar (`aula lab cost`). Una tarifa plana y una API por imagen difieren mucho.
from aula.labs.cost import cost_of_ownership  # noqa: E402

print("\nalquilar o comprar, 2000 imágenes al mes (con la electricidad de la GPU)")
for plan in ("midjourney-standard", "gemini-3-1-flash-image-1k"):
    cost = cost_of_ownership(images_per_month=2000, plan=plan, gpu="rtx-4090", months=24)
    when = cost.break_even_month or cost.break_even_later
    verdict = f"la GPU se amortiza en el mes {when}" if when else "alquilar sigue saliendo más barato"
    plan_name = cost.plan.replace("1K image", "imagen 1K")
    print(f"  {plan_name}: {cost.saas_monthly:.0f} USD/mes; {verdict}")
