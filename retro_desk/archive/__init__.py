"""The team archive: publish retros to a git-friendly folder, bring a folder in, and follow
actions and insights across every retro."""
