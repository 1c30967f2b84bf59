"""DTS: the static DTS 1.0 API (``api/dts/``): each document's Resource, Navigation and Document
answers, and the collections above them.  The answers are made by :mod:`teikit.dts`, which the
live server (``teikit serve``) shares.
"""

from __future__ import annotations

import os

from ..weburl import api_base
from . import WITH_CHECKS, DocContext, Format, SiteContext


def render(ctx: DocContext) -> list[str]:
    """The document's static DTS files; its full Resource object goes into the facts for the root."""
    from ..dts import DtsCorpus, write_static_resource

    doc = ctx.doc
    dc = DtsCorpus(ctx.corpus, paths={doc.id: doc.path}, total=ctx.total, documents=[doc],
                   base_url=ctx.options.base_url)
    summary, files = write_static_resource(dc, doc.id, ctx.staging / "api" / "dts", api_base(ctx.options.base_url))
    ctx.facts["resource"] = summary
    prefix = len(str(ctx.staging)) + 1
    return [f[prefix:].replace(os.sep, "/") for f in files]


def site(ctx: SiteContext) -> list[str]:
    """The root collection and the collections between it and the documents."""
    from ..dts import DEFAULT_TITLE, write_static_parents, write_static_root

    members = [d.facts["resource"] for d in ctx.documents if d.facts.get("resource") is not None]
    prefix = len(str(ctx.staging)) + 1
    api = api_base(ctx.options.base_url)
    written: list[str] = []
    for files in (write_static_root(DEFAULT_TITLE, members, ctx.staging / "api" / "dts", api),
                  write_static_parents(DEFAULT_TITLE, members, ctx.staging / "api" / "dts", api)):
        written += [str(f)[prefix:].replace(os.sep, "/") for f in files]
    return written


FORMAT = Format("dts", "the static DTS 1.0 API under api/dts/", render=render, site=site, half=WITH_CHECKS)
