# models_comparison.py: the two kingdoms side by side.
# Every fact carries the id of its source in sources.yaml; prices are USD, checked 2026-11-01.

MODELS = [
    {
        "name": "Midjourney",
        "kingdom": "closed",
        "licence": "vendor terms",
        "local": False,
        "price": "$10-120 / month",  # midjourney-plans
    },
    {
        "name": "DALL-E 3 (API)",
        "kingdom": "closed",
        "licence": "vendor terms",
        "local": False,
        "price": "$0.04-0.12 / image",  # openai-pricing
    },
    {
        "name": "SDXL base 1.0",
        "kingdom": "open",
        "licence": "OpenRAIL++-M",  # sdxl-model-card, openrail-licence
        "local": True,
        "price": "your GPU + power",
    },
    {
        "name": "FLUX.1 [schnell]",
        "kingdom": "open",
        "licence": "Apache-2.0",  # flux-schnell-model-card
        "local": True,
        "price": "your GPU + power",
    },
]

PRIVACY = {
    "Midjourney": "images public on Explore unless Stealth (Pro/Mega)",  # midjourney-plans
    "DALL-E 3 API": "not used for training; abuse logs up to 30 days",  # openai-data-usage
    "open models": "prompts and images never leave your machine",
}

CONTROL = {
    "closed": "prompt + the vendor's settings; vendor sets rules",
    "open": "weights, LoRA, ControlNet, seed, sampler: all yours",
}

print(f"{'model':<17} {'kingdom':<8} {'licence':<13} {'local':<6} price")
for m in MODELS:
    local = "yes" if m["local"] else "no"
    print(f"{m['name']:<17} {m['kingdom']:<8} {m['licence']:<13} {local:<6} {m['price']}")

print("\nprivacy")
for who, what in PRIVACY.items():
    print(f"  {who:<13} {what}")

print("\ncontrol")
for kingdom, what in CONTROL.items():
    print(f"  {kingdom:<13} {what}")
