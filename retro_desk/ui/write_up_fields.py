"""The write-up's standard fields in the new-retro and details dialogs: severity, incident,
services, impact, key times, retro date, owner, and whether feelings notes are exported."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLineEdit, QPlainTextEdit, QWidget

from retro_desk.model import Session
from retro_desk.timefmt import TimeInputError, parse_date, parse_instant, parse_quick_time, zone
from retro_desk.ui.accessible import describe

SEVERITIES = ("", "SEV-1", "SEV-2", "SEV-3", "SEV-4")
TIME_HINT = "14:32 on the incident date, or 2026-11-21 09:30"
WRITE_UP_KEYS = ("severity", "incident_ref", "services", "impact", "detected_at", "mitigated_at",
                 "resolved_at", "retro_date", "owner", "export_feeling_notes")


class WriteUpFields:
    """The fields, added as rows to a dialog's form; `values()` checks and returns them."""

    def __init__(self, parent: QWidget, form: QFormLayout) -> None:
        self.severity = QComboBox(parent)
        self.severity.setEditable(True)
        self.severity.addItems(SEVERITIES)
        self.incident_ref = QLineEdit(parent)
        self.incident_ref.setPlaceholderText("Link or ID in your incident tracker")
        self.services = QLineEdit(parent)
        self.services.setPlaceholderText("Services affected, separated by commas")
        self.impact = QPlainTextEdit(parent)
        self.impact.setPlaceholderText("Who or what was affected, and how much")
        self.impact.setTabChangesFocus(True)
        self.impact.setFixedHeight(50)
        self.detected = QLineEdit(parent)
        self.mitigated = QLineEdit(parent)
        self.resolved = QLineEdit(parent)
        for field in (self.detected, self.mitigated, self.resolved):
            field.setPlaceholderText(TIME_HINT)
        self.retro_date = QLineEdit(parent)
        self.retro_date.setPlaceholderText("YYYY-MM-DD, the day of the retro")
        self.owner = QLineEdit(parent)
        self.owner.setPlaceholderText("Who owns the write-up and its follow-ups")
        self.feeling_notes = QCheckBox("Include the feelings round's &notes in exports", parent)
        self.feeling_notes.setToolTip(
            "Notes are personal. Left unticked, exports give the tally and say how many notes"
            " were written, never what they say."
        )
        for widget, name, description in (
            (self.severity, "Severity", "How severe the incident was, as your team grades it"),
            (self.incident_ref, "Incident link or ID", "Where the incident is tracked"),
            (self.services, "Services", "The services affected, separated by commas"),
            (self.impact, "Impact", "Who or what was affected, and how much"),
            (self.detected, "Detected", f"When the incident was detected: {TIME_HINT}"),
            (self.mitigated, "Mitigated", f"When its impact was mitigated: {TIME_HINT}"),
            (self.resolved, "Resolved", f"When it was resolved: {TIME_HINT}"),
            (self.retro_date, "Retro held on", "The day of the retro, year-month-day"),
            (self.owner, "Owner", "Who owns the write-up and its follow-ups"),
            (self.feeling_notes, "Include feelings notes in exports",
             "Unticked, exports give the feelings tally and how many notes, never the notes"),
        ):
            describe(widget, name, description)
        form.addRow("Severit&y", self.severity)
        form.addRow("&Incident link or ID", self.incident_ref)
        form.addRow("Servi&ces", self.services)
        form.addRow("I&mpact", self.impact)
        form.addRow("De&tected", self.detected)
        form.addRow("Miti&gated", self.mitigated)
        form.addRow("&Resolved", self.resolved)
        form.addRow("Retro &held on", self.retro_date)
        form.addRow("O&wner", self.owner)
        form.addRow("", self.feeling_notes)

    def widgets(self) -> list[QWidget]:
        """The fields in the order they are shown, for Tab."""
        return [self.severity, self.incident_ref, self.services, self.impact, self.detected,
                self.mitigated, self.resolved, self.retro_date, self.owner, self.feeling_notes]

    def load(self, session: Session) -> None:
        self.severity.setCurrentText(session.severity)
        self.incident_ref.setText(session.incident_ref)
        self.services.setText(", ".join(session.services))
        self.impact.setPlainText(session.impact)
        for field, at in ((self.detected, session.detected_at),
                          (self.mitigated, session.mitigated_at),
                          (self.resolved, session.resolved_at)):
            field.setText(_shown(at, session.timezone))
        self.retro_date.setText(session.retro_date or "")
        self.owner.setText(session.owner)
        self.feeling_notes.setChecked(session.export_feeling_notes)

    def values(self, tz: str, incident_date: str | None) -> dict[str, object] | str:
        """The fields as Session values, or the problem to show (a time or date unreadable)."""
        result: dict[str, object] = {
            "severity": self.severity.currentText().strip(),
            "incident_ref": self.incident_ref.text().strip(),
            "services": [name.strip() for name in self.services.text().split(",")
                         if name.strip()],
            "impact": self.impact.toPlainText().strip(),
            "owner": self.owner.text().strip(),
            "export_feeling_notes": self.feeling_notes.isChecked(),
        }
        for key, label, field in (("detected_at", "Detected", self.detected),
                                  ("mitigated_at", "Mitigated", self.mitigated),
                                  ("resolved_at", "Resolved", self.resolved)):
            text = field.text().strip()
            try:
                result[key] = parse_quick_time(text, tz, incident_date, None) if text else None
            except TimeInputError:
                return f"{label}: “{text}” is not a time; type {TIME_HINT}."
        text = self.retro_date.text().strip()
        try:
            result["retro_date"] = parse_date(text).isoformat() if text else None
        except TimeInputError:
            return f"Retro held on: “{text}” is not a date such as {date.today().isoformat()}."
        return result


def _shown(at: str | None, tz: str) -> str:
    if not at:
        return ""
    try:
        return parse_instant(at, tz).astimezone(zone(tz)).strftime("%Y-%m-%d %H:%M")
    except (TimeInputError, ValueError, OverflowError):
        return at
