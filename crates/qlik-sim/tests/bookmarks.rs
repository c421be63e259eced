//! Bookmarks through the JSON-RPC API, over real sockets: capture, apply,
//! list, destroy, change lists, and their owners.

mod support;

use qlik_sim::SimConfig;
use serde_json::{Value, json};
use support::*;

fn small() -> SimConfig {
    SimConfig {
        sample_rows: 2_000,
        ..SimConfig::default()
    }
}

/// A socket of `user` on the sample app with the app open: (socket, doc handle).
async fn open(sim: &qlik_sim::RunningSim, cookie: &str, path: &str) -> (Ws, i64) {
    let mut socket = ws(sim, path, Some(cookie)).await;
    greeting(&mut socket).await;
    let doc = call(&mut socket, 1, -1, "OpenDoc", json!(["sample-sales"])).await;
    let doc = doc["result"]["qReturn"]["qHandle"].as_i64().unwrap();
    (socket, doc)
}

async fn handle_of(socket: &mut Ws, id: i64, handle: i64, method: &str, params: Value) -> i64 {
    let answer = call(socket, id, handle, method, params).await;
    answer["result"]["qReturn"]["qHandle"]
        .as_i64()
        .unwrap_or_else(|| panic!("{method}: {answer}"))
}

fn bookmark_list() -> Value {
    json!({"qInfo": {"qType": "BookmarkList"}, "qBookmarkListDef": {"qType": "bookmark",
        "qData": {"title": "/qMetaDef/title", "description": "/qMetaDef/description"}}})
}

fn bookmark(title: &str) -> Value {
    json!({"qInfo": {"qType": "bookmark"},
        "qMetaDef": {"title": title, "description": format!("about {title}")}})
}

/// Field → selected values, from a current-selections layout.
fn selected(layout: &Value) -> Vec<(String, Vec<String>)> {
    layout["result"]["qLayout"]["qSelectionObject"]["qSelections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            let mut values: Vec<String> = item["qSelectedFieldSelectionInfo"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["qName"].as_str().unwrap().to_owned())
                .collect();
            values.sort();
            (item["qField"].as_str().unwrap().to_owned(), values)
        })
        .collect()
}

fn change_of(answer: &Value) -> Vec<i64> {
    let mut change: Vec<i64> = serde_json::from_value(answer["change"].clone()).unwrap_or_default();
    change.sort_unstable();
    change
}

