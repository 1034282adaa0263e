"""The running header and "Page X of Y" stamped on every page of an assembled PDF.

Drawn in the app's own font (Liberation Sans, as the print stylesheet), embedded as a subset of
the glyphs the stamps use with a ToUnicode map, so every character of a meeting's title is kept
(Welsh ŵ and ŷ too), ``pdffonts`` shows every font embedded and the text can be searched and
read aloud. A header too wide for the page is set smaller, then on two lines; nothing is cut.
The stamps are placed in the page as it is shown: upright on landscape pages and on pages saved
with ``/Rotate``. Each is a pagination artifact, outside the structure tree, after the page's
own content and wrapped in q/Q so that content's graphics state cannot move it.
"""

import hashlib
import string

import pikepdf
from django.conf import settings
from fontTools.ttLib import TTFont
from pikepdf import Array, Dictionary, Name

from partnership import pdf_fonts

MM = 72 / 25.4
MARGIN = 18 * MM
SIZE = 9
SMALLEST = 6.5
COLOUR = b"0.314 0.353 0.373 rg"
RESOURCE = "/ConcordatStamp"


class StampFont:
    """The stamp font: measures and encodes text, then embeds the glyphs it used."""

    def __init__(self, path=None):
        self.path = path or settings.PDF_STAMP_FONT
        self.font = TTFont(self.path, lazy=True)
        self.cmap = self.font.getBestCmap()
        self.per_em = self.font["head"].unitsPerEm
        self.advances = self.font["hmtx"].metrics
        self.glyph_order = self.font.getGlyphOrder()
        self.missing = self.font.getGlyphID(self.cmap.get(ord("?"), ".notdef"))
        self.used = {}  # glyph id -> the character it shows

    def glyph_ids(self, text):
        ids = []
        for char in text:
            name = self.cmap.get(ord(char))
            glyph = self.font.getGlyphID(name) if name else self.missing
            self.used.setdefault(glyph, char if name else "?")
            ids.append(glyph)
        return ids

    def width(self, text, size):
        """The width of ``text`` at ``size`` points, in points."""
        units = sum(self.advances[self.glyph_order[glyph]][0] for glyph in self.glyph_ids(text))
        return units * size / self.per_em

    def shown(self, text):
        """``text`` as a PDF hex string of two-byte glyph ids (the Identity-H encoding)."""
        return b"<" + "".join(f"{glyph:04X}" for glyph in self.glyph_ids(text)).encode() + b">"

    def embed(self, pdf, font_dict):
        """Fill ``font_dict`` (already referenced by the pages) as a Type 0 font with the subset."""
        # A subset's name starts with six capitals; from its glyphs, so a build is reproducible.
        digest = hashlib.sha256(repr(sorted(self.used)).encode()).digest()
        tag = "".join(string.ascii_uppercase[byte % 26] for byte in digest[:6])
        base_name = Name(f"/{tag}+{self.font['name'].getDebugName(6) or 'LiberationSans'}")
        data = pdf_fonts.subset_font(self.path, 0, self.used)
        program = pdf.make_indirect(pikepdf.Stream(pdf, data))
        program.Length1 = len(data)
        scale = 1000 / self.per_em
        head, hhea = self.font["head"], self.font["hhea"]
        descriptor = Dictionary(
            Type=Name.FontDescriptor,
            FontName=base_name,
            Flags=32,
            FontBBox=Array([round(edge * scale) for edge in (head.xMin, head.yMin, head.xMax, head.yMax)]),
            ItalicAngle=0,
            Ascent=round(hhea.ascent * scale),
            Descent=round(hhea.descent * scale),
            CapHeight=round(getattr(self.font["OS/2"], "sCapHeight", 0) * scale),
            StemV=80,
            FontFile2=program,
        )
        widths = []
        for glyph in sorted(self.used):
            advance = self.advances[self.glyph_order[glyph]][0]
            widths += [glyph, Array([round(advance * scale, 1)])]
        descendant = Dictionary(
            Type=Name.Font,
            Subtype=Name.CIDFontType2,
            BaseFont=base_name,
            CIDSystemInfo=Dictionary(
                Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"), Supplement=0
            ),
            FontDescriptor=pdf.make_indirect(descriptor),
            W=Array(widths),
            CIDToGIDMap=Name.Identity,
        )
        font_dict.Type = Name.Font
        font_dict.Subtype = Name.Type0
        font_dict.BaseFont = base_name
        font_dict.Encoding = Name("/Identity-H")
        font_dict.DescendantFonts = Array([pdf.make_indirect(descendant)])
        font_dict.ToUnicode = pdf.make_indirect(pikepdf.Stream(pdf, self._to_unicode()))

    def _to_unicode(self):
        entries = sorted(self.used.items())
        blocks = []
        for start in range(0, len(entries), 100):
            chunk = entries[start : start + 100]
            lines = "\n".join(
                f"<{glyph:04X}> <{char.encode('utf-16-be').hex().upper()}>" for glyph, char in chunk
            )
            blocks.append(f"{len(chunk)} beginbfchar\n{lines}\nendbfchar")
        return (
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
            + "\n".join(blocks)
            + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
        ).encode()


