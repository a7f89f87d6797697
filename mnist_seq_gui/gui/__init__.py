"""The desktop explorer: everything that imports Qt lives in this package."""
