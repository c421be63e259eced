//! The authenticator against a real OpenLDAP slapd and the embedded directory.

mod support;

use directory::{DemoSeed, Directory, DirectoryError, EmbeddedDirectory, GroupSource};
use slapd_fixture::free_port;
use support::slapd::{BASE, Tls, ldap_config, start};

#[tokio::test]
async fn valid_login_with_groups_and_every_refusal() {
    let slapd = start(None, "");
    let directory = Directory::new(ldap_config(slapd.url())).unwrap();

    let alice = directory
        .authenticate("alice", "alice-secret")
        .await
        .unwrap();
    assert_eq!(alice.user_id, "alice");
    assert_eq!(alice.display_name, "Alice Andersen");
    let mut groups = alice.groups.clone();
    groups.sort();
    assert_eq!(groups, ["EMEA", "Sales"], "user in two groups gets both");
    assert_eq!(
        directory
            .authenticate("eve", "eve-secret")
            .await
            .unwrap()
            .groups,
        Vec::<String>::new()
    );

    for (user, password) in [
        ("alice", "wrong"),
        ("nobody", "alice-secret"),
        ("alice", ""),
        ("", "x"),
        ("*", "alice-secret"),
        ("*)(uid=*", "alice-secret"),
        ("alice)(|(uid=*", "alice-secret"),
        ("al*", "alice-secret"),
        ("alice\0", "alice-secret"),
    ] {
        assert_eq!(
            directory.authenticate(user, password).await,
            Err(DirectoryError::InvalidCredentials),
            "{user:?} / {password:?}"
        );
    }
    let long = "a".repeat(10_000);
    assert_eq!(
        directory.authenticate(&long, "x").await,
        Err(DirectoryError::InvalidCredentials)
    );
}

#[tokio::test]
async fn an_empty_password_is_refused_even_where_slapd_would_accept_it() {
    let slapd = start(None, "allow bind_anon_dn\n");
    // slapd itself accepts the empty-password bind (as anonymous)...
    let (conn, mut ldap) = ldap3::LdapConnAsync::new(&slapd.url()).await.unwrap();
    ldap3::drive!(conn);
    let result = ldap
        .simple_bind(&format!("uid=alice,ou=people,{BASE}"), "")
        .await
        .unwrap();
    assert_eq!(result.rc, 0, "slapd accepts an empty password as anonymous");
    // ...the directory refuses it before any bind.
    let directory = Directory::new(ldap_config(slapd.url())).unwrap();
    assert_eq!(
        directory.authenticate("alice", "").await,
        Err(DirectoryError::InvalidCredentials)
    );
}

#[tokio::test]
async fn two_entries_with_one_user_id_are_refused() {
    let slapd = start(None, "");
    let mut by_mail = ldap_config(slapd.url());
    by_mail.user_id_attribute = "mail".into();
    let directory = Directory::new(by_mail).unwrap();
    // alice's password is right, but alice-alias carries her user id too.
    assert_eq!(
        directory.authenticate("alice", "alice-secret").await,
        Err(DirectoryError::DuplicateUserId("alice@example.com".into()))
    );
    // A wrong password is still just a wrong password.
    assert_eq!(
        directory.authenticate("alice", "wrong").await,
        Err(DirectoryError::InvalidCredentials)
    );
    // With uid (one entry each) alice logs in.
    let by_uid = Directory::new(ldap_config(slapd.url())).unwrap();
    assert_eq!(
        by_uid
            .authenticate("alice", "alice-secret")
            .await
            .unwrap()
            .user_id,
        "alice"
    );
}

#[tokio::test]
async fn check_binds_the_service_account() {
    let slapd = start(None, "");
    let directory = Directory::new(ldap_config(slapd.url())).unwrap();
    assert_eq!(directory.check().await, Ok(()));
    let mut wrong = ldap_config(slapd.url());
    wrong.bind_password = "not-the-service-password".into();
    assert!(matches!(
        Directory::new(wrong).unwrap().check().await,
        Err(DirectoryError::Unavailable(_) | DirectoryError::InvalidCredentials)
    ));
    let down = Directory::new(ldap_config(format!(
        "ldap://127.0.0.1:{}",
        free_port().unwrap()
    )))
    .unwrap();
    assert!(matches!(
        down.check().await,
        Err(DirectoryError::Unavailable(_))
    ));
}

#[tokio::test]
async fn a_directory_that_is_down_is_unavailable_not_invalid() {
    let directory = Directory::new(ldap_config(format!(
        "ldap://127.0.0.1:{}",
        free_port().unwrap()
    )))
    .unwrap();
    assert!(matches!(
        directory.authenticate("alice", "alice-secret").await,
        Err(DirectoryError::Unavailable(_))
    ));
    let slapd = start(None, "");
    let directory = Directory::new(ldap_config(slapd.url())).unwrap();
    drop(slapd);
    assert!(matches!(
        directory.authenticate("alice", "alice-secret").await,
        Err(DirectoryError::Unavailable(_))
    ));
}

#[tokio::test]
async fn starttls_with_a_private_ca() {
    let tls = Tls::generate();
    let slapd = start(Some(&tls), "");
    let ca_file = slapd.dir().join("ca.pem");
    let mut settings = ldap_config(slapd.url());
    settings.starttls = true;
    settings.ca_file = Some(ca_file);
    let directory = Directory::new(settings).unwrap();
    let alice = directory
        .authenticate("alice", "alice-secret")
        .await
        .unwrap();
    assert_eq!(alice.user_id, "alice");
    assert_eq!(
        directory.authenticate("alice", "wrong").await,
        Err(DirectoryError::InvalidCredentials)
    );
    // Without trusting the CA, the handshake fails: unavailable, not a login.
    let mut untrusted = ldap_config(slapd.url());
    untrusted.starttls = true;
    let directory = Directory::new(untrusted).unwrap();
    assert!(matches!(
        directory.authenticate("alice", "alice-secret").await,
        Err(DirectoryError::Unavailable(_))
    ));
}

#[tokio::test]
async fn the_embedded_directory_serves_the_same_login_path() {
    let embedded = EmbeddedDirectory::start(DemoSeed::builtin().unwrap())
        .await
        .unwrap();
    assert!(embedded.url().starts_with("ldap://127.0.0.1:"));
    let directory = Directory::new(embedded.ldap_config()).unwrap();
    let alice = directory
        .authenticate("alice", "alice-password")
        .await
        .unwrap();
    assert_eq!(alice.display_name, "Alice Andersen");
    assert_eq!(alice.groups, ["Sales", "EMEA"]);
    for (user, password) in [
        ("alice", "wrong"),
        ("nobody", "x"),
        ("alice", ""),
        ("*", "alice-password"),
        ("*)(uid=*", "alice-password"),
    ] {
        assert_eq!(
            directory.authenticate(user, password).await,
            Err(DirectoryError::InvalidCredentials),
            "{user:?}"
        );
    }
    // Group search works against it too.
    let mut by_search = embedded.ldap_config();
    by_search.groups = GroupSource::Search {
        base_dn: "ou=groups,dc=example,dc=com".into(),
        filter: "(&(objectClass=groupOfNames)(member={dn}))".into(),
        name_attribute: "cn".into(),
    };
    let bob = Directory::new(by_search)
        .unwrap()
        .authenticate("bob", "bob-password")
        .await
        .unwrap();
    assert_eq!(bob.groups.len(), 2);
}
