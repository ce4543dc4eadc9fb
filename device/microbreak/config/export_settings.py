"""The settings of what the device writes for others to read: ``[export]``
(a section of :class:`~microbreak.config.settings.Settings`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from microbreak.config.values import _kind, setting
from microbreak.core.words import said


class PromFile:
    @property
    def allowed(self) -> str:
        return said(
            "an absolute path ending in .prom (node_exporter reads no other), e.g. "
            '"/var/lib/prometheus/node-exporter/microbreak.prom", or "" for none'
        )

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(said("is {kind}, not text", kind=_kind(value)))
        if value and not (value.startswith("/") and value.endswith(".prom")):
            raise ValueError(said("is not an absolute path ending in .prom"))
        return value


@dataclass(frozen=True)
class ExportSection:
    prometheus_textfile: str = setting("", PromFile(), "a .prom file for node_exporter, or none")
