# two_kingdoms.py: the same request, "A cat", made in each kingdom.
# What differs is not the prompt but where everything lives and who owns it.

KINGDOMS = {
    "SaaS (Midjourney)": {
        "you get": "access, rented",
        "weights live": "vendor's servers",
        "inference runs": "vendor's GPUs",
        "prompt travels": "over the internet",
        "if you stop paying": "access ends",
    },
    "Open (Stable Diffusion)": {
        "you get": "the weights file",
        "weights live": "your disk",
        "inference runs": "your GPU",
        "prompt travels": "nowhere",
        "if you stop paying": "no bill; file stays",
    },
}

names = list(KINGDOMS)
print(f"{'':<20}{names[0]:<22}{names[1]}")
for row in KINGDOMS[names[0]]:
    print(f"{row:<20}{KINGDOMS[names[0]][row]:<22}{KINGDOMS[names[1]][row]}")

print("\nOne offers ease of use, the other offers control.")
