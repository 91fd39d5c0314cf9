"""HSDS tabular data package import and export (CSV zip, folder of CSVs, XLSX). See README, "Import and export"."""

from .exporting import export, export_xlsx, export_zip
from .importing import Problem, Report, apply, preview, run
from .reading import PackageError, read_package

__all__ = ["export", "export_xlsx", "export_zip", "Problem", "Report", "apply", "preview", "run", "PackageError", "read_package"]
