# walled_gardens.py: what the convenience costs, as the vendors publish it.
# Prices in USD, checked 2026-11-01; prices change, so check the source before relying on them.

MIDJOURNEY = [  # midjourney-plans: (plan, monthly, per month if billed yearly, fast GPU h, Stealth)
    ("Basic", 10, 8, 3.3, False),
    ("Standard", 30, 24, 15, False),
    ("Pro", 60, 48, 30, True),
    ("Mega", 120, 96, 60, True),
]
DALLE3_API = {  # openai-pricing: USD per image
    "standard 1024x1024": 0.04,
    "standard wide": 0.08,
    "HD 1024x1024": 0.08,
    "HD wide": 0.12,
}

print("Midjourney  monthly  yearly*  fast GPU  $/fast h  private")
for plan, monthly, yearly, hours, stealth in MIDJOURNEY:
    private = "Stealth" if stealth else "no"
    per_hour = monthly / hours  # derived: what one hour of fast GPU time costs you
    prices = f"{f'${monthly}':>7}  {f'${yearly}':>7}"
    print(f"{plan:<10} {prices}  {hours:>6} h  {per_hour:>8.2f}  {private}")
print("* per month, billed yearly")

print("\nDALL-E 3 API, per image")
for size, price in DALLE3_API.items():
    print(f"  {size:<20} ${price:.2f}   x 500 images = ${price * 500:,.0f}")

print("\nEither way you rent access: the model never becomes yours.")
