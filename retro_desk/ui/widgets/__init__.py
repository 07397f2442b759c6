"""Widgets the windows are built from: timer, stepper, timeline picture, tally, panels, lists."""
