"""The small hand-made pool shared by several test files.

Six cases over the tiny codebook (tests/conftest.py): colour, size and tags.
Expected values in the tests are worked out by hand from these rows.
"""

from __future__ import annotations

ROWS = [
    ("c1", "red", "small", "a|b"),
    ("c2", "red", "large", "b"),
    ("c3", "green", "small", "c"),
    ("c4", "green", "large", "a|c"),
    ("c5", "blue", "small", ""),
    ("c6", "blue", "onbekend", "a|b|c"),
]
