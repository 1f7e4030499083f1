"""Billing engine for a government shared-service centre.

The pipeline, as the folders show it:

- ``domain``: plain immutable values (catalogue, price lists, agencies, volumes);
- ``files``: the file edge, turning tariff, agency, volume and pass-through files
  into domain values with every error located by file, line and field;
- ``rating``: the pure engine, domain values in and rated lines out;
- ``invoicing``: VAT, rounding and totals of an invoice, also pure;
- ``persistence``: the SQLAlchemy models, money types and migrations glue;
- ``services``: the use cases (imports, the billing run) that join the above;
- ``cli``: the ``billing`` command.
"""
