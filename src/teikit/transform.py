"""Transform stage: one Saxon processor per process, each stylesheet compiled once.

Documents reach Saxon only as text serialised from a tree that :mod:`teikit.xmlutil` parsed
safely, so Saxon never sees a DOCTYPE and has nothing to resolve.  Stylesheets come only from the
package's own ``xslt/`` folder.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from lxml import etree
from saxonche import PySaxonApiError, PySaxonProcessor, PyXdmNode, PyXsltExecutable

from .errors import TeikitError
from .resources import xslt_path

_lock = threading.Lock()
T = TypeVar("T")


@cache
def processor() -> PySaxonProcessor:
    """The process-wide Saxon-HE processor."""
    return PySaxonProcessor(license=False)


def started() -> bool:
    """Whether this process has started Saxon, whose runtime runs threads of its own (see publish)."""
    return processor.cache_info().currsize > 0


@cache
def compiled(relative: str) -> PyXsltExecutable:
    """Compile ``xslt/<relative>`` once per process."""
    return compile_file(xslt_path(*relative.split("/")))


def compile_file(path: Path) -> PyXsltExecutable:
    try:
        return processor().new_xslt30_processor().compile_stylesheet(stylesheet_file=str(path))
    except PySaxonApiError as exc:
        raise TeikitError(f"cannot compile stylesheet {path.name}: {exc}") from None


def compile_text(text: str) -> PyXsltExecutable:
    try:
        return processor().new_xslt30_processor().compile_stylesheet(stylesheet_text=text)
    except PySaxonApiError as exc:
        raise TeikitError(f"cannot compile generated stylesheet: {exc}") from None


def to_xdm(tree: etree._ElementTree | etree._Element, base_uri: str | None = None) -> PyXdmNode:
    """Hand a safely parsed lxml tree to Saxon (as text: Saxon and lxml share no tree model)."""
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    text = etree.tostring(root, encoding="unicode")
    try:
        builder = processor().new_document_builder()
        if base_uri:
            builder.set_base_uri(base_uri)
        return builder.parse_xml(xml_text=text)
    except PySaxonApiError as exc:
        raise TeikitError(f"Saxon could not read the document: {exc}") from None


def run(executable: PyXsltExecutable, source: PyXdmNode, params: dict[str, Any] | None = None) -> str:
    """Apply ``executable`` to ``source`` with ``params`` and return the serialised result."""
    result = _invoke(executable, params, lambda: executable.transform_to_string(xdm_node=source))
    return result or ""


def call_template(executable: PyXsltExecutable, name: str, params: dict[str, Any] | None = None) -> PyXdmNode:
    """Call the named template ``name`` (a Clark name, ``{uri}local``) and return its result as a
    document node, to be passed to later transformations as a parameter."""
    result = _invoke(executable, params, lambda: executable.call_template_returning_value(template_name=name))
    node = result.head if result is not None and result.size == 1 else None
    if not isinstance(node, PyXdmNode):
        raise TeikitError(f"template {name} did not return one document")
    return node


def _invoke(executable: PyXsltExecutable, params: dict[str, Any] | None, action: Callable[[], T]) -> T:
    """``action`` on the shared executable with ``params`` set, one caller at a time; Saxon's
    errors become one-line library errors."""
    with _lock:
        _set_parameters(executable, params)
        try:
            return action()
        except PySaxonApiError as exc:
            raise TeikitError(f"transformation failed: {exc}") from None


def _set_parameters(executable: PyXsltExecutable, params: dict[str, Any] | None) -> None:
    """Replace the executable's stylesheet parameters (it is shared: earlier calls' values must go)."""
    executable.clear_parameters()
    for name, value in (params or {}).items():
        executable.set_parameter(name, _xdm_value(value))


def _xdm_value(value: Any) -> Any:
    proc = processor()
    if isinstance(value, PyXdmNode):
        return value
    if isinstance(value, bool):
        return proc.make_boolean_value(value)
    if isinstance(value, int):
        return proc.make_integer_value(value)
    if isinstance(value, str):
        return proc.make_string_value(value)
    raise TypeError(f"unsupported stylesheet parameter value: {value!r}")
