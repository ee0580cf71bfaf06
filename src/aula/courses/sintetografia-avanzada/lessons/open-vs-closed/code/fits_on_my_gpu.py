# fits_on_my_gpu.py: which open-model setups fit on which consumer GPU?
# A setup fits when its measured peak GPU memory is no more than the card's VRAM.
# Peaks were measured by the diffusers team on data-centre GPUs (A100/H100); on your card
# the figure can differ a little, so treat a near miss as a miss.

GPUS = {"3060": 12, "4060 Ti": 16, "4090": 24, "5090": 32}  # GeForce RTX, GB; gpu-launch-prices

PEAK_GB = {  # measured peak GPU memory in GB
    "SD 1.x, attention slicing": 3.2,  # diffusers-memory, diffusers-fp16
    "SD3 Medium, offload, no T5": 4.3,  # diffusers-memory, diffusers-fp16
    "SDXL batch 4, slicing+offload": 11.5,  # sdxl-optimizations-blog
    "FLUX.1-dev, torchao int4": 14.7,  # diffusers-quantization-blog
    "FLUX.1-dev, NF4 (4-bit)": 17.3,  # diffusers-quantization-blog
    "SD3 Medium fp16": 18.8,  # diffusers-memory, diffusers-fp16
    "SDXL fp16, batch of 4": 21.7,  # sdxl-optimizations-blog
    "FLUX.1-dev, 8-bit": 24.4,  # diffusers-quantization-blog
    "FLUX.1-dev, bf16": 36.2,  # diffusers-quantization-blog
}

print(" " * 40 + "GeForce RTX cards")
print(f"{'setup':<30} {'peak':>7}  " + "  ".join(f"{g:>7}" for g in GPUS))
print(f"{'':<30} {'':>7}  " + "  ".join(f"{f'{v} GB':>7}" for v in GPUS.values()))
for setup, peak in PEAK_GB.items():
    marks = "  ".join(f"{'fits' if peak <= vram else '-':>7}" for vram in GPUS.values())
    print(f"{setup:<30} {peak:>4} GB  {marks}")

print("\nOffloading to system RAM lowers the peak but costs speed;")
print('diffusers calls sequential CPU offload "extremely slow".')  # diffusers-memory