def shown_size(page):
    """The page's width and height as it is shown (its /Rotate applied), and the matrix that
    draws in those shown coordinates onto the page."""
    left, bottom, right, top = (float(edge) for edge in page.mediabox)
    width, height = right - left, top - bottom
    rotation = int(page.obj.get("/Rotate", 0)) % 360
    if rotation == 90:
        return height, width, (0, 1, -1, 0, left + width, bottom)
    if rotation == 180:
        return width, height, (-1, 0, 0, -1, left + width, bottom + height)
    if rotation == 270:
        return height, width, (0, -1, 1, 0, left, bottom + height)
    return width, height, (1, 0, 0, 1, left, bottom)


def header_lines(font, header, width):
    """The header's lines and size: one line at 9 pt, smaller if it must be, else two lines."""
    room = width - 2 * MARGIN
    natural = font.width(header, SIZE)
    if natural <= room:
        return [header], SIZE
    size = SIZE * room / natural
    if size >= SMALLEST:
        return [header], size
    words, lines = header.split(" "), [""]
    for word in words:
        trial = f"{lines[-1]} {word}".strip()
        if lines[-1] and font.width(trial, SMALLEST) > room and len(lines) < 2:
            lines.append(word)
        else:
            lines[-1] = trial
    longest = max(font.width(line, SMALLEST) for line in lines)
    return lines, min(SMALLEST, SMALLEST * room / longest)


def stamp_pages(pdf, header):
    """Stamp the running header (not on the first page, the cover) and "Page X of Y" on every
    page of ``pdf`` (a pikepdf document)."""
    font = StampFont()
    font_dict = pdf.make_indirect(Dictionary())
    save = pdf.make_indirect(pikepdf.Stream(pdf, b"q\n"))
    total = len(pdf.pages)
    for index, page in enumerate(pdf.pages):
        width, height, matrix = shown_size(page)
        footer = f"Page {index + 1} of {total}"
        ops = [b"Q\nq\n", " ".join(f"{value:.4f}" for value in matrix).encode() + b" cm\n"]
        ops += _text(font, footer, SIZE, width - MARGIN - font.width(footer, SIZE), 10 * MM, "Footer")
        if index > 0:
            lines, size = header_lines(font, header, width)
            for number, line in enumerate(lines):
                ops += _text(font, line, size, MARGIN, height - 12 * MM - number * size * 1.2, "Header")
        ops.append(b"Q\n")
        contents = page.obj.get("/Contents")
        existing = [] if contents is None else list(contents) if isinstance(contents, Array) else [contents]
        page.obj.Contents = Array([save, *existing, pdf.make_indirect(pikepdf.Stream(pdf, b"".join(ops)))])
        resources = page.obj.get("/Resources")
        if resources is None:
            resources = page.obj.Resources = Dictionary()
        if "/Font" not in resources:
            resources.Font = Dictionary()
        resources.Font[RESOURCE] = font_dict
    font.embed(pdf, font_dict)


def _text(font, text, size, x, y, kind):
    return [
        f"/Artifact <</Type /Pagination /Subtype /{kind}>> BDC\nBT\n".encode(),
        f"{RESOURCE} {size:.2f} Tf ".encode() + COLOUR + f" 1 0 0 1 {x:.2f} {y:.2f} Tm\n".encode(),
        font.shown(text) + b" Tj\nET\nEMC\n",
    ]