#[tokio::test]
async fn a_bookmark_restores_the_selections_of_several_fields() {
    let sim = start(small()).await;
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let (mut ws, doc) = open(&sim, &cookie, "/app/sample-sales").await;
    let kpi = handle_of(
        &mut ws,
        2,
        doc,
        "CreateSessionObject",
        json!([{"qInfo": {"qType": "kpi"},
        "qHyperCubeDef": {"qMeasures": [{"qDef": {"qDef": "Sum(Sales)"}}]}}]),
    )
    .await;
    let current = handle_of(
        &mut ws,
        3,
        doc,
        "CreateSessionObject",
        json!([{"qInfo": {"qType": "CurrentSelections"}, "qSelectionObjectDef": {}}]),
    )
    .await;
    let list = handle_of(
        &mut ws,
        4,
        doc,
        "CreateSessionObject",
        json!([bookmark_list()]),
    )
    .await;

    // Three fields, one of them numeric.
    for (n, (field, pattern)) in [("Region", "EMEA"), ("Category", "Bikes"), ("Year", "2024")]
        .into_iter()
        .enumerate()
    {
        let id = 10 + 2 * n as i64;
        let field = handle_of(&mut ws, id, doc, "GetField", json!([field])).await;
        call(&mut ws, id + 1, field, "Select", json!([pattern])).await;
    }
    let region = handle_of(&mut ws, 20, doc, "GetField", json!(["Region"])).await;
    call(&mut ws, 21, region, "ToggleSelect", json!(["APAC"])).await;
    let saved = selected(&call(&mut ws, 22, current, "GetLayout", json!([])).await);
    assert_eq!(saved.len(), 3);
    let saved_total = call(&mut ws, 23, kpi, "GetLayout", json!([])).await["result"]["qLayout"]
        ["qHyperCube"]["qGrandTotalRow"]
        .clone();

    let created = call(
        &mut ws,
        24,
        doc,
        "CreateBookmark",
        json!([bookmark("EMEA and APAC bikes")]),
    )
    .await;
    let id = created["result"]["qInfo"]["qId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(created["result"]["qInfo"]["qType"], "bookmark");
    assert_eq!(created["result"]["qReturn"]["qType"], "GenericBookmark");
    assert_eq!(created["result"]["qReturn"]["qGenericId"], id);
    assert_eq!(
        change_of(&created),
        [list],
        "only the bookmark list changed"
    );

    call(&mut ws, 25, doc, "ClearAll", json!([false])).await;
    assert!(selected(&call(&mut ws, 26, current, "GetLayout", json!([])).await).is_empty());

    let applied = call(&mut ws, 27, doc, "ApplyBookmark", json!([id])).await;
    assert_eq!(applied["result"]["qSuccess"], true);
    let mut every = vec![kpi, current, list];
    every.sort_unstable();
    assert_eq!(
        change_of(&applied),
        every,
        "a selection: every object changed"
    );
    let layout = call(&mut ws, 28, current, "GetLayout", json!([])).await;
    assert_eq!(selected(&layout), saved);
    let total = call(&mut ws, 29, kpi, "GetLayout", json!([])).await;
    assert_eq!(
        total["result"]["qLayout"]["qHyperCube"]["qGrandTotalRow"],
        saved_total
    );
    // It entered the history: four selections, the clear, the apply.
    assert_eq!(
        layout["result"]["qLayout"]["qSelectionObject"]["qBackCount"],
        6
    );
    call(&mut ws, 30, doc, "Back", json!([])).await;
    assert!(selected(&call(&mut ws, 31, current, "GetLayout", json!([])).await).is_empty());
    call(&mut ws, 32, doc, "Forward", json!([])).await;
    // Applying the state in force changes nothing, and says so.
    let again = call(&mut ws, 33, doc, "ApplyBookmark", json!({"qId": id})).await;
    assert_eq!(again["result"]["qSuccess"], true);
    assert!(again.get("change").is_none(), "{again}");

    // The bookmark object and its layout.
    let handle = handle_of(&mut ws, 34, doc, "GetBookmark", json!([id])).await;
    let layout =
        call(&mut ws, 35, handle, "GetLayout", json!([])).await["result"]["qLayout"].clone();
    assert_eq!(layout["qInfo"]["qId"], id);
    assert_eq!(layout["qMeta"]["title"], "EMEA and APAC bikes");
    assert_eq!(layout["qMeta"]["description"], "about EMEA and APAC bikes");
    assert!(
        layout["qMeta"]["createdDate"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    assert!(layout["qBookmark"]["qUtcModifyTime"].as_f64().unwrap() > 45_000.0);
    let items = layout["qBookmark"]["qStateData"][0]["qFieldItems"]
        .as_array()
        .unwrap();
    let mut fields: Vec<(String, usize)> = items
        .iter()
        .map(|i| {
            (
                i["qDef"]["qName"].as_str().unwrap().to_owned(),
                i["qValues"].as_array().unwrap().len(),
            )
        })
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            ("Category".into(), 1),
            ("Region".into(), 2),
            ("Year".into(), 1)
        ]
    );
    let year = items.iter().find(|i| i["qDef"]["qName"] == "Year").unwrap();
    assert_eq!(
        year["qValues"][0],
        json!({"qText": "2024", "qIsNumeric": true, "qNumber": 2024.0})
    );
    let info = call(&mut ws, 36, handle, "GetProperties", json!([])).await;
    assert_eq!(
        info["result"]["qProp"]["qMetaDef"]["title"],
        "EMEA and APAC bikes"
    );

    // Listed, with the qData asked for, both ways.
    let listed = call(&mut ws, 37, doc, "GetBookmarks",
        json!([{"qTypes": ["bookmark"], "qData": {"title": "/qMetaDef/title", "none": "/nothing"}}])).await;
    let entries = listed["result"]["qList"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["qInfo"]["qId"], id);
    assert_eq!(entries[0]["qMeta"]["title"], "EMEA and APAC bikes");
    assert_eq!(entries[0]["qData"], json!({"title": "EMEA and APAC bikes"}));
    let other_types = call(
        &mut ws,
        38,
        doc,
        "GetBookmarks",
        json!([{"qTypes": ["snapshot"]}]),
    )
    .await;
    assert_eq!(other_types["result"]["qList"], json!([]));
    let list_layout = call(&mut ws, 39, list, "GetLayout", json!([])).await;
    let items = &list_layout["result"]["qLayout"]["qBookmarkList"]["qItems"];
    assert_eq!(
        items[0]["qData"]["description"],
        "about EMEA and APAC bikes"
    );
    assert!(
        list_layout["result"]["qLayout"]
            .get("qBookmarkListDef")
            .is_none()
    );

    // Destroyed: the list changes, the handle closes, the id is unknown.
    let destroyed = call(&mut ws, 40, doc, "DestroyBookmark", json!([id])).await;
    assert_eq!(destroyed["result"]["qSuccess"], true);
    assert_eq!(change_of(&destroyed), [list]);
    assert_eq!(destroyed["close"], json!([handle]));
    let listed = call(
        &mut ws,
        41,
        doc,
        "GetBookmarks",
        json!([{"qTypes": ["bookmark"]}]),
    )
    .await;
    assert_eq!(listed["result"]["qList"], json!([]));
    for (n, method) in ["ApplyBookmark", "GetBookmark", "DestroyBookmark"]
        .into_iter()
        .enumerate()
    {
        let answer = call(&mut ws, 42 + n as i64, doc, method, json!([id])).await;
        assert_eq!(answer["error"]["code"], 2, "{method}: {answer}");
        assert_eq!(answer["error"]["parameter"], id);
    }
    let missing = call(
        &mut ws,
        50,
        doc,
        "CreateBookmark",
        json!([{"qMetaDef": {}}]),
    )
    .await;
    assert_eq!(missing["error"]["code"], -32602, "qInfo.qType is mandatory");
}

#[tokio::test]
async fn bookmarks_belong_to_their_owner_for_the_life_of_the_app() {
    let sim = start(small()).await;
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let (mut first, doc) = open(&sim, &cookie, "/app/sample-sales").await;
    // Another engine session of alice (another identity) with a bookmark list.
    let (mut second, doc2) = open(&sim, &cookie, "/app/sample-sales/identity/tab2").await;
    let list2 = handle_of(
        &mut second,
        2,
        doc2,
        "CreateSessionObject",
        json!([bookmark_list()]),
    )
    .await;
    let created = call(
        &mut first,
        2,
        doc,
        "CreateBookmark",
        json!([{"qInfo": {"qId": "mine", "qType": "bookmark"}, "qMetaDef": {"title": "Mine"}}]),
    )
    .await;
    assert_eq!(
        created["result"]["qInfo"]["qId"], "mine",
        "a free id is kept"
    );
    let pushed = next(&mut second).await.unwrap();
    assert_eq!(
        pushed["change"],
        json!([list2]),
        "the other session's list changed"
    );
    let layout = call(&mut second, 3, list2, "GetLayout", json!([])).await;
    assert_eq!(
        layout["result"]["qLayout"]["qBookmarkList"]["qItems"][0]["qMeta"]["title"],
        "Mine"
    );
    // A taken id gets another one.
    let twin = call(
        &mut second,
        4,
        doc2,
        "CreateBookmark",
        json!([{"qInfo": {"qId": "mine", "qType": "bookmark"}, "qMetaDef": {"title": "Twin"}}]),
    )
    .await;
    assert_ne!(twin["result"]["qInfo"]["qId"], "mine");
    drop((first, second));

    // A new Qlik session of alice, after every socket closed, sees them.
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let (mut later, doc) = open(&sim, &cookie, "/app/sample-sales").await;
    let listed = call(
        &mut later,
        2,
        doc,
        "GetBookmarks",
        json!([{"qTypes": ["bookmark"]}]),
    )
    .await;
    let titles: Vec<&str> = listed["result"]["qList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["qMeta"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Mine", "Twin"], "in creation order");
    assert_eq!(
        call(&mut later, 3, doc, "ApplyBookmark", json!(["mine"])).await["result"]["qSuccess"],
        true
    );

    // Bob sees none of them and can use none.
    let bob = redeem(&sim, &ticket(&sim, "bob").await).await;
    let (mut bob, doc) = open(&sim, &bob, "/app/sample-sales").await;
    let listed = call(
        &mut bob,
        2,
        doc,
        "GetBookmarks",
        json!([{"qTypes": ["bookmark"]}]),
    )
    .await;
    assert_eq!(listed["result"]["qList"], json!([]));
    for (n, method) in ["ApplyBookmark", "GetBookmark", "DestroyBookmark"]
        .into_iter()
        .enumerate()
    {
        let answer = call(&mut bob, 3 + n as i64, doc, method, json!(["mine"])).await;
        assert_eq!(answer["error"]["code"], 2, "{method}: {answer}");
    }
    // Alice's is still there.
    let listed = call(&mut later, 4, doc, "GetBookmarks", json!([{}])).await;
    assert_eq!(listed["result"]["qList"].as_array().unwrap().len(), 2);
}

