//! Task placement: filters, constraints, strategies, tie-break.

pub mod cql;
