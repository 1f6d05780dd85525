"""Exchange files (issue 19 point 4): a region-month as one zip archive, for systems that swap files.

``archive.export_month`` writes a CSV per table (UTF-8 with BOM, header in data-element names) and a
``manifest.json`` with each file's row count, totals and sha256; ``archive.import_month`` checks the manifest
against the files before anything is stored, then books the tables through the ledger's own services (the
registrations through ``do_register_receipt``, the CSVs of vouchers and payouts through ``do_import_file``
as they are), all in one transaction; every item then waits for its checker as an upload does.
"""
