import time
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from PySide6.QtGui import QKeySequence
from retro_desk.storage import Store
from retro_desk.ui.main_window import MainWindow
from retro_desk import session_file
from retro_desk.paths import resource
import random

def big_text(size):
    rng = random.Random(1)
    words = "the gateway obviously should have failed over and on-call checked the graphs".split()
    out = []; n = 0; line = 0
    while n < size:
        w = rng.choice(words); out.append(w); n += len(w) + 1
        out.append("\n" if rng.random() < 0.08 else " ")
    return "".join(out)[:size]

def test_dbg(qtbot, tmp_path):
    store = Store.open(tmp_path/"x.sqlite3")
    store.create_retro(session_file.read_file(resource("sample_retro.json")))
    w = MainWindow(store, settings=QSettings(str(tmp_path/"s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w); w.show(); qtbot.waitExposed(w); w.activateWindow(); qtbot.waitUntil(w.isActiveWindow)
    w.open_most_recent()
    text = big_text(1_000_000)
    QApplication.clipboard().setText(text)
    print("clipboard ok", len(QApplication.clipboard().text()))
    notes = w.side.notes
    notes.setFocus()
    import cProfile, pstats
    pr = cProfile.Profile(); pr.enable()
    t = time.perf_counter()
    qtbot.keyClick(notes, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    t2 = time.perf_counter()
    pr.disable(); pstats.Stats(pr).sort_stats("tottime").print_stats(12)
    QApplication.processEvents()
    t3 = time.perf_counter()
    notes.commit_pending()
    t4 = time.perf_counter()
    print("paste %.2f process %.2f commit %.2f" % (t2-t, t3-t2, t4-t3))
    print("stored intact", store.session_text(w.editor.session_id, "private_notes") == text)
