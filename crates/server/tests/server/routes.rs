//! `/debug`, `/sleep`, and routing: `404` for paths nobody serves, `405` with `Allow`.

use crate::support::{DEADLINE, agent, get};
use chanlab_common::testing::no_threads_left;
use chanlab_server::routes::{GET, MAX_SLEEP_MS};
use chanlab_server::{Request, Response, Router, Server};
use std::time::{Duration, Instant};

#[test]
fn debug_shows_the_request_as_gopl_server3_does() {
    no_threads_left(DEADLINE, || {
        let server = Server::bind("127.0.0.1:0").unwrap().spawn().unwrap();
        let mut res = agent()
            .post(&server.url("/debug?b=2&a=1&a=%C3%A9"))
            .header("x-custom", "one")
            .header("X-Custom", "two \"quoted\"")
            .content_type("application/x-www-form-urlencoded")
            .send("a=body&c=3")
            .unwrap();
        assert_eq!(res.status(), 200);
        let body = res.body_mut().read_to_string().unwrap();
        let lines: Vec<&str> = body.lines().collect();
        assert_eq!(lines[0], "POST /debug?b=2&a=1&a=%C3%A9 HTTP/1.1");
        assert!(
            lines.contains(&r#"Header["X-Custom"] = ["one" "two \"quoted\""]"#),
            "{body}"
        );
        assert!(
            lines.contains(&r#"Header["Content-Type"] = ["application/x-www-form-urlencoded"]"#),
            "{body}"
        );
        assert!(
            lines.contains(&format!("Host = \"{}\"", server.addr()).as_str()),
            "{body}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("RemoteAddr = \"127.0.0.1:")),
            "{body}"
        );
        // Body values first, then the query's, as Go's r.Form; keys sorted.
        let form: Vec<&str> = lines
            .iter()
            .copied()
            .filter(|l| l.starts_with("Form"))
            .collect();
        assert_eq!(
            form,
            [
                r#"Form["a"] = ["body" "1" "é"]"#,
                r#"Form["b"] = ["2"]"#,
                r#"Form["c"] = ["3"]"#
            ]
        );
        assert!(!body.contains("Header[\"Host\"]"), "Host has its own line");
        server.shutdown().unwrap();
    });
}

#[test]
fn sleep_answers_after_the_time_asked_and_refuses_bad_times() {
    no_threads_left(DEADLINE, || {
        let server = Server::bind("127.0.0.1:0").unwrap().spawn().unwrap();
        let agent = agent();
        let start = Instant::now();
        assert_eq!(
            get(&agent, &server.url("/sleep?ms=150")),
            (200, "slept 150 ms\n".into())
        );
        assert!(start.elapsed() >= Duration::from_millis(150));
        assert_eq!(get(&agent, &server.url("/sleep?ms=0")).0, 200);
        let over = format!("/sleep?ms={}", MAX_SLEEP_MS + 1);
        for (path, reason) in [
            ("/sleep", "missing ms: use /sleep?ms=N, N from 0 to 10000\n"),
            (
                over.as_str(),
                "ms must be a whole number from 0 to 10000, not \"10001\"\n",
            ),
            (
                "/sleep?ms=-1",
                "ms must be a whole number from 0 to 10000, not \"-1\"\n",
            ),
            (
                "/sleep?ms=soon",
                "ms must be a whole number from 0 to 10000, not \"soon\"\n",
            ),
        ] {
            assert_eq!(
                get(&agent, &server.url(path)),
                (400, reason.into()),
                "{path}"
            );
        }
        server.shutdown().unwrap();
    });
}

#[test]
fn a_router_without_fallback_answers_404_and_405() {
    no_threads_left(DEADLINE, || {
        let only = |_: &Request, res: &mut Response| res.text(200, "only\n");
        let router = Router::new().route("/only", GET, only);
        let server = Server::bind("127.0.0.1:0")
            .unwrap()
            .handler(router)
            .spawn()
            .unwrap();
        let agent = agent();
        assert_eq!(get(&agent, &server.url("/only?x")), (200, "only\n".into()));
        assert_eq!(
            get(&agent, &server.url("/other")),
            (404, "404 page not found\n".into())
        );
        assert_eq!(
            get(&agent, &server.url("/only/")).0,
            404,
            "paths match exactly"
        );
        let res = agent.put(&server.url("/only")).send("x").unwrap();
        assert_eq!(res.status(), 405);
        assert_eq!(res.headers()["allow"], "GET, HEAD");
        server.shutdown().unwrap();
    });
}
