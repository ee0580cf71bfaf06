# concept.py: por qué un archivo LoRA es pequeño. Guarda un CAMBIO de rango bajo en una capa, no la capa.
import numpy as np

rng = np.random.default_rng(0)
d, rank = 320, 4  # una capa de 320 x 320; una LoRA usa un rango pequeño

W = rng.standard_normal((d, d))  # la capa del modelo base: sigue intacta en el disco
A = rng.standard_normal((rank, d)) * 0.3  # la LoRA: dos matrices estrechas,
B = rng.standard_normal((d, rank)) * 0.3  # aprendidas de tus propias imágenes
delta = B @ A  # el cambio que describen: una matriz completa de 320 x 320, pero de rango 4

print(f"capa:       {W.size:>7,} números".replace(",", "."))
print(f"LoRA (B,A): {A.size + B.size:>7,} números ({(A.size + B.size) / W.size:.1%} de la capa)".replace(",", ".").replace("(B.A)", "(B,A)").replace("2.5%", "2,5 %"))
print(f"rango del cambio B @ A: {np.linalg.matrix_rank(delta)}")

strength = 0.8  # como el control deslizante del peso de una LoRA en una app de imagen
W_styled = W + strength * delta  # "fusionar" la LoRA
x = rng.standard_normal(d)  # una entrada cualquiera para la capa
shift = np.linalg.norm(W_styled @ x - W @ x) / np.linalg.norm(W @ x)
restored = np.allclose(W_styled - strength * delta, W)  # "separar" la LoRA
print(f"la salida cambia un {shift:.0%}; quita la LoRA y la capa vuelve a ser la de antes: {'sí' if restored else 'no'}".replace("%", " %"))
