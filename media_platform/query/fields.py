"""The fields a query may name: bunny's VideoModel names, the model's own, a few Nuxeo ones.

Each spelling maps to one FieldSpec: what kind of value it takes and which ORM path on Video
it reads. Names are matched without regard to case. Nothing here imports Django; the paths
are plain strings the compiler hands to Q().
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from .ast import FieldRef
from .errors import error_at

FieldKind = Literal[
    "string", "integer", "float", "boolean", "datetime", "uuid", "status", "constant", "flag", "outputs"
]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str  # the canonical spelling, bunny's camelCase where bunny has one
    kind: FieldKind
    path: str  # the ORM path on Video; for a flag, the name of its subquery
    nullable: bool = False
    sortable: bool = True
    constant: str | bool | None = None  # kind "constant": what every video has


Entry = tuple[FieldSpec, tuple[str, ...]]  # a spec and its other spellings


def _column(name: str, kind: FieldKind, path: str, *aliases: str, nullable: bool = False) -> Entry:
    return FieldSpec(name, kind, path, nullable=nullable), aliases


def _virtual(name: str, kind: FieldKind, path: str = "", constant: str | bool | None = None) -> Entry:
    return FieldSpec(name, kind, path, sortable=False, constant=constant), ()


_SPECS: tuple[Entry, ...] = (
    _column("guid", "uuid", "guid", "ecm:uuid"),
    _column("title", "string", "title", "dc:title"),
    _column("description", "string", "description", "dc:description", nullable=True),
    _column("dateUploaded", "datetime", "date_uploaded", "dc:created"),
    _column("updatedAt", "datetime", "updated_at", "dc:modified"),
    _column("views", "integer", "views"),
    _column("isPublic", "boolean", "is_public"),
    _column("length", "integer", "length", "vid:info/duration"),
    _column("status", "status", "status"),
    _column("framerate", "float", "framerate", "vid:info/frameRate"),
    _column("rotation", "integer", "rotation", nullable=True),
    _column("width", "integer", "width", "vid:info/width"),
    _column("height", "integer", "height", "vid:info/height"),
    _column("availableResolutions", "string", "available_resolutions"),
    _column("outputCodecs", "string", "output_codecs"),
    _column("thumbnailCount", "integer", "thumbnail_count"),
    _column("thumbnailFileName", "string", "thumbnail_file_name", nullable=True),
    _column("encodeProgress", "integer", "encode_progress"),
    _column("storageSize", "integer", "storage_size"),
    _column("hasMP4Fallback", "boolean", "has_mp4_fallback"),
    _column("collectionId", "uuid", "collection__guid", "collection", nullable=True),
    _column("category", "string", "category", nullable=True),
    _column("hasOriginal", "boolean", "has_original"),
    _column("originalHash", "string", "original_hash", nullable=True),
    _column("averageWatchTime", "integer", "average_watch_time"),
    _column("totalWatchTime", "integer", "total_watch_time"),
    _column("jitEncodingEnabled", "boolean", "jit_encoding_enabled"),
    _column("hasHighQualityPreview", "boolean", "has_high_quality_preview"),
    _column("videoLibraryId", "integer", "library_id", "library"),
    _virtual("hasErrors", "flag", "has_errors"),
    _virtual("ecm:mixinType", "constant", constant="Video"),
    _virtual("ecm:primaryType", "constant", constant="Video"),
    _virtual("ecm:isProxy", "constant", constant=False),
    _virtual("ecm:isVersion", "constant", constant=False),
    _virtual("ecm:isTrashed", "constant", constant=False),
    # Nuxeo's "no first transcoded video": here, no published outputs yet.
    _virtual("vid:transcodedVideos/0/name", "outputs", "outputs_prefix"),
)


def _spellings() -> dict[str, tuple[str, FieldSpec]]:
    """lower-cased spelling → (spelling, spec); a plain column also answers to its model name."""
    table: dict[str, tuple[str, FieldSpec]] = {}
    for spec, aliases in _SPECS:
        model_name = [spec.path] if spec.sortable and "__" not in spec.path else []  # columns, not virtual fields
        for spelling in (spec.name, *aliases, *model_name):
            table.setdefault(spelling.lower(), (spelling, spec))
    return table


SPELLINGS = _spellings()
FIELD_NAMES: tuple[str, ...] = tuple(spelling for spelling, _ in SPELLINGS.values())
COMMON_FIELDS = ("title", "status", "dateUploaded", "length", "width", "height", "isPublic", "collectionId")


def resolve_field(ref: FieldRef) -> FieldSpec:
    """The spec ``ref`` names; an unknown name raises with suggestions."""
    found = SPELLINGS.get(ref.name.lower())
    if found is not None:
        return found[1]
    close = difflib.get_close_matches(ref.name.lower(), SPELLINGS, n=3, cutoff=0.7)
    suggestion = f"Did you mean {', '.join(SPELLINGS[key][0] for key in close)}? " if close else ""
    detail = f"{suggestion}Valid fields include {', '.join(COMMON_FIELDS)}"
    raise error_at(f"Unknown field '{ref.name}'", ref.position, detail=detail)
