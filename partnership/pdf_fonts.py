"""One copy of each font in an assembled PDF.

WeasyPrint embeds in every PDF it makes a subset of each font holding only the glyphs that
PDF uses, keeping their glyph ids (``retain_gids``). A pack assembled from thirty parts would
carry thirty subsets of the same font. :func:`share_fonts` replaces them with one subset of
the installed font (found through fontconfig) holding every glyph any part uses; as the glyph
ids are the font's own, the parts' text and widths stay as they are. A font that cannot be
matched to an installed file of the same revision is left as each part embedded it.
"""

import functools
import hashlib
import io
import os
import string
import subprocess
from dataclasses import dataclass, field

import pikepdf
from django.core.cache import cache
from fontTools import subset
from fontTools.ttLib import TTFont, TTLibError

CACHE_SECONDS = 60 * 60 * 24 * 7


@functools.cache
def installed_fonts():
    """PostScript name -> (file, face index) of every font fontconfig knows."""
    try:
        listing = subprocess.run(
            ["fc-list", "--format", "%{postscriptname}\t%{file}\t%{index}\n"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    fonts = {}
    for line in listing.splitlines():
        name, _, rest = line.partition("\t")
        path, _, index = rest.partition("\t")
        if name and path:
            fonts.setdefault(name, (path, int(index or 0)))
    return fonts


@dataclass(frozen=True)
class Identity:
    """What a font program says it is: a subset and its original agree on all of it."""

    postscript_name: str
    revision: float
    created: int
    units_per_em: int


def identity_of(data, index=0):
    try:
        font = TTFont(io.BytesIO(data), fontNumber=index, lazy=True)
        head = font["head"]
        return Identity(font["name"].getDebugName(6) or "", head.fontRevision, head.created, head.unitsPerEm)
    except (TTLibError, KeyError, AssertionError, ValueError):
        return None


@functools.cache
def _installed_identity(path, index, mtime):
    with open(path, "rb") as handle:
        return identity_of(handle.read(), index)


def installed_file(identity):
    """The installed font file (and face index) ``identity`` was subset from, or None."""
    found = installed_fonts().get(identity.postscript_name)
    if found is None:
        return None
    path, index = found
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        return None
    return found if _installed_identity(path, index, mtime) == identity else None


def subset_font(path, index, glyph_ids):
    """A subset of the font at ``path`` with ``glyph_ids`` (and the glyphs they are built of),
    keeping every glyph's id, as WeasyPrint subsets; cached, as a rebuilt pack asks again."""
    glyphs = sorted(glyph_ids)
    key = hashlib.sha256(f"{path}:{index}:{os.stat(path).st_mtime}:{glyphs}".encode()).hexdigest()
    data = cache.get(f"pdf-font:{key}")
    if data is not None:
        return data
    options = subset.Options(
        retain_gids=True,
        hinting=False,
        desubroutinize=True,
        notdef_outline=True,
        ignore_missing_glyphs=True,
        layout_features=[],
    )
    options.drop_tables += ["GSUB", "GPOS", "BASE", "JSTF", "DSIG", "SVG "]
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=glyphs)
    font = TTFont(path, fontNumber=index)
    subsetter.subset(font)
    output = io.BytesIO()
    font.save(output)
    data = output.getvalue()
    cache.set(f"pdf-font:{key}", data, CACHE_SECONDS)
    return data


def used_glyphs(widths):
    """The glyph ids a CID font's ``/W`` array gives widths for (its used glyphs)."""
    glyphs, position = set(), 0
    widths = list(widths or ())
    while position + 1 < len(widths):
        first, after = int(widths[position]), widths[position + 1]
        if isinstance(after, pikepdf.Array):
            glyphs.update(range(first, first + len(after)))
            position += 2
        else:
            glyphs.update(range(first, int(after) + 1))
            position += 3
    return glyphs


@dataclass
class _Group:
    glyphs: set = field(default_factory=set)
    fonts: list = field(default_factory=list)  # (Type 0 font, its descriptor)


def _fonts_in(resources, seen):
    """The font dictionaries of ``resources`` and of the forms it draws, each once."""
    if not isinstance(resources, pikepdf.Dictionary):
        return
    for font in (resources.get("/Font") or {}).values():
        if font.is_indirect and font.objgen not in seen:
            seen.add(font.objgen)
            yield font
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.is_indirect and xobject.objgen not in seen and xobject.get("/Subtype") == "/Form":
            seen.add(xobject.objgen)
            yield from _fonts_in(xobject.get("/Resources"), seen)


def share_fonts(pdf):
    """Give every TrueType font ``pdf`` embeds several subsets of one subset instead."""
    groups, identities, seen = {}, {}, set()
    for page in pdf.pages:
        for font in _fonts_in(page.obj.get("/Resources"), seen):
            if font.get("/Subtype") != "/Type0":
                continue
            descendant = font.DescendantFonts[0]
            descriptor = descendant.get("/FontDescriptor")
            program = descriptor.get("/FontFile2") if descriptor is not None else None
            if program is None or descendant.get("/CIDToGIDMap") != pikepdf.Name.Identity:
                continue
            if program.objgen not in identities:
                identities[program.objgen] = identity_of(program.read_bytes())
            identity = identities[program.objgen]
            if identity is None:
                continue
            group = groups.setdefault(identity, _Group())
            group.glyphs |= used_glyphs(descendant.get("/W"))
            group.fonts.append((font, descendant, descriptor))
    for identity, group in groups.items():
        found = installed_file(identity) if len(group.fonts) > 1 else None
        if found is None:
            continue
        data = subset_font(*found, group.glyphs)
        program = pdf.make_indirect(pikepdf.Stream(pdf, data))
        program.Length1 = len(data)
        digest = hashlib.sha256(data).digest()
        tag = "".join(string.ascii_uppercase[byte % 26] for byte in digest[:6])
        for font, descendant, descriptor in group.fonts:
            family = str(font.BaseFont).lstrip("/").split("+", 1)[-1]
            name = pikepdf.Name(f"/{tag}+{family}")
            font.BaseFont = descendant.BaseFont = descriptor.FontName = name
            descriptor.FontFile2 = program
