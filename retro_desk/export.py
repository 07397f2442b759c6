"""The exported documents, with what the retro's own settings add (the language reflection)."""

from __future__ import annotations

from retro_desk import reflection
from retro_desk.markdown_export import render_markdown
from retro_desk.model import Retro


def reflection_section(retro: Retro) -> str | None:
    """The Language reflection section, unless the retro has it switched off."""
    if not retro.session.language_reflection:
        return None
    findings = reflection.retro_findings(retro)
    return reflection.render_markdown(reflection.summarise(findings, retro.reflection_marks))


def markdown_document(retro: Retro, timeline_image: str | None = None) -> str:
    return render_markdown(
        retro, reflection=reflection_section(retro), timeline_image=timeline_image
    )
