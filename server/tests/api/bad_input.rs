//! Bad input on every documented route gets a 4xx in our JSON shape, never a 5xx.

use crate::helpers::{assert_error_shape, spawn_app, Answer};
use reqwest::Method;
use serialtrack_server::auth::Role;

const ODD_IDS: [&str; 4] = ["x", "%27%20OR%201%3D1--", "%F0%9F%92%A5", "00000000-0000-0000-0000-000000000000"];
const ODD_QUERIES: [&str; 6] =
    ["?limit=-1", "?after=abc", "?offset=99999999999", "?q=%25%5F%5C", "?unknown=1", "?limit=0&after=-5"];

fn concrete(path: &str, id: &str) -> String {
    let mut result = String::new();
    let mut in_param = false;
    for character in path.strip_prefix("/api/v1").unwrap_or(path).chars() {
        match character {
            '{' => {
                in_param = true;
                result.push_str(id);
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => result.push(character),
        }
    }
    result
}

fn check(answer: &Answer, what: &str) {
    assert!(answer.status.as_u16() < 500, "{what}: {}", answer.text);
    if answer.status.as_u16() >= 400 {
        assert_error_shape(answer);
    }
}

#[tokio::test]
async fn bad_input_on_every_route_is_a_4xx_in_our_shape() {
    let app = spawn_app().await;
    let key = app.key(Role::Admin).to_owned();
    for (method, path) in app.documented_operations().await {
        for id in ODD_IDS {
            let url = format!("{}/api/v1{}", app.address, concrete(&path, id));
            let bodies: [Option<(&str, &str)>; 6] = [
                None,
                Some(("application/json", "{")),
                Some(("application/json", "[]")),
                Some(("application/json", r#"{"unexpected": 1}"#)),
                Some(("application/json", r#"{"count": -1, "serials": "x", "name": 5, "limit": 1e99}"#)),
                Some(("text/plain", "hello")),
            ];
            for body in bodies {
                let mut request = app.client.request(method.clone(), &url).bearer_auth(&key);
                if let Some((content_type, text)) = body {
                    request = request.header("content-type", content_type).body(text);
                }
                let answer = Answer::read(request.send().await.unwrap()).await;
                check(&answer, &format!("{method} {url} with {body:?}"));
            }
            if method == Method::GET {
                for query in ODD_QUERIES {
                    let url = format!("{url}{query}");
                    let answer = Answer::read(app.client.get(&url).bearer_auth(&key).send().await.unwrap()).await;
                    check(&answer, &format!("GET {url}"));
                }
            }
        }
    }
}
