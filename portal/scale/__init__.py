"""A national-scale demonstration data set, for measuring Chorus at its expected size.

Run with `flask --app portal demo scale`. See `generate.py`.
"""
