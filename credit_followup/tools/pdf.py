"""PDF helpers of the follow-up channels."""

import io

from odoo.tools.pdf import PdfFileReader, PdfFileWriter


def split_on_outlines(stream):
    """Split a PDF where each document starts at a top-level outline entry (its <h2>)."""
    reader = PdfFileReader(stream)
    root = reader.trailer["/Root"]
    starts = []
    node = root["/Outlines"]["/First"] if "/Outlines" in root and "/First" in root["/Outlines"] else None
    while node is not None:
        starts.append(reader.getDestinationPageNumber(node))
        node = node.get("/Next")
    starts = sorted(set(starts))
    parts = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else reader.getNumPages()
        writer = PdfFileWriter()
        for page in range(start, end):
            writer.addPage(reader.getPage(page))
        out = io.BytesIO()
        writer.write(out)
        parts.append(out)
    return parts
