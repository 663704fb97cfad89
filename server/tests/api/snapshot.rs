use crate::helpers::spawn_app;
use serde_json::json;
use serialtrack_server::auth::Role;

#[tokio::test]
async fn a_device_reads_every_unit_page_by_page_with_its_recent_history() {
    let app = spawn_app().await;
    let product_id = app.a_product("9520123456788", "Pill").await;
    let body = json!({"product_id": product_id, "range": {"prefix": "S", "start": 1, "count": 5}});
    app.units_register(Role::Operator, body).await.expect(201);
    let first = app.get_as(Role::Service, "/snapshot?limit=3&history=2").await;
    let first = first.expect(200).clone();
    assert_eq!((first["as_of_seq"].as_i64(), first["has_more"].as_bool()), (Some(5), Some(true)));
    let unit_id = first["units"][0]["unit"]["id"].as_str().unwrap().to_owned();
    for n in 0..3 {
        let note = json!({"command": {"type": "add_note", "text": format!("note {n}")}});
        app.units_commands(Role::Service, &unit_id, note).await.expect(200);
    }
    let after = first["next_after"].as_str().unwrap();
    let second = app.get_as(Role::Service, &format!("/snapshot?limit=3&history=2&after={after}")).await;
    let second = second.expect(200);
    assert_eq!((second["units"].as_array().unwrap().len(), second["has_more"].as_bool()), (2, Some(false)));
    assert_eq!(second["as_of_seq"], 8, "each page says how far its units reach");
    let again = app.get_as(Role::Service, "/snapshot?limit=1&history=2").await;
    let history: Vec<_> =
        again.expect(200)["units"][0]["history"].as_array().unwrap().iter().map(|e| e["seq"].clone()).collect();
    assert_eq!(history, [json!(8), json!(7)], "the newest events, newest first, at most `history`");
    assert_eq!(again.body["units"][0]["unit"]["state"]["key"]["serial"], "S1");
}

#[tokio::test]
async fn out_of_range_pages_are_refused_with_what_to_give() {
    let app = spawn_app().await;
    for query in ["limit=0", "limit=5001", "history=51", "colour=red"] {
        let answer = app.get_as(Role::Auditor, &format!("/snapshot?{query}")).await;
        assert!(matches!(answer.status.as_u16(), 400 | 422), "{query}: {}", answer.status);
    }
    let empty = app.get_as(Role::Auditor, "/snapshot").await;
    assert_eq!(
        (empty.expect(200)["units"].as_array().unwrap().len(), empty.body["has_more"].as_bool()),
        (0, Some(false))
    );
}
