# concept.py: un archivo .safetensors escrito a mano, byte a byte, y abierto después con la biblioteca real.
# Estructura (safetensors-format): longitud N de la cabecera en 8 bytes (u64 little-endian), N bytes de JSON, datos.
import struct

from safetensors.numpy import load_file

header = b'{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}'
data = struct.pack("<4i", 1, 2, 3, 4)  # una tabla de 2 x 2 de enteros de 32 bits: 16 bytes

with open("hand_made.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(header)) + header + data)

print(f"N = {len(header)}: cabecera {header.decode()}")
print(f"archivo = 8 + {len(header)} + {len(data)} = {8 + len(header) + len(data)} bytes")

tensors = load_file("hand_made.safetensors")  # lee números; nunca ejecuta código del archivo
print(f"cargado: {list(tensors)} {tensors['test'].dtype}\n{tensors['test']}")

# Un archivo .ckpt o .pt basado en pickle es distinto: al cargarlo puede ejecutar código escondido.
# La biblioteca también rechaza un archivo roto en lugar de adivinar:
with open("broken.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(header)) + header + data[:8])  # faltan 8 bytes de datos
try:
    load_file("broken.safetensors")
except Exception as err:  # safetensors lanza su propio SafetensorError
    print(f"archivo roto rechazado:\n  {type(err).__name__}: {err}")
