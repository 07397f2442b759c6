"""Opening fast: pages built when first shown, slow work after the first paint, lean imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from retro_desk.export import session_file
from retro_desk.paths import resource
from retro_desk.storage import Store
from retro_desk.ui.blame_highlight import BlameHighlighter
from retro_desk.ui.main_window import MainWindow
from tests.fakes import FakeClock

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "retros.sqlite3"
    store = Store.open(path)
    retro = session_file.read_file(resource("sample_retro.json"))
    retro.private_notes = "Ben should have known better than to pin the CA."
    store.create_retro(retro)
    store.close()
    return path


@pytest.fixture
def db_store(db_path: Path) -> Store:
    store = Store.open(db_path)
    yield store
    store.close()


def highlighters(widget) -> list[BlameHighlighter]:
    return widget.document().findChildren(BlameHighlighter)


def test_only_the_shown_page_is_built_and_others_follow_on_the_way_there(
    qtbot, db_store: Store, clock: FakeClock, settings: QSettings
) -> None:
    window = MainWindow(db_store, clock=clock, settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.open_most_recent()
    assert window.timer is not None
    first = window.timer.item.phase
    assert [page.phase for page in window.pages.built()] == [first]
    assert window.stack.currentWidget() is window.pages[first]

    # An edit reaches the pages built so far and builds none.
    assert window.editor is not None
    window.editor.set_private_notes("a note")
    assert [page.phase for page in window.pages.built()] == [first]

    # Ctrl+3, as the facilitator presses it: the timeline page is built showing the retro.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_3,
                   Qt.KeyboardModifier.ControlModifier)
    assert window.timer.item.phase == "timeline"
    timeline = window.pages["timeline"]
    assert window.stack.currentWidget() is timeline
    assert timeline.model.rowCount() == len(window.editor.retro.timeline) == 30
    assert [page.phase for page in window.pages.built()] == [first, "timeline"]
    # Pages are found by phase key, every one of them, in order.
    assert list(window.pages) == [item.phase for item in window.editor.retro.agenda]


def test_a_deferring_window_highlights_and_lists_findings_once_painted(
    qtbot, db_store: Store, clock: FakeClock, settings: QSettings
) -> None:
    window = MainWindow(db_store, clock=clock, settings=settings, defer_until_painted=True)
    qtbot.addWidget(window)
    window.open_most_recent()
    notes = window.side.notes
    # Before the window is on screen: the notes are there, the slow matching is not yet.
    assert "Ben should have known better" in notes.toPlainText()
    assert highlighters(notes) == []
    assert window.side.reflection.findings == []
    assert "Reading the retro" in window.side.reflection.summary.text()
    # What is cheap is shown at once: whether the section goes into the export.
    assert window.side.reflection.in_export.isChecked()

    window.show()
    qtbot.waitUntil(lambda: window.side.reflection.findings != [])
    qtbot.waitUntil(lambda: len(highlighters(notes)) == 1 and bool(highlighters(notes)[0].findings))
    [highlighter] = highlighters(notes)
    assert [f.phrase for f in highlighter.findings] == ["should have known"]
    assert "noticed" in window.side.reflection.summary.text()
    # From now on, work runs at once: a retro opened later is matched straight away.
    assert window._waiting is None


def test_an_ordinary_window_does_its_work_at_once(
    qtbot, db_store: Store, clock: FakeClock, settings: QSettings
) -> None:
    window = MainWindow(db_store, clock=clock, settings=settings)
    qtbot.addWidget(window)
    window.open_most_recent()
    assert len(highlighters(window.side.notes)) == 1
    assert window.side.reflection.findings != []


START_PATH_PROBE = textwrap.dedent(
    """
    import json, sys
    from retro_desk.cli import main
    code = main(["--db", sys.argv[1], "--exit-when-ready"])
    print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
    """
)


def test_the_start_path_imports_only_what_the_first_paint_needs(db_path: Path,
                                                                  tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    result = subprocess.run(
        [sys.executable, "-c", START_PATH_PROBE, str(db_path)],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["code"] == 0
    loaded = set(report["modules"])
    # The window is up: its own modules and the page it opened on are loaded...
    assert {"retro_desk.ui.main_window", "retro_desk.ui.opening_page"} <= loaded
    # ...and nothing that only a later action needs.
    later = {
        "sqlite_utils",  # writing: loaded after the first paint
        "retro_desk.export.session_file",
        "retro_desk.export",
        "retro_desk.export.html",
        "retro_desk.ui.pdf",
        "retro_desk.ui.new_session_dialog",
        "retro_desk.ui.csv_import_dialog",
        "retro_desk.ui.audience_window",
        "retro_desk.ui.timeline_page",
        "retro_desk.ui.rationality_page",
    }
    assert loaded & later == set()


def test_reading_and_writing_need_no_sqlite_utils(db_path: Path) -> None:
    probe = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from retro_desk.storage import Store
        store = Store.open(Path(sys.argv[1]))
        [session] = store.list_sessions()
        retro = store.load_retro(session.id)
        assert "sqlite_utils" not in sys.modules, "reading loaded sqlite-utils"
        store.update_session(session.id, title="Renamed")
        # Writes go through the store's own path; sqlite-utils is for migrations and search.
        assert "sqlite_utils" not in sys.modules, "writing loaded sqlite-utils"
        assert store.get_session(session.id).title == "Renamed"
        print(len(retro.timeline))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(db_path)],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "30"


USER_RULES = """\
colour = "blue"

[[rule]]
id = "yolo"
category = "choice"
pattern = '''yolo(?:[\\\\s-]+(?:deploy|merge|push))?'''
prompt = "What made the fast route look safe enough?"
"""


def test_the_users_rules_load_after_the_paint_and_before_any_highlighting(
    qtbot, db_store: Store, clock: FakeClock, settings: QSettings, tmp_path: Path
) -> None:
    from retro_desk import language
    from retro_desk.ui.app import report_rule_warnings

    rules = tmp_path / "blame_rules.toml"
    rules.write_text(USER_RULES, encoding="utf-8")
    window = MainWindow(db_store, clock=clock, settings=settings, defer_until_painted=True)
    qtbot.addWidget(window)
    # configured() puts back the rules in use before, whatever the window configured.
    with language.configured(None):
        # As run_app does: first in the line of after-paint work.
        window.later(lambda: report_rule_warnings(window, language.configure(rules), None),
                     first=True)
        window.open_most_recent()
        assert window.editor is not None
        window.editor.set_private_notes("It was a yolo deploy, and Ben should have known.")
        window.show()
        qtbot.waitUntil(lambda: "Your blame-language rules" in window.status.text())
        assert "'colour'" in window.status.text()  # the unknown key is named
        notes = window.side.notes
        qtbot.waitUntil(lambda: len(highlighters(notes)) == 1
                        and bool(highlighters(notes)[0].findings))
        # The user's own rule is in force for the very first highlighting.
        assert [f.rule_id for f in highlighters(notes)[0].findings] == ["yolo", "should-have"]


def test_a_read_only_notice_is_not_covered_by_a_rules_warning(
    qtbot, db_store: Store, clock: FakeClock, settings: QSettings
) -> None:
    from retro_desk.ui.app import report_rule_warnings

    window = MainWindow(db_store, clock=clock, settings=settings)
    qtbot.addWidget(window)
    window.set_status("Read-only: open in another window", error=True)
    report_rule_warnings(window, ["line 3: not TOML"], "Read-only: open in another window")
    assert window.status.text() == "Read-only: open in another window"
    report_rule_warnings(window, ["line 3: not TOML"], None)
    assert window.status.text() == "Your blame-language rules: line 3: not TOML"
