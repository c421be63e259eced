//! Helpers shared by the simulator's tests: raw HTTP and WebSocket clients.

// Shared by several test binaries, each of which uses a part.
#![allow(dead_code)]

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use qlik_sim::{RunningSim, SimConfig, Simulator};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

pub const KEY: &str = "abcdefghij012345";

pub async fn start(config: SimConfig) -> RunningSim {
    Simulator::start(config).await.unwrap()
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// POST /qps/ticket with a valid Xrfkey; returns the ticket.
pub async fn ticket(sim: &RunningSim, user: &str) -> String {
    let response = http()
        .post(format!("http://{}/qps/ticket?xrfkey={KEY}", sim.qps_addr()))
        .header("X-Qlik-Xrfkey", KEY)
        .json(&json!({"UserDirectory": "CORP", "UserId": user,
            "Attributes": [{"Group": "Sales"}, {"Group": "EMEA"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    body["Ticket"].as_str().unwrap().to_owned()
}

/// Redeems a ticket with a GET under the proxy; returns the session cookie value.
pub async fn redeem(sim: &RunningSim, ticket: &str) -> String {
    let response = http()
        .get(format!(
            "http://{}/hub/?qlikTicket={ticket}",
            sim.proxy_addr()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    cookie_from(response.headers(), &sim.cookie_name()).expect("session cookie")
}

pub fn cookie_from(headers: &reqwest::header::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|p| p.split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_owned())
}

pub async fn user_sessions(sim: &RunningSim, user: &str) -> Vec<Value> {
    http()
        .get(format!(
            "http://{}/qps/user/CORP/{user}?Xrfkey={KEY}",
            sim.qps_addr()
        ))
        .header("X-Qlik-Xrfkey", KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens an engine socket on `path` (after the prefix) with an optional cookie.
pub async fn ws(sim: &RunningSim, path: &str, cookie: Option<&str>) -> Ws {
    let mut request = format!("ws://{}{path}", sim.proxy_addr())
        .into_client_request()
        .unwrap();
    if let Some(cookie) = cookie {
        request.headers_mut().insert(
            "Cookie",
            format!("{}={cookie}", sim.cookie_name()).parse().unwrap(),
        );
    }
    tokio_tungstenite::connect_async(request).await.unwrap().0
}

/// The next JSON frame, or `None` when the socket closed.
pub async fn next(ws: &mut Ws) -> Option<Value> {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("a frame within 5 s");
        match frame {
            Some(Ok(Message::Text(text))) => return Some(serde_json::from_str(&text).unwrap()),
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => continue,
        }
    }
}

/// Sends a request and returns its response (skipping notifications).
pub async fn call(ws: &mut Ws, id: i64, handle: i64, method: &str, params: Value) -> Value {
    let frame =
        json!({"jsonrpc": "2.0", "id": id, "handle": handle, "method": method, "params": params});
    ws.send(Message::text(frame.to_string())).await.unwrap();
    loop {
        let message = next(ws).await.expect("an answer");
        if message.get("id") == Some(&json!(id)) {
            return message;
        }
    }
}

/// The `qSessionState` of the greeting.
pub async fn greeting(ws: &mut Ws) -> String {
    let message = next(ws).await.expect("OnConnected");
    assert_eq!(message["method"], "OnConnected");
    message["params"]["qSessionState"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A socket on `app` of a fresh user, with the app open: the socket and
/// the Doc handle.
pub async fn open_app(sim: &RunningSim, user: &str, app: &str) -> (Ws, i64) {
    let cookie = redeem(sim, &ticket(sim, user).await).await;
    let mut ws = ws(sim, &format!("/app/{app}"), Some(&cookie)).await;
    greeting(&mut ws).await;
    let doc = call(&mut ws, 1, -1, "OpenDoc", json!([app])).await;
    let doc = handle(&doc);
    (ws, doc)
}

/// The `qReturn.qHandle` of an answer (panics with the answer when absent).
pub fn handle(answer: &Value) -> i64 {
    answer["result"]["qReturn"]["qHandle"]
        .as_i64()
        .unwrap_or_else(|| panic!("no handle in {answer}"))
}