/// A small deterministic generator (xorshift), so failures replay.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[tokio::test]
async fn every_bookmark_of_random_selections_restores_exactly_them() {
    let sim = start(small()).await;
    let cookie = redeem(&sim, &ticket(&sim, "alice").await).await;
    let (mut ws, doc) = open(&sim, &cookie, "/app/sample-sales").await;
    let current = handle_of(
        &mut ws,
        2,
        doc,
        "CreateSessionObject",
        json!([{"qInfo": {"qType": "CurrentSelections"}, "qSelectionObjectDef": {}}]),
    )
    .await;
    let mut fields = Vec::new();
    for (n, name) in ["Region", "Category", "Year", "Segment"]
        .into_iter()
        .enumerate()
    {
        let field = handle_of(&mut ws, 3 + n as i64, doc, "GetField", json!([name])).await;
        let cardinal = call(&mut ws, 10 + n as i64, field, "GetCardinal", json!([])).await;
        fields.push((field, cardinal["result"]["qReturn"].as_u64().unwrap()));
    }
    let mut rng = Xorshift(0x2545_f491_4f6c_dd1d);
    let mut id = 100;
    let mut next_id = || {
        id += 1;
        id
    };
    let mut saved = Vec::new();
    for round in 0..30 {
        for (field, cardinal) in &fields {
            // Each field: cleared, or a random non-empty subset of its values.
            let subset: Vec<u64> = (0..*cardinal)
                .filter(|_| rng.next().is_multiple_of(3))
                .collect();
            if rng.next().is_multiple_of(3) || subset.is_empty() {
                call(&mut ws, next_id(), *field, "Clear", json!([])).await;
            } else {
                call(
                    &mut ws,
                    next_id(),
                    *field,
                    "LowLevelSelect",
                    json!([subset, false]),
                )
                .await;
            }
        }
        let state = selected(&call(&mut ws, next_id(), current, "GetLayout", json!([])).await);
        let created = call(
            &mut ws,
            next_id(),
            doc,
            "CreateBookmark",
            json!([bookmark(&format!("round {round}"))]),
        )
        .await;
        saved.push((
            created["result"]["qInfo"]["qId"]
                .as_str()
                .unwrap()
                .to_owned(),
            state,
        ));
    }
    // Applied in a shuffled order, each gives back exactly its selections.
    for _ in 0..saved.len() {
        let (bookmark, state) = &saved[(rng.next() % saved.len() as u64) as usize];
        let applied = call(&mut ws, next_id(), doc, "ApplyBookmark", json!([bookmark])).await;
        assert_eq!(applied["result"]["qSuccess"], true);
        let now = selected(&call(&mut ws, next_id(), current, "GetLayout", json!([])).await);
        assert_eq!(&now, state, "bookmark {bookmark}");
    }
}
