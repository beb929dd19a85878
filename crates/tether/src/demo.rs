//! Demo data generation (being written).
