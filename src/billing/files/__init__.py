"""The file edge: tariff, agency, volume and pass-through files into domain values.

Each reader collects every problem with its file, line and field and raises
them together as one ``DataError``; it returns domain values only when the
whole file is valid.
"""
