"""A province-scale synthetic data set for benchmarks (PostgreSQL only); see `generate`."""

from .generate import GENERATED_TABLES, generate

__all__ = ["GENERATED_TABLES", "generate"]
