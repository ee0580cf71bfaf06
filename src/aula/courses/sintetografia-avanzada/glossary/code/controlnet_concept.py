# concept.py: the kind of control image a ControlNet follows. Here: an edge map of a layout.
# (ControlNet models are trained for one kind of control each: edges, pose, depth, scribbles...)
import numpy as np

h, w = 11, 30
yy, xx = np.mgrid[0:h, 0:w]
box = (yy >= 2) & (yy <= 8) & (xx >= 2) & (xx <= 11)  # a rough layout: a product box...
logo = ((yy - 5) / 4.4) ** 2 + ((xx - 21) / 7.4) ** 2 <= 1  # ...and a round logo
layout = box | logo

# Edges = filled pixels with an empty neighbour (a simple stand-in for Canny edge detection).
p = np.pad(layout, 1)
inside = p[:-2, 1:-1] & p[2:, 1:-1] & p[1:-1, :-2] & p[1:-1, 2:]
edges = layout & ~inside

print(f"{'layout':<{w}}    edge map = the control image")
for row_in, row_out in zip(layout, edges, strict=True):
    print("".join(".#"[int(v)] for v in row_in), "  ", "".join(".#"[int(v)] for v in row_out))
print("\nGiven this edge map, a ControlNet makes the model draw the box and the logo")
print("exactly here; the prompt still decides the style, materials and colours.")
