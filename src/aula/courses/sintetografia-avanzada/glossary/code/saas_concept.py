# concept.py: SaaS means renting. The bill never ends, and you never own the model.
# Midjourney plans in USD (midjourney-plans, checked 2026-11-01; prices change).
# ($30 a month is the Standard plan; Pro costs $60.)
subscription = {"plan": "Standard", "cost": 30, "gpu_time": "fast", "fast_hours": 15}
PLANS = {  # plan: (monthly billing, per month when billed yearly)
    "Basic": (10, 8),
    "Standard": (30, 24),
    "Pro": (60, 48),
    "Mega": (120, 96),
}

monthly, yearly = PLANS[subscription["plan"]]
assert monthly == subscription["cost"]  # keep the dict and the price table in step
plan, hours = subscription["plan"], subscription["fast_hours"]
print(f"{plan} plan: ${monthly}/month, {hours} h of fast GPU time")
print(f"a year, billed monthly: ${monthly * 12:,}")
print(f"a year, billed yearly:  ${yearly * 12:,}")

print("\nbilled monthly, over " + "  ".join(f"{f'{y} year' + 's' * (y > 1):>9}" for y in (1, 3, 5)))
for plan, (per_month, _) in PLANS.items():
    bills = "  ".join(f"{f'${per_month * 12 * years:,}':>9}" for years in (1, 3, 5))
    print(f"  {plan:<18} {bills}")
print("\nRequires monthly fee forever: stop paying and access stops.")
print("You rented access; the model was never yours.")

# Renting vs buying an RTX 4090, 2,000 images a month: Aula's cost lab, where every
# assumption is editable (`aula lab cost`). A flat plan and a per-image API differ a lot.
from aula.labs.cost import cost_of_ownership  # noqa: E402

print("\nrent or buy, 2,000 images a month (the GPU's power included)")
for plan in ("midjourney-standard", "gemini-3-1-flash-image-1k"):
    cost = cost_of_ownership(images_per_month=2000, plan=plan, gpu="rtx-4090", months=24)
    when = cost.break_even_month or cost.break_even_later
    verdict = f"the GPU pays for itself in month {when}" if when else "renting stays cheaper"
    print(f"  {cost.plan}: ${cost.saas_monthly:,.0f}/month; {verdict}")
