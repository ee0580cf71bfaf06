# tradeoffs.py: comodidad frente a control, necesidad a necesidad del proyecto.
# Cada necesidad la cubre mejor un reino; enumera las de tu proyecto y mira hacia dónde se inclina.

BEST_FOR = {
    "sin instalar nada ni GPU propia": "cerrado",
    "buen acabado con un prompt corto": "cerrado",
    "imágenes para mañana, sin aprender": "cerrado",
    "funciona sin conexión": "abierto",
    "ajustarlo con tu propio producto": "abierto",
    "pose o composición exacta (ControlNet)": "abierto",
    "conservar una copia del modelo exacto": "abierto",
    "sin cuota mensual": "abierto",
}

project = [  # una agencia que hace un catálogo para un producto aún sin lanzar
    "ajustarlo con tu propio producto",
    "pose o composición exacta (ControlNet)",
    "funciona sin conexión",
    "imágenes para mañana, sin aprender",
]

for need in project:
    print(f"{need:<40} -> {BEST_FOR[need]}")

votes = {k: sum(BEST_FOR[n] == k for n in project) for k in ("cerrado", "abierto")}
lean = max(votes, key=lambda k: votes[k])
print(f"\ncerrado {votes['cerrado']} : abierto {votes['abierto']}  ->  se inclina hacia: {lean}")
if lean == "abierto":
    print("Presupuesta una GPU y tiempo de instalación: el control no es gratis.")
print("No es una elección técnica: es una decisión estratégica de flujo de trabajo.")
