//! docs/protocol.md and the server agree: every documented endpoint answers (never 404).

use hoso_tests::Server;

#[test]
fn every_endpoint_in_the_protocol_document_answers() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protocol.md"))
        .unwrap();
    let endpoints: Vec<(String, String)> = doc
        .lines()
        .filter_map(|line| line.strip_prefix("### `"))
        .filter_map(|rest| rest.split('`').next())
        .filter_map(|sig| {
            sig.split_once(' ')
                .map(|(m, p)| (m.to_string(), p.split('?').next().unwrap_or(p).to_string()))
        })
        .collect();
    assert_eq!(endpoints.len(), 14, "{endpoints:?}");
    let server = Server::start();
    let client = reqwest::blocking::Client::new();
    for (method, path) in endpoints {
        let url = format!("{}{path}", server.url);
        let response = match method.as_str() {
            "GET" => client.get(&url).send().unwrap(),
            "POST" => client.post(&url).body("{}").send().unwrap(),
            "PUT" => client.put(&url).body("chunk").send().unwrap(),
            other => panic!("unknown method {other}"),
        };
        assert_ne!(
            response.status(),
            404,
            "{method} {path} is documented but does not exist"
        );
        if !response.status().is_success() {
            let error: serde_json::Value = response.json().unwrap();
            assert!(
                error["message"]["vi"].is_string(),
                "{method} {path}: errors carry a Vietnamese message"
            );
        }
    }
    let missing = client
        .get(format!("{}/v1/nowhere", server.url))
        .send()
        .unwrap();
    assert_eq!(missing.status(), 404);
}
