# concept.py: el tipo de imagen de control que sigue un ControlNet. Aquí: un mapa de bordes de una composición.
# (Cada modelo ControlNet se entrena para un tipo de control: bordes, pose, profundidad, garabatos...)
import numpy as np

h, w = 11, 30
yy, xx = np.mgrid[0:h, 0:w]
box = (yy >= 2) & (yy <= 8) & (xx >= 2) & (xx <= 11)  # una composición aproximada: la caja de un producto...
logo = ((yy - 5) / 4.4) ** 2 + ((xx - 21) / 7.4) ** 2 <= 1  # ...y un logotipo redondo
layout = box | logo

# Bordes = píxeles llenos con un vecino vacío (un sustituto sencillo de la detección de bordes de Canny).
p = np.pad(layout, 1)
inside = p[:-2, 1:-1] & p[2:, 1:-1] & p[1:-1, :-2] & p[1:-1, 2:]
edges = layout & ~inside

print(f"{'composición':<{w}}    mapa de bordes = la imagen de control")
for row_in, row_out in zip(layout, edges, strict=True):
    print("".join(".#"[int(v)] for v in row_in), "  ", "".join(".#"[int(v)] for v in row_out))
print("\nCon este mapa de bordes, un ControlNet hace que el modelo dibuje la caja y el logotipo")
print("justo aquí; el prompt sigue decidiendo el estilo, los materiales y los colores.")
