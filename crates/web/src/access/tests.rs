//! Tests of the route table.
