# models_comparison.py: the two kingdoms side by side.
# The facts come from the course's model catalog (catalog.yaml): each carries its source and
# the day it was checked. `aula lab compare` prints the whole catalog.
import textwrap

from aula.labs.compare import compare_models

SHOWN = ["midjourney", "gemini-image", "sdxl", "flux-schnell"]
rows = {row.id: row for row in compare_models().rows}


def control(row):
    tools = [("LoRA", row.lora), ("ControlNet", row.controlnet), ("fine-tune", row.fine_tuning)]
    return ", ".join(name for name, fact in tools if fact.value) or "prompt only"


print(f"{'model':<20} {'kingdom':<8} {'local':<6} {'VRAM':>9}  control")
for model_id in SHOWN:
    row = rows[model_id]
    local = "yes" if row.runs_locally.value else "no"
    vram = f"{row.vram.gb:.0f} GiB" if row.vram else "cloud"
    name = row.name.split(" (")[0]
    print(f"{name:<20} {row.kind:<8} {local:<6} {vram:>9}  {control(row)}")
print("VRAM: the planner's estimate for one image, reserve included (GiB).")

print("\nlicence and price")
for model_id in SHOWN:
    row = rows[model_id]
    print(f"  {row.name}: {row.license.value}")
    print(textwrap.fill(row.price.value, 68, initial_indent="    ", subsequent_indent="    "))

print("\nwhere your prompts go")
for model_id in ["midjourney", "gemini-image", "sdxl"]:
    text = f"{rows[model_id].name}: {rows[model_id].privacy.value}"
    print(textwrap.fill(text, 68, initial_indent="  ", subsequent_indent="    "))

dalle = rows["dall-e-3"]
print(f"\nDALL-E, the other classic walled garden: {dalle.name}, shut down {dalle.retired.value}.")
