"""The phase pages of the main window, one per phase of the agenda."""
