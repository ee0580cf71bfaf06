# concept.py: inference = running an already-trained model on your input. Here, on this machine.
# A toy diffusion model: it starts from seeded noise and removes a little noise each step.
# A real one predicts the noise with billions of weights; this one "learned" a single picture.
import numpy as np

CAT = [  # what training left in our toy model's weights: an 8 x 11 "image" of a cat
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
        self.weights = {"A cat": np.array([[c == "#" for c in row] for row in CAT], float)}

    def predict(self, prompt: str, steps: int = 6, seed: int = 42) -> list[np.ndarray]:
        target = self.weights[prompt]
        x = np.random.default_rng(seed).standard_normal(target.shape)  # pure noise
        snapshots = [x]
        for k in range(1, steps + 1):
            predicted_noise = x - target
            x = x - predicted_noise / (steps - k + 1)  # remove this step's share of the noise
            print(f"Generating... step {k}/{steps}  noise left: {np.abs(x - target).mean():.2f}")
            snapshots.append(x)
        return snapshots


def render(img: np.ndarray) -> list[str]:
    levels = np.clip(np.round(img * 3), 0, 3).astype(int)
    return ["".join(".:+#"[v] for v in row) for row in levels]


model = TinyDiffusionModel()
result = model.predict(prompt="A cat")
shown = {"noise": result[0], "step 2": result[2], "step 4": result[4], "step 6": result[6]}
print("\n" + "   ".join(f"{name:<11}" for name in shown).rstrip())
for rows in zip(*(render(img) for img in shown.values()), strict=True):
    print("   ".join(rows))
print("\nEvery step ran on this machine: no server, no network.")
