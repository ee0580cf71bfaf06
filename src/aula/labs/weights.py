"""The weights inspector: what is inside a checkpoint, read from its headers only.

Accepts a ``.safetensors`` file, a sharded checkpoint (``*.safetensors.index.json``), a
diffusers folder (``model_index.json``), or, for web uploads, the header bytes alone. The cost
depends on the header's size, never on the file's: tensor data is not read.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aula.labs import pickles
from aula.labs.architecture import (
    Architecture,
    Part,
    folder_role,
    part_names,
    part_of,
    recognise,
)
from aula.labs.errors import FormatError, LabError
from aula.labs.lora import LoraInfo, recognise_lora
from aula.labs.safetensors import (
    MAX_HEADER_BYTES,
    PREFIX_BYTES,
    Header,
    TensorInfo,
    header_length,
    parse_header_bytes,
    read_header,
)

UPLOAD_HEADER_LIMIT = 16 * 1024 * 1024  # a web upload's header; real ones are well under 2 MB
MAX_COMPONENTS = 40  # groups listed in a report; the rest are summed in one line
_HEAD_PARTS = 6  # part_of looks at no more of a name than its first dotted parts
_INDEX_LIMIT = 50 * 1024 * 1024  # a shard index is a small JSON map of names


@dataclass(frozen=True)
class Component:
    """A group of tensors loaded together (the UNet, a text encoder, the VAE)."""

    name: str
    role: str  # denoiser, text-encoder, vae or other
    prefix: str
    tensors: int
    parameters: int
    bytes: int
    bytes_by_dtype: dict[str, int] = field(hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "prefix": self.prefix,
            "tensors": self.tensors,
            "parameters": self.parameters,
            "bytes": self.bytes,
            "bytes_by_dtype": dict(self.bytes_by_dtype),
        }


@dataclass(frozen=True)
class FileSummary:
    path: str
    file_size: int | None  # None when only the header was given
    header_bytes: int
    tensors: int
    metadata: dict[str, str] = field(hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "file_size": self.file_size,
            "header_bytes": self.header_bytes,
            "tensors": self.tensors,
            "metadata": dict(self.metadata),
        }


@dataclass(frozen=True)
class WeightsReport:
    source: str
    layout: str  # safetensors, sharded, diffusers or header
    files: tuple[FileSummary, ...]
    tensors: int
    parameters: int
    bytes_by_dtype: dict[str, int] = field(hash=False)
    components: tuple[Component, ...]
    metadata: dict[str, str] = field(hash=False)
    architecture: Architecture
    notes: tuple[str, ...] = ()
    lora: LoraInfo | None = None  # set when the file is a LoRA adapter, not a model

    @property
    def data_bytes(self) -> int:
        return sum(self.bytes_by_dtype.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "layout": self.layout,
            "tensors": self.tensors,
            "parameters": self.parameters,
            "bytes": self.data_bytes,
            "bytes_by_dtype": dict(self.bytes_by_dtype),
            "components": [c.to_dict() for c in self.components],
            "metadata": dict(self.metadata),
            "architecture": self.architecture.to_dict(),
            "lora": self.lora.to_dict() if self.lora else None,
            "files": [f.to_dict() for f in self.files],
            "notes": list(self.notes),
        }


# ---------------------------------------------------------------- entry points


def inspect_weights(
    path: str | Path,
    *,
    variant: str | None = None,
    limit: int = MAX_HEADER_BYTES,
    max_tensors: int | None = None,
) -> WeightsReport:
    """Inspect a file or folder. ``variant`` picks diffusers files such as ``*.fp16.*``;
    a single file listing more than ``max_tensors`` tensors is refused before parsing."""
    path = Path(path)
    if path.is_dir():
        if (path / "model_index.json").is_file():
            return _inspect_diffusers(path, variant, limit)
        indexes = sorted(path.glob("*.safetensors.index.json"))
        if len(indexes) == 1:
            return _inspect_sharded(indexes[0], limit)
        raise LabError(
            f"{path}: a folder needs a model_index.json (diffusers) or one "
            "*.safetensors.index.json (sharded checkpoint)"
        )
    if not path.exists():
        raise LabError(f"{path}: no such file")
    if path.name.endswith(".index.json"):
        return _inspect_sharded(path, limit)
    if pickles.is_pickle_name(path):
        raise pickles.refuse(path)
    header = _read_file(path, limit, max_tensors)
    return _report(str(path), "safetensors", [(path.name, None, header)])


def inspect_header_bytes(
    data: bytes,
    *,
    name: str = "upload.safetensors",
    file_size: int | None = None,
    limit: int = UPLOAD_HEADER_LIMIT,
) -> WeightsReport:
    """Inspect the first ``8 + N`` bytes of a file (more are ignored), e.g. from an upload.

    With ``file_size`` the offsets are also checked against the file's end; without it, only
    against each other. Read ``bytes_to_read(first_8_bytes)`` bytes of an upload, no more.
    """
    if pickles.looks_like_pickle(data[:PREFIX_BYTES]) and not _plausible_header(data, limit):
        raise LabError(
            f"{name}: refused: this is a pickle checkpoint (PyTorch .ckpt/.pt/.bin). Loading a "
            "pickle runs any code the file names, so Aula never unpickles one. Use the "
            ".safetensors version of the model instead."
        )
    header = parse_header_bytes(data, file_size=file_size, limit=limit)
    return _report(name, "header", [(name, None, header)])


def bytes_to_read(prefix: bytes, *, limit: int = UPLOAD_HEADER_LIMIT) -> int:
    """How many bytes of a file the inspector needs (``8 + N``), from its first 8 bytes."""
    return PREFIX_BYTES + header_length(prefix, limit=limit)


# ---------------------------------------------------------------- reading


def _plausible_header(data: bytes, limit: int) -> bool:
    try:
        size = header_length(data, limit=limit)
    except FormatError:
        return False
    return data[PREFIX_BYTES : PREFIX_BYTES + 1] == b"{" and size > 1


def _read_file(path: Path, limit: int, max_tensors: int | None = None) -> Header:
    try:
        # Unbuffered, so the OS is asked for exactly the header's bytes and not a buffer more.
        with path.open("rb", buffering=0) as stream:
            size = path.stat().st_size
            try:
                return read_header(stream, file_size=size, limit=limit, max_tensors=max_tensors)
            except FormatError as exc:
                stream.seek(0)
                raise _explain(path, stream.read(PREFIX_BYTES), exc) from None
    except OSError as exc:
        raise LabError(f"{path}: cannot read: {exc.strerror}") from None


def _explain(path: Path, prefix: bytes, exc: FormatError) -> LabError:
    """A format error, unless the bytes show a different kind of file."""
    if pickles.looks_like_pickle(prefix):
        return pickles.refuse(path, renamed=True)
    if prefix[:4] == b"GGUF":
        return LabError(f"{path}: a GGUF file, not safetensors; this lab reads safetensors only")
    return FormatError(exc.code, f"{path}: {str(exc).removesuffix(f' ({exc.code})')}")


def _load_json(path: Path, what: str) -> dict[str, Any]:
    try:
        if path.stat().st_size > _INDEX_LIMIT:
            raise LabError(f"{path}: too large for a {what} ({path.stat().st_size:,} bytes)")
        value = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LabError(f"{path}: cannot read: {exc.strerror}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise LabError(f"{path}: not a valid {what}: {exc}") from None
    if not isinstance(value, dict):
        raise LabError(f"{path}: not a valid {what}: expected a JSON object")
    return value


def _inspect_sharded(index_path: Path, limit: int) -> WeightsReport:
    index = _load_json(index_path, "shard index")
    weight_map = index.get("weight_map")
    if not isinstance(weight_map, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in weight_map.items()
    ):
        raise LabError(f"{index_path}: 'weight_map' must map tensor names to shard file names")
    files, notes = _read_shards(index_path, weight_map, None, limit)
    return _report(str(index_path), "sharded", files, notes=notes)


def _read_shards(
    index_path: Path, weight_map: dict[str, str], folder: str | None, limit: int
) -> tuple[list[tuple[str, str | None, Header]], list[str]]:
    out: list[tuple[str, str | None, Header]] = []
    notes: list[str] = []
    for shard in dict.fromkeys(weight_map.values()):
        if Path(shard).name != shard or shard in {".", ".."}:
            raise LabError(f"{index_path}: shard '{shard}' must be a file name in the same folder")
        header = _read_file(index_path.parent / shard, limit)
        names = {t.name for t in header.tensors}
        expected = {name for name, where in weight_map.items() if where == shard}
        if missing := sorted(expected - names):
            raise LabError(f"{index_path}: '{missing[0]}' is not in {shard} as the index says")
        if extra := len(names - expected):
            notes.append(f"{shard}: {extra} tensors not listed in the index")
        out.append((_shown(index_path.parent / shard, folder), folder, header))
    return out, notes


def _shown(path: Path, folder: str | None) -> str:
    return f"{folder}/{path.name}" if folder else str(path)


def _inspect_diffusers(root: Path, variant: str | None, limit: int) -> WeightsReport:
    index = _load_json(root / "model_index.json", "model_index.json")
    pipeline = index.get("_class_name") if isinstance(index.get("_class_name"), str) else None
    files: list[tuple[str, str | None, Header]] = []
    notes: list[str] = []
    for folder, spec in index.items():
        if folder.startswith("_") or not isinstance(spec, list) or None in spec:
            continue
        part = root / folder
        if Path(folder).name != folder or not part.is_dir():
            notes.append(f"{folder}: listed in model_index.json but no folder")
            continue
        found, why = _folder_weights(part, variant)
        if why:
            notes.append(f"{folder}: {why}")
        for weights in found:
            if weights.name.endswith(".index.json"):
                weight_map = _load_json(weights, "shard index").get("weight_map")
                if not isinstance(weight_map, dict):
                    raise LabError(f"{weights}: 'weight_map' must map tensor names to shard files")
                shards, shard_notes = _read_shards(weights, weight_map, folder, limit)
                files += shards
                notes += shard_notes
            else:
                files.append((f"{folder}/{weights.name}", folder, _read_file(weights, limit)))
    if not files:
        raise LabError(f"{root}: no .safetensors weights found in the pipeline's folders")
    return _report(str(root), "diffusers", files, pipeline=pipeline, notes=notes)


def _folder_weights(folder: Path, variant: str | None) -> tuple[list[Path], str | None]:
    """The weights to read in a diffusers part folder: an index, or one file, per variant."""
    candidates = sorted(folder.glob("*.safetensors")) + sorted(
        folder.glob("*.safetensors.index.json")
    )
    if not candidates:
        pickled = [p.name for p in folder.iterdir() if pickles.is_pickle_name(p)]
        return [], (f"only pickle weights ({', '.join(pickled)}), not read" if pickled else None)

    def variant_of(path: Path) -> str | None:
        parts = path.name.split(".")
        stem_parts = parts[:-2] if path.name.endswith(".index.json") else parts[:-1]
        return stem_parts[1] if len(stem_parts) > 1 else None

    wanted = [p for p in candidates if variant_of(p) == variant]
    if not wanted:
        have = sorted({variant_of(p) or "default" for p in candidates})
        return [], f"no '{variant or 'default'}' variant (found: {', '.join(have)})"
    indexes = [p for p in wanted if p.name.endswith(".index.json")]
    if indexes:
        return indexes[:1], None
    shard_like = [p for p in wanted if "-of-" in p.name]
    return (wanted if shard_like else wanted[:1]), None


# ---------------------------------------------------------------- summarising


def _report(
    source: str,
    layout: str,
    files: Sequence[tuple[str, str | None, Header]],
    *,
    pipeline: str | None = None,
    notes: Iterable[str] = (),
) -> WeightsReport:
    tensors = [(folder, t) for _, folder, header in files for t in header.tensors]
    shapes = {(f"{folder}/{t.name}" if folder else t.name): t.shape for folder, t in tensors}
    metadata = dict(files[0][2].metadata) if len(files) == 1 else {}
    lora = recognise_lora(shapes, metadata)
    if lora is not None:
        arch = Architecture("lora", f"LoRA for {lora.base_label}", lora.base, lora.evidence)
    else:
        arch = recognise(shapes, pipeline_class=pipeline)
    components = _components(tensors, arch.id, arch.variant)
    summaries = tuple(
        FileSummary(name, h.file_size, h.header_size, len(h.tensors), h.metadata)
        for name, _, h in files
    )
    all_notes = list(notes)
    if lora is not None:
        alpha = f"alpha {lora.alpha:g}" if lora.alpha is not None else "alpha unknown"
        all_notes.append(
            f"a LoRA adapter, not a model: {lora.summary} ({alpha}: {lora.alpha_from}); "
            f"{lora.modules} layers adapted ({', '.join(lora.targets)})"
            + ("; the text encoder too" if lora.text_encoder else "")
            + ". Load it on top of its base model; it cannot generate on its own."
        )
    if any(c.prefix == "model_ema." for c in components):
        all_notes.append("includes an EMA copy of the UNet, used for training, not for inference")
    return WeightsReport(
        source=source,
        layout=layout,
        files=summaries,
        tensors=len(tensors),
        parameters=sum(t.elements for _, t in tensors),
        bytes_by_dtype=_by_dtype(t for _, t in tensors),
        components=components,
        metadata=metadata,
        architecture=arch,
        notes=tuple(all_notes),
        lora=lora,
    )


def _by_dtype(tensors: Iterable[TensorInfo]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for t in tensors:
        counts[t.dtype] += t.nbytes
    return dict(counts.most_common())


def _components(
    tensors: Sequence[tuple[str | None, TensorInfo]], arch: str, variant: str | None = None
) -> tuple[Component, ...]:
    names = part_names(arch, variant)
    # One pass of sums per group (a header may hold a million tensors in as many groups);
    # part_of depends on a name's first few dotted parts only, so it is asked once per head.
    parts: dict[str, Part] = {}
    groups: dict[str, tuple[Part, list[int], dict[str, int]]] = {}
    for folder, t in tensors:
        if folder:
            part = Part(f"{folder}/", folder_role(folder), folder)
        else:
            head = t.name.split(".", _HEAD_PARTS)
            key = ".".join(head[:_HEAD_PARTS]) + "." if len(head) > _HEAD_PARTS else t.name
            if (part_or_none := parts.get(key)) is None:
                part_or_none = parts[key] = part_of(key)
            part = part_or_none
        group = groups.get(part.prefix)
        if group is None:
            group = groups[part.prefix] = (part, [0, 0, 0], {})
        sums, dtypes = group[1], group[2]
        sums[0] += 1
        sums[1] += t.elements
        sums[2] += t.nbytes
        dtypes[t.dtype] = dtypes.get(t.dtype, 0) + t.nbytes
    ranked = sorted(groups.values(), key=lambda g: -g[1][1])
    out = [
        Component(
            name=names.get(part.prefix, part.name),
            role=part.role,
            prefix=part.prefix,
            tensors=count,
            parameters=parameters,
            bytes=size,
            bytes_by_dtype=dict(Counter(dtypes).most_common()),
        )
        for part, (count, parameters, size), dtypes in ranked[: MAX_COMPONENTS * 4]
    ]
    return _summarised(out, ranked[MAX_COMPONENTS * 4 :])


def _summarised(
    components: list[Component], beyond: Sequence[tuple[Part, list[int], dict[str, int]]]
) -> tuple[Component, ...]:
    """At most ``MAX_COMPONENTS``: a header of 250,000 unrelated names is one group per
    tensor, which would make a report (and a web response) as large as the header itself.
    The largest keep their line; the rest (``beyond`` are smaller still, never made into
    components) are added up in one ``other`` line."""
    if len(components) <= MAX_COMPONENTS:
        return tuple(components)
    kept, rest = components[: MAX_COMPONENTS - 1], components[MAX_COMPONENTS - 1 :]
    dtypes: Counter[str] = Counter()
    sums = [0, 0, 0]
    for c in rest:
        dtypes.update(c.bytes_by_dtype)
        sums = [sums[0] + c.tensors, sums[1] + c.parameters, sums[2] + c.bytes]
    for _part, group_sums, group_dtypes in beyond:
        dtypes.update(group_dtypes)
        sums = [a + b for a, b in zip(sums, group_sums, strict=True)]
    other = Component(
        name=f"{len(rest) + len(beyond):,} more groups",
        role="other",
        prefix="*",
        tensors=sums[0],
        parameters=sums[1],
        bytes=sums[2],
        bytes_by_dtype=dict(dtypes.most_common()),
    )
    return (*kept, other)
