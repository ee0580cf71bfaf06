# concept.py: why a LoRA file is small. It stores a low-rank CHANGE to a layer, not the layer.
import numpy as np

rng = np.random.default_rng(0)
d, rank = 320, 4  # one 320 x 320 layer; a LoRA uses a small rank

W = rng.standard_normal((d, d))  # the base model's layer: stays untouched on disk
A = rng.standard_normal((rank, d)) * 0.3  # the LoRA: two thin matrices,
B = rng.standard_normal((d, rank)) * 0.3  # learned from your own images
delta = B @ A  # the change they describe: a full 320 x 320 matrix, but only rank 4

print(f"layer:      {W.size:>7,} numbers")
print(f"LoRA (B,A): {A.size + B.size:>7,} numbers ({(A.size + B.size) / W.size:.1%} of the layer)")
print(f"rank of the change B @ A: {np.linalg.matrix_rank(delta)}")

strength = 0.8  # like a LoRA weight slider in an image app
W_styled = W + strength * delta  # "merging" the LoRA
x = rng.standard_normal(d)  # some input to the layer
shift = np.linalg.norm(W_styled @ x - W @ x) / np.linalg.norm(W @ x)
restored = np.allclose(W_styled - strength * delta, W)  # "unmerging" the LoRA
print(f"output changed by {shift:.0%}; remove the LoRA and the layer is back: {restored}")
