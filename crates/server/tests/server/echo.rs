//! `/` and the `echo` step: the path back, quoted as Go quotes it.

use crate::support::{DEADLINE, agent, connect, get, read_head_response, read_response};
use chanlab_common::testing::{no_threads_left, run_step};
use chanlab_server::{Server, echo};
use std::io::Write;

#[test]
fn the_step_shows_each_path_quoted() {
    let t = run_step(echo::run, 1.0);
    let lines = t.lines();
    assert!(lines[0].starts_with("serving on http://127.0.0.1:"), "{t}");
    assert_eq!(lines.len(), 1 + echo::PATHS.len(), "{t}");
    assert!(t.contains(r#"-> URL.Path = "/a b""#), "{t}");
    assert!(t.contains(r#"-> URL.Path = "/café""#), "{t}");
    assert!(t.contains(r#"-> URL.Path = "/tab\tand\"quote\"""#), "{t}");
    assert!(t.contains(r#"-> URL.Path = "/\xff\xfe""#), "{t}");
}

#[test]
fn every_other_path_is_echoed_as_text() {
    no_threads_left(DEADLINE, || {
        let server = Server::bind("127.0.0.1:0").unwrap().spawn().unwrap();
        let agent = agent();
        for (path, want) in [
            ("/", r#""/""#),
            ("/count/extra", r#""/count/extra""#),
            ("/a+b%2Bc", r#""/a+b+c""#),
            ("/%E6%97%A5%E6%9C%AC?q=1", r#""/日本""#),
            ("/%00%07%7f", r#""/\x00\a\x7f""#),
        ] {
            let mut res = agent.get(&server.url(path)).call().unwrap();
            assert_eq!(res.status(), 200, "{path}");
            assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
            let body = res.body_mut().read_to_string().unwrap();
            assert_eq!(body, format!("URL.Path = {want}\n"), "{path}");
        }
        server.shutdown().unwrap();
    });
}

#[test]
fn head_has_the_length_but_no_body_and_other_methods_get_405() {
    no_threads_left(DEADLINE, || {
        let server = Server::bind("127.0.0.1:0").unwrap().spawn().unwrap();
        let mut stream = connect(server.addr());
        stream
            .write_all(b"HEAD /hi HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let res = read_head_response(&mut stream);
        assert_eq!(res.status, 200);
        assert_eq!(res.header("content-length"), Some("17")); // URL.Path = "/hi"\n
        // No body came: the next answer on the connection is the next request's.
        stream
            .write_all(b"GET /next HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        assert_eq!(read_response(&mut stream).body, "URL.Path = \"/next\"\n");
        let mut res = agent().delete(&server.url("/hi")).call().unwrap();
        assert_eq!(res.status(), 405);
        assert_eq!(res.headers()["allow"], "GET, HEAD");
        let body = res.body_mut().read_to_string().unwrap();
        assert_eq!(body, "method DELETE not allowed\n");
        // The HEAD and the GET counted; the refused DELETE did not.
        assert_eq!(get(&agent(), &server.url("/count")).1, "Count 2\n");
        server.shutdown().unwrap();
    });
}
