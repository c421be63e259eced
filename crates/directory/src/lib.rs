//! Directory (LDAP) authentication for the login page, with ldap3:
//! bind as a read-only service account, search the user with an
//! RFC 4515-escaped filter, require exactly one entry, then bind as that entry
//! with the typed password on a separate connection; groups are read only
//! after that bind succeeded. See the crate's README. Plus
//! [`EmbeddedDirectory`], a small in-process LDAP server seeded with demo users,
//! which the same code path talks to when no directory is configured.

mod config;
mod embedded;
mod error;
mod ldap;

pub use config::{GroupSource, LdapConfig};
pub use embedded::{DemoSeed, EmbeddedDirectory};
pub use error::DirectoryError;
pub use ldap::{AuthenticatedUser, Directory};
