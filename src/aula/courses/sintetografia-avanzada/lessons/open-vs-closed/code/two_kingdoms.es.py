# two_kingdoms.py: la misma petición, "Un gato", hecha en cada reino.
# Lo que cambia no es el prompt, sino dónde vive cada cosa y de quién es.

KINGDOMS = {
    "SaaS (Midjourney)": {
        "recibes": "acceso, alquilado",
        "los pesos viven": "servidores ajenos",
        "la inferencia": "GPU del proveedor",
        "el prompt viaja": "por internet",
        "si dejas de pagar": "adiós al acceso",
    },
    "Abierto (Stable Diffusion)": {
        "recibes": "el archivo de pesos",
        "los pesos viven": "tu disco",
        "la inferencia": "tu GPU",
        "el prompt viaja": "a ningún sitio",
        "si dejas de pagar": "sin factura; el archivo sigue",
    },
}

names = list(KINGDOMS)
print(f"{'':<20}{names[0]:<22}{names[1]}")
for row in KINGDOMS[names[0]]:
    print(f"{row:<20}{KINGDOMS[names[0]][row]:<22}{KINGDOMS[names[1]][row]}")

print("\nUno ofrece facilidad de uso; el otro, control.")
