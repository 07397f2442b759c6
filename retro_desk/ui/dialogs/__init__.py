"""Dialogs: new retro and its details, templates, CSV preview."""
