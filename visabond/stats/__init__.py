"""National overstay statistics: the DHS Entry/Exit Overstay Report method, on DuckDB or Spark."""
