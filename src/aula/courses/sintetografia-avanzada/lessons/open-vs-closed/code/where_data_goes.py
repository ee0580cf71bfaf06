# where_data_goes.py: an unreleased product sketch, sent to a cloud service or kept at home.
# The request is built for real (JSON with the image in base64, as image APIs take it);
# nothing is sent anywhere: this script has no network.
import base64
import json

sketch = bytes(range(256)) * 192  # stands in for "sneaker_v2_unreleased.png", 48 KiB
prompt = "Sneaker v2 on a marble plinth, studio light, launch poster"

cloud_request = json.dumps({"prompt": prompt, "image": base64.b64encode(sketch).decode()})
local_request = {"prompt": prompt, "image": sketch}  # stays in this process's memory

print(f"sketch: {len(sketch):,} bytes + a {len(prompt)}-character prompt\n")
print(f"cloud service: {len(cloud_request.encode()):,} bytes leave your network")
print("  Midjourney: results public on Explore unless Stealth (Pro/Mega)")  # midjourney-plans
print("  OpenAI API: not used for training since 2023-03-01;")  # openai-data-usage
print("              abuse-monitoring logs kept up to 30 days")  # openai-data-usage
kept = len(local_request["image"])
print(f"local model:   0 bytes leave your network ({kept:,} bytes stay on your machine)")
print("\nOnce uploaded, your sketch is protected by their policy, not yours.")
