"""Meeting papers as PDF: the agenda packs, the minutes and decision notices.

* :mod:`committees.papers.kinds` — the kinds of paper and who may have each
  (exempt content as :mod:`committees.access` decides).
* :mod:`committees.papers.content` — what goes in each paper, and its PDF.
* :mod:`committees.papers.store` — where a built paper is kept (named by a
  fingerprint of what it shows) and how far its build has got.

Merging, bookmarking and stamping pages is :mod:`partnership.pdf`'s, which
knows nothing of committees.
"""
