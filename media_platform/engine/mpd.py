"""DASH manifests: declaring CENC protection the way players look for it."""

from __future__ import annotations

import base64
import uuid
import xml.etree.ElementTree as ET

MPD = "urn:mpeg:dash:schema:mpd:2011"
CENC = "urn:mpeg:cenc:2013"
DASHIF = "https://dashif.org/CPS"
MP4_PROTECTION = "urn:mpeg:dash:mp4protection:2011"
COMMON_SYSTEM = "1077efec-c0b2-4d02-ace3-3c1e52e2fb4b"  # W3C Common PSSH: what ClearKey players read

for prefix, namespace in (("", MPD), ("cenc", CENC), ("dashif", DASHIF)):
    ET.register_namespace(prefix, namespace)


def kid_uuid(key_id_hex: str) -> str:
    return str(uuid.UUID(hex=key_id_hex))


def pssh_system(box: bytes) -> str:
    """The DRM system id of a whole pssh box."""
    return str(uuid.UUID(bytes=box[12:28]))


def protect(manifest: str, *, key_id_hex: str, pssh_boxes: list[bytes], license_url: str | None) -> str:
    """The manifest with ContentProtection in every AdaptationSet: cenc with its default KID,
    then one element per DRM system carrying its pssh (and the license URL when given)."""
    root = ET.fromstring(manifest)
    for adaptation in root.iter(f"{{{MPD}}}AdaptationSet"):
        elements = [_mp4_protection(key_id_hex)]
        for box in pssh_boxes:
            element = ET.Element(f"{{{MPD}}}ContentProtection", schemeIdUri=f"urn:uuid:{pssh_system(box)}")
            ET.SubElement(element, f"{{{CENC}}}pssh").text = base64.b64encode(box).decode()
            if license_url and pssh_system(box) != COMMON_SYSTEM:
                ET.SubElement(element, f"{{{DASHIF}}}laurl").text = license_url
            elements.append(element)
        for position, element in enumerate(elements):
            adaptation.insert(position, element)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")


def _mp4_protection(key_id_hex: str) -> ET.Element:
    element = ET.Element(f"{{{MPD}}}ContentProtection", schemeIdUri=MP4_PROTECTION, value="cenc")
    element.set(f"{{{CENC}}}default_KID", kid_uuid(key_id_hex))
    return element
