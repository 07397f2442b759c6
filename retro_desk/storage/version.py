"""The schema version this Retro Desk writes, apart from the migrations that build it.

Bumped by every migration; a file with a higher number comes from a newer Retro Desk. Kept
here so that opening an up-to-date file needs neither sqlite-utils nor the migrations.
"""

SCHEMA_VERSION = 5
