# where_data_goes.py: el boceto de un producto sin lanzar, enviado a un servicio en la nube o
# guardado en casa. La petición se construye de verdad (JSON con la imagen en base64, como la
# reciben las API de imágenes); no se envía nada: este script no tiene red.
import base64
import json

sketch = bytes(range(256)) * 192  # hace de "zapatilla_v2_sin_lanzar.png", 48 KiB
prompt = "Zapatilla v2 sobre un pedestal de mármol, luz de estudio, cartel de lanzamiento"

cloud_request = json.dumps({"prompt": prompt, "image": base64.b64encode(sketch).decode()})
local_request = {"prompt": prompt, "image": sketch}  # se queda en la memoria de este proceso

print(f"boceto: {len(sketch):,} bytes + un prompt de {len(prompt)} caracteres\n".replace(",", "."))
print(f"servicio en la nube: salen de tu red {len(cloud_request.encode()):,} bytes".replace(",", "."))
print("  Midjourney: resultados públicos en Explore salvo con Stealth (Pro/Mega)")  # midjourney-plans
print("  API de OpenAI: no se usa para entrenar desde el 1 de marzo de 2023;")  # openai-data-usage
print("                 registros de control de abusos hasta 30 días")  # openai-data-usage
kept = len(local_request["image"])
print(f"modelo local:        salen de tu red 0 bytes ({kept:,} se quedan en tu máquina)".replace(",", "."))
print("\nUna vez subido, a tu boceto lo protege su política, no la tuya.")
