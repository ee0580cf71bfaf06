"""A small bilingual glossary of the domain, so that BM25 alone can match across languages.

Each line pairs Spanish words or phrases with English renderings. It is curated for courses on
generative image models (the built-in course's field), not a dictionary: words every question
shares ("imagen", "modelo") are here because they carry the topic, and so are the cognates that
stemming cannot join ("licencia"/"licence"). Names and acronyms (SDXL, LoRA, VRAM, Midjourney)
are the same in both languages and need no entry. A learner's Spanish question is matched by
Spanish stems (so "pesos", "peso" and "pesaje" meet), then searched by the English stems of its
renderings; embeddings, when installed, catch what this list misses.

Adding a line: ``"spanish | variants": "english | alternatives"``. Keep it to the course's field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from aula.instructor.language import Lang, content_stems, stem, words

# Spanish (variants separated by "|") → English renderings (alternatives separated by "|").
ES_EN: dict[str, str] = {
    # hardware and running
    "memoria de video | memoria de la grafica | memoria grafica | memoria de la gpu": "vram",
    "vram | memoria vram": "vram",
    "tarjeta grafica | grafica | tarjeta de video | placa de video | gpu": "gpu | graphics card",
    "memoria | ram": "memory",
    "ordenador | computadora | computador | pc | equipo": "computer | machine",
    "maquina": "machine | computer",
    "hardware | maquina propia": "hardware",
    "ejecutar | correr | funcionar | arrancar | ejecucion | corre | funciona": "run | running",
    "en local | localmente | local | en casa | en mi equipo": "local | locally | own",
    "sin conexion | sin internet | desconectado | fuera de linea": "offline",
    "internet | red | conexion": "internet | network",
    "nube | en la nube": "cloud",
    "servidor | servidores": "server | servers",
    "intranet | red interna": "intranet",
    "inferencia | inferir": "inference",
    "generar | generacion | crear | producir | genera": "generate | make",
    "velocidad | rapido | lento | lentitud": "speed | fast | slow",
    "descargar | descarga | bajar": "download",
    "instalar | instalacion | configurar | configuracion": "setup | install",
    "cuantizacion | cuantizar | cuantizado | 4 bits | 8 bits": "quantization | 4-bit | 8-bit",
    "descargar a la cpu | volcado a ram | offloading | descarga a ram": "offloading",
    "pico | maximo": "peak",
    "tamano | ocupa | grande | gigas | gigabytes | gb": "size | gb | big",
    "cabe | caber | entra | entrar": "fit | fits",
    "formato | formatos": "format",
    "numero | numeros": "number",
    # the model file
    "pesos | peso | pesos del modelo": "weights",
    "punto de control | puntos de control | checkpoint": "checkpoint | weights",
    "archivo | fichero | archivos": "file",
    "cerebro": "brain",
    "entrenar | entrenamiento | entrenado | entrena | reentrenar": "train | training",
    "ajuste fino | afinar | ajustar | personalizar": "fine-tune | customise",
    "parametros | parametro": "parameters | params",
    "codificador de texto | codificador": "text encoder | encoder",
    "seguro | segura | seguridad | riesgo | arriesgado | peligroso": "security | safe | risk",
    "codigo malicioso | ejecutar codigo | pickle": "pickle | code",
    # the two kingdoms
    "codigo abierto | open source | abierto | abiertos | libre": "open source | open",
    "pesos abiertos": "open-weights | open weights",
    "codigo cerrado | cerrado | cerrados | propietario | privativo": "closed source | closed",
    "jardin amurallado | jardines amurallados": "walled gardens",
    "frontera abierta": "open frontier",
    "reinos | reino | mundos": "kingdoms",
    "caja negra | cajas negras": "black box | black boxes",
    "servicio | servicios": "service",
    "software como servicio": "saas | software as a service",
    "plataforma | herramienta | herramientas": "tool | tools | platform",
    "proveedor | empresa | vendedor | fabricante": "vendor | company",
    "alquilar | alquiler | rentar | arrendar | alquilas": "rent | rented",
    "dueno | duena | propiedad | tuyo | tuya": "own | owns | owning",
    "acceso | acceder": "access",
    "comodidad | conveniencia | facilidad | facil | sencillo | sencillez": "convenience | ease",
    "control | controlar": "control",
    "esfuerzo": "effort",
    "calidad | estetica": "quality | aesthetic",
    "configuracion inicial | puesta en marcha": "setup",
    "flujo de trabajo | flujo": "workflow",
    "estrategica | estrategico | estrategia": "strategic",
    "decision | elegir | escoger | eleccion": "choice | choose | decision",
    "ventajas | ventaja | beneficios": "advantages | benefits",
    "desventajas | desventaja | inconvenientes | limites | limitaciones": "limits | price",
    "diferencia | diferencias | comparar | comparacion": "difference | compare",
    # money
    "precio | precios | coste | costo | costar | cuesta | cuestan | pagar | pago | vale": (
        "price | cost"
    ),
    "suscripcion | suscribirse | abono": "subscription",
    "mensual | al mes | por mes | cada mes | mensualidad | cuota": "monthly | month | fee",
    "anual | al ano | por ano": "yearly | year",
    "gratis | gratuito | gratuita | sin coste": "free | no fee",
    "factura": "bill",
    "plan | planes": "plan | plans",
    "ingresos": "revenue",
    "comercial | comerciales | clientes | cliente | encargo": "commercial | client",
    "licencia | licencias": "licence | license",
    "permisiva": "permissive",
    # privacy and rules
    "privacidad | privado | privada | privados": "privacy | private",
    "propiedad intelectual | derechos": "ip",
    "datos | informacion": "data",
    "boceto | bocetos | dibujo | dibujos | sketch": "sketch | sketches",
    "producto | productos | sin lanzar | inedito": "product | unreleased",
    "marca | marcas": "brand | brands",
    "salen | sale | salir | enviar | envia | subir | sube": "leave | leaves | send | upload",
    "publico | publica | publicas | publicos": "public",
    "galeria | explorar": "explore",
    "modo sigiloso | modo oculto | sigilo": "stealth",
    "registros | logs | guarda | conserva": "logs | keeps",
    "dias": "days",
    "censura | censurar | normas | reglas | directrices | prohibido": "censorship | guidelines",
    "contenido | contenidos": "content",
    # making images
    "imagen | imagenes | foto | fotos | ilustracion": "image | images | picture",
    "modelo | modelos": "model | models",
    "indicacion | instruccion | prompt | instrucciones": "prompt",
    "composicion | encuadre | disposicion": "composition | layout",
    "estilo | estilos": "style",
    "personaje | personajes": "character",
    "pose | postura": "pose",
    "mapa de profundidad | profundidad": "depth map | depth",
    "complemento | anadido | extension | pequeno archivo": "add-on",
    "ensenar | ensena | aprender": "teach | teaches",
    "seguir | sigue": "follow",
    "pixel | pixeles": "pixel",
    "ia generativa | inteligencia artificial": "generative ai | ai",
    "glosario | termino | terminos": "glossary | term",
    "video": "video",
    # everyday words that questions about the field keep using
    "pequeno | pequena | pequenos | ligero | ligeros": "small | fraction",
    "suficiente | suficientes | bastante": "enough",
    "tiempo | cuanto tiempo": "long | time | days",
    "dejar de pagar | dejo de pagar | cancelar | cancelo | darme de baja": "stop | lapse | ends",
    "quedar | queda | quedan | conservar | conservo | mantener": "keep | stays",
    "respetar | respete | respeta": "follow | keep",
    "cada": "per | each",
    "desarrollar | desarrolla | desarrollado | fabrica | crea | creado": "make | develop",
    "ofrecer | ofrecen | ofrece": "offer | give",
    "a cambio | a cambio de": "exchange | trade",
}

# Same-language synonyms a learner is likely to use for the course's own words. A question's
# word keeps its own stem and gains these, so nothing the course says is lost.
EN_SYNONYMS: dict[str, str] = {
    "cancel | unsubscribe | quit": "stop | lapse",
    "picture | pictures | photo | photos": "image",
    "graphics card | video card": "gpu",
    "design | designs | drawing | drawings | mockup | mockups": "sketch",
    "private | privately": "stealth | privacy",
    "price | pricing | fee | fees": "cost | price",
    "offline | disconnected": "offline | unplugged",
    "company | companies | studio | agency": "company | organisations",
    "creator | developer | maker": "make",
    "see | seen | visible | viewable": "public",
    "catch | downside | downsides | drawback | drawbacks | cons | disadvantage": "price | limits",
    "safe | unsafe | dangerous | malware | virus | malicious": "security | risk | code",
    "cheap | cheaper | expensive | afford": "cost | fee | price",
    "tradeoff | trade-off | tradeoffs": "convenience | control",
    "computer | laptop | pc": "computer | machine",
    "internet | online | connection | connected | wifi | network": "offline | internet | network",
}


# Words that glue a phrase together ("memoria *de* video"); questions drop them before matching.
GLUE = frozenset({"de", "la", "el", "del", "en", "a", "al", "por", "the", "of", "as", "an"})


@dataclass(frozen=True)
class Entry:
    source: tuple[str, ...]  # stems of a phrase in the question's language
    target: frozenset[str]  # stems of its renderings in the course's language


def _pairs(course_lang: Lang, query_lang: Lang) -> list[tuple[str, str]]:
    """(question-side phrase, course-side renderings) for the direction needed."""
    if query_lang == course_lang == "es":
        # Spanish variants that share a rendering are synonyms ("ordenador", "computadora").
        return [(phrase, es) for es in ES_EN for phrase in es.split("|")]
    if query_lang == course_lang:
        table = EN_SYNONYMS if course_lang == "en" else {}
        return [
            (phrase, f"{phrase} | {syn}") for key, syn in table.items() for phrase in key.split("|")
        ]
    out: list[tuple[str, str]] = []
    for es, en in ES_EN.items():
        for phrase in es.split("|"):
            if query_lang == "es" and course_lang == "en":
                out.append((phrase, en))
            elif query_lang == "en" and course_lang == "es":
                out += [(alt, phrase) for alt in en.split("|")]
    return out


@lru_cache(maxsize=4)
def entries(course_lang: Lang, query_lang: Lang) -> tuple[Entry, ...]:
    """Every phrase for one direction, longest first so "memoria de video" beats "memoria"."""
    found: dict[tuple[str, ...], set[str]] = {}
    for phrase, renderings in _pairs(course_lang, query_lang):
        key = tuple(stem(w, query_lang) for w in words(phrase) if w not in GLUE)
        if key:
            stems = {s for alt in renderings.split("|") for s in content_stems(alt, course_lang)}
            if query_lang == course_lang:  # synonyms: "cada mes" must not make "cada" a topic
                stems = {s for s in stems if len(s) > 3} or stems
            found.setdefault(key, set()).update(stems)
    ordered = sorted(found.items(), key=lambda kv: -len(kv[0]))
    return tuple(Entry(key, frozenset(stems)) for key, stems in ordered if stems)


def match_at(stems: Sequence[str], i: int, table: Sequence[Entry]) -> Entry | None:
    """The longest entry whose phrase starts at ``stems[i]``."""
    for entry in table:
        if tuple(stems[i : i + len(entry.source)]) == entry.source:
            return entry
    return None
