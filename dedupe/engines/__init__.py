"""Engines: where the stages run. The local engine is dedupe.filtering (one process tree, batch by
batch); `dedupe.engines.spark` runs the same stages on Apache Spark DataFrames (optional extra
`spark`). The local engine is the reference the Spark engine's results are compared against."""
