# concept.py: a .safetensors file written by hand, byte by byte, then opened by the real library.
# Layout (safetensors-format): 8-byte header length N (little-endian u64), N bytes of JSON, data.
import struct

from safetensors.numpy import load_file

header = b'{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}'
data = struct.pack("<4i", 1, 2, 3, 4)  # a 2 x 2 table of 32-bit integers: 16 bytes

with open("hand_made.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(header)) + header + data)

print(f"N = {len(header)}: header {header.decode()}")
print(f"file = 8 + {len(header)} + {len(data)} = {8 + len(header) + len(data)} bytes")

tensors = load_file("hand_made.safetensors")  # reads numbers; never runs code from the file
print(f"loaded: {list(tensors)} {tensors['test'].dtype}\n{tensors['test']}")

# A pickle-based .ckpt or .pt file is different: loading it can run code hidden inside it.
# The library also refuses a broken file instead of guessing:
with open("broken.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(header)) + header + data[:8])  # 8 data bytes missing
try:
    load_file("broken.safetensors")
except Exception as err:  # safetensors raises its own SafetensorError
    print(f"broken file refused:\n  {type(err).__name__}: {err}")
