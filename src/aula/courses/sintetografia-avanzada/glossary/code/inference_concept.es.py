# concept.py: inferencia = ejecutar un modelo ya entrenado con tu entrada. Aquí, en esta máquina.
# Un modelo de difusión de juguete: parte de ruido con semilla y quita un poco de ruido en cada paso.
# Uno real predice el ruido con miles de millones de pesos; este "aprendió" una sola imagen.
import numpy as np

CAT = [  # lo que el entrenamiento dejó en los pesos de nuestro modelo: una "imagen" de 8 x 11 de un gato
    "#.........#",
    "##.......##",
    "###########",
    "##..###..##",
    "###########",
    "####...####",
    ".#########.",
    "..#######..",
]


class TinyDiffusionModel:
    def __init__(self) -> None:
        self.weights = {"Un gato": np.array([[c == "#" for c in row] for row in CAT], float)}

    def predict(self, prompt: str, steps: int = 6, seed: int = 42) -> list[np.ndarray]:
        target = self.weights[prompt]
        x = np.random.default_rng(seed).standard_normal(target.shape)  # ruido puro
        snapshots = [x]
        for k in range(1, steps + 1):
            predicted_noise = x - target
            x = x - predicted_noise / (steps - k + 1)  # quita la parte del ruido que toca en este paso
            print(f"Generando... paso {k}/{steps}  ruido restante: {np.abs(x - target).mean():.2f}".replace(".", ",").replace("Generando,,,", "Generando..."))
            snapshots.append(x)
        return snapshots


def render(img: np.ndarray) -> list[str]:
    levels = np.clip(np.round(img * 3), 0, 3).astype(int)
    return ["".join(".:+#"[v] for v in row) for row in levels]


model = TinyDiffusionModel()
result = model.predict(prompt="Un gato")
shown = {"ruido": result[0], "paso 2": result[2], "paso 4": result[4], "paso 6": result[6]}
print("\n" + "   ".join(f"{name:<11}" for name in shown).rstrip())
for rows in zip(*(render(img) for img in shown.values()), strict=True):
    print("   ".join(rows))
print("\nCada paso se ejecutó en esta máquina: sin servidor, sin red.")
