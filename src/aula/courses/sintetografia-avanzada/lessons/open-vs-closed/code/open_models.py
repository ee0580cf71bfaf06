# open_models.py: the Open Frontier's best-known models, what you download, and on what terms.
# (D) = derived from component sizes, not quoted by the source.

OPEN_MODELS = [  # (name, parameters, download, licence, source id)
    ("SD 1.5", "1.07B (D)", "2.13 GB fp16", "CreativeML OpenRAIL-M", "sd15-model-card"),
    ("SDXL base 1.0", "3.5B", "6.94 GB fp16", "CreativeML OpenRAIL++-M", "sdxl-model-card"),
    ("SD3.5 Large", "8B", "16.5 GB", "Stability Community", "sd35-blog"),
    ("FLUX.1 [dev]", "12B", "23.8 GB bf16", "FLUX.1-dev Non-Commercial", "flux-dev-model-card"),
    ("FLUX.1 [schnell]", "12B", "23.8 GB bf16", "Apache-2.0", "flux-schnell-model-card"),
]

print(f"{'model':<17} {'params':<10} {'download':<13} licence")
for name, params, download, licence, _source in OPEN_MODELS:
    print(f"{name:<17} {params:<10} {download:<13} {licence}")
print("(D) derived from its parts.")
print("FLUX.1 also needs a T5 text encoder: 4.76B, 9.52 GB.")  # flux-dev-model-card

print("\nOpen weights still come with terms:")
print("  Stability Community: free under $1M yearly revenue")  # sd35-blog
print("  FLUX.1 [dev]: non-commercial licence; read it before client work")
print("  FLUX.1 [schnell]: Apache-2.0, a permissive licence")
