"""Uploaded appendices: accept only a PDF that opens, and store it without active content.

An appendix is merged into the public and members' packs, so a PDF carrying
JavaScript, a launch action, an embedded file or a form would reach every
reader of the pack. :func:`sanitise_pdf` rebuilds the document from its
pages alone, which leaves behind the catalogue's open action, document
JavaScript, embedded files, form and outline; on each page it drops the
page's own actions and every annotation that can act (form fields, file
attachments, media) and every action of the rest, and keeps links only when
they go to a web address or to another page.
"""

import io

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, NameObject

#: A PDF ends with %%EOF within its last 1024 bytes; a truncated upload does not.
EOF_MARKER = b"%%EOF"
EOF_WINDOW = 1024

#: Annotations that only show something; any action they carry is still removed.
PASSIVE_ANNOTATIONS = {
    "/Text",
    "/Link",
    "/FreeText",
    "/Line",
    "/Square",
    "/Circle",
    "/Polygon",
    "/PolyLine",
    "/Highlight",
    "/Underline",
    "/Squiggly",
    "/StrikeOut",
    "/Stamp",
    "/Caret",
    "/Ink",
    "/Popup",
}
#: Link actions that stay: a web address or a place in the document.
SAFE_LINK_ACTIONS = {"/URI", "/GoTo"}


class NotAPdf(ValueError):
    """The upload is not a PDF that opens; the message says why, for the person uploading."""


def _open(data):
    if not data.startswith(b"%PDF-"):
        raise NotAPdf("it is not a PDF file")
    if EOF_MARKER not in data[-EOF_WINDOW:]:
        raise NotAPdf("it is incomplete (the file may have been cut short): save or export it again")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise NotAPdf("it is protected by a password: upload a copy without one")
        pages = list(reader.pages)
        for page in pages:
            page.get_contents()
    except NotAPdf:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise NotAPdf("it is damaged and does not open as a PDF") from exc
    if not pages:
        raise NotAPdf("it has no pages")
    return reader


def _safe_annotation(annotation):
    """The annotation with its actions removed, or None when it should go altogether."""
    subtype = annotation.get("/Subtype")
    if subtype not in PASSIVE_ANNOTATIONS:
        return None
    if "/AA" in annotation:
        del annotation["/AA"]
    action = annotation.get("/A")
    if action is None:
        return annotation
    action = action.get_object()
    if subtype == "/Link" and action.get("/S") in SAFE_LINK_ACTIONS and "/Next" not in action:
        return annotation
    if subtype == "/Link":
        return None  # a link whose only purpose was a script or a launch
    del annotation["/A"]
    return annotation


def _clean_page(page):
    if "/AA" in page:
        del page["/AA"]
    if "/Annots" not in page:
        return
    kept = ArrayObject()
    for reference in page["/Annots"].get_object():
        annotation = reference.get_object()
        if _safe_annotation(annotation) is not None:
            kept.append(reference)
    if kept:
        page[NameObject("/Annots")] = kept
    else:
        del page["/Annots"]


def sanitise_pdf(data):
    """``data`` (the bytes of an upload) rebuilt without active content; NotAPdf if it is not
    a PDF that opens."""
    reader = _open(data)
    writer = PdfWriter()
    for page in reader.pages:
        _clean_page(page)
        writer.add_page(page)
    output = io.BytesIO()
    writer.write(output)
    cleaned = output.getvalue()
    if len(_open(cleaned).pages) != len(reader.pages):
        raise NotAPdf("it does not open as a PDF")
    return cleaned
