//! Test fixtures: a real OpenLDAP slapd on loopback, and a throwaway CA.

pub mod slapd;
