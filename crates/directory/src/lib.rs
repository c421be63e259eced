//! Directory (LDAP) authentication and an embedded demo directory.
