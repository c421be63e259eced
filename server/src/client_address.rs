//! Who the client is: the peer of the connection, unless the peer is a
//! trusted reverse proxy (`trusted_proxies`); then the rightmost
//! `X-Forwarded-For` entry that is not itself a trusted proxy. From any other
//! peer the header is ignored (anyone can send it).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use app::server::ClientAddress;
use axum::extract::{ConnectInfo, Request};
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

/// The client's address. `forwarded_for` holds the `X-Forwarded-For` header
/// values in the order received (each a comma-separated list, nearest hop last).
pub fn client_address<'a>(
    peer: IpAddr,
    forwarded_for: impl DoubleEndedIterator<Item = &'a str>,
    trusted: &[IpNet],
) -> IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for entry in forwarded_for.rev().flat_map(|value| value.rsplit(',')) {
        match entry.trim().parse::<IpAddr>() {
            Ok(ip) => {
                client = ip.to_canonical();
                if !is_trusted(&client) {
                    return client;
                }
            }
            // Garbage from the hop before a trusted proxy: stop at that proxy.
            Err(_) => return client,
        }
    }
    client
}

/// Puts the [`ClientAddress`] into the request's extensions (for the login
/// throttle and the audit log).
pub async fn layer(trusted: Arc<[IpNet]>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let values = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>();
    let address = client_address(peer, values.into_iter(), &trusted);
    request.extensions_mut().insert(ClientAddress(address));
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(
            client_address(ip("203.0.113.7"), ["198.51.100.1"].into_iter(), &trusted),
            ip("203.0.113.7")
        );
        assert_eq!(
            client_address(ip("10.0.0.5"), ["198.51.100.1"].into_iter(), &[]),
            ip("10.0.0.5"),
            "no trusted proxies: the header is never read"
        );
    }

    #[test]
    fn behind_trusted_proxies_the_rightmost_untrusted_entry_is_the_client() {
        let trusted = nets(&["10.0.0.0/8", "::1/128"]);
        let peer = ip("10.0.0.2");
        // The client forged a first entry; the proxy appended the real one.
        assert_eq!(
            client_address(peer, ["1.2.3.4, 198.51.100.9"].into_iter(), &trusted),
            ip("198.51.100.9")
        );
        // Two proxies in a row, the header split over two lines.
        assert_eq!(
            client_address(
                peer,
                ["1.2.3.4, 198.51.100.9", "10.0.0.1"].into_iter(),
                &trusted
            ),
            ip("198.51.100.9")
        );
        assert_eq!(
            client_address(ip("::1"), [" 2001:db8::7 "].into_iter(), &trusted),
            ip("2001:db8::7")
        );
        // IPv4-mapped peers count as their IPv4 address.
        assert_eq!(
            client_address(
                ip("::ffff:10.0.0.2"),
                ["198.51.100.9"].into_iter(),
                &trusted
            ),
            ip("198.51.100.9")
        );
    }

    #[test]
    fn missing_or_garbled_headers_fall_back_to_the_last_trusted_hop() {
        let trusted = nets(&["10.0.0.0/8"]);
        let peer = ip("10.0.0.2");
        assert_eq!(client_address(peer, std::iter::empty(), &trusted), peer);
        assert_eq!(
            client_address(peer, ["1.2.3.4, not-an-address"].into_iter(), &trusted),
            peer
        );
        assert_eq!(
            client_address(peer, ["junk, 10.0.0.1"].into_iter(), &trusted),
            ip("10.0.0.1")
        );
        assert_eq!(
            client_address(peer, ["10.0.0.3, 10.0.0.1"].into_iter(), &trusted),
            ip("10.0.0.3"),
            "all hops trusted: the farthest one"
        );
    }
}
