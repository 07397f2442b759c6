"""Everything Qt: windows, pages, models and widgets over the pure-Python core."""
