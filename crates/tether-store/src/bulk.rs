//! Bulk writes for demo data and benchmarks (one transaction for many rows).
