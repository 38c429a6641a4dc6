//! A concurrent HTTP/1.1 server, a thread per connection (course sections 5.6 and 5.9).
//!
//! Go's `net/http` gives each request its own goroutine. Here each connection gets its own
//! thread, which costs far more than a goroutine, so the server caps how many are alive and
//! times out clients that are slow or idle: no client can pin a thread forever. Requests are
//! parsed with `httparse`, queries with `form_urlencoded`; a handler that panics is answered
//! `500` and the server carries on.
//!
//! # Hello, world
//!
//! [`Server::serve`] blocks, as Go's `http.ListenAndServe` does:
//!
//! ```no_run
//! use chanlab_server::{DEFAULT_ADDR, Server};
//!
//! let server = Server::bind(DEFAULT_ADDR)?; // 127.0.0.1:8000
//! println!("serving http://{}/", server.local_addr());
//! server.serve()?; // until a Shutdown handle stops it
//! # Ok::<(), chanlab_server::Error>(())
//! ```
//!
//! # In a program or a test
//!
//! [`Server::spawn`] serves on a background thread and returns a [`Running`] handle. Bind port 0
//! to get any free port; [`Running::shutdown`] (or dropping the handle) stops accepting, lets
//! requests in progress finish, and joins every thread before it returns.
//!
//! ```
//! use chanlab_server::Server;
//!
//! let server = Server::bind("127.0.0.1:0")?.spawn()?;
//! let echo = ureq::get(&server.url("/caf%C3%A9")).call()?.body_mut().read_to_string()?;
//! assert_eq!(echo, "URL.Path = \"/café\"\n"); // Go's %q of the decoded path
//! let slow = ureq::get(&server.url("/sleep?ms=10")).call()?.body_mut().read_to_string()?;
//! assert_eq!(slow, "slept 10 ms\n");
//! let count = ureq::get(&server.url("/count")).call()?.body_mut().read_to_string()?;
//! assert_eq!(count, "Count 1\n"); // only `/` counts
//! server.shutdown()?; // no thread left behind
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Your own handler, your own limits
//!
//! A handler is any `Fn(&Request, &mut Response)` that can be shared between threads; a
//! [`Router`] dispatches on the path. [`Config`] sets the limits and timeouts.
//!
//! ```
//! use chanlab_server::{Config, Request, Response, Router, Server, routes::GET};
//! use std::time::Duration;
//!
//! let hello = |req: &Request, res: &mut Response| {
//!     let name = req.query_value("name").unwrap_or("world".into());
//!     res.text(200, format_args!("hello, {name}\n"));
//! };
//! let config = Config { idle_timeout: Duration::from_secs(5), ..Config::default() };
//! let server = Server::bind_with("127.0.0.1:0", config)?
//!     .handler(Router::new().route("/hello", GET, hello))
//!     .spawn()?;
//! let body = ureq::get(&server.url("/hello?name=gopher")).call()?.body_mut().read_to_string()?;
//! assert_eq!(body, "hello, gopher\n");
//! let missing = ureq::get(&server.url("/nope")).call().unwrap_err();
//! assert!(matches!(missing, ureq::Error::StatusCode(404)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Each step module is one demonstration: run it with `cargo xtask run server <step>`.

pub mod counter;
pub mod echo;
pub mod http;
pub mod lissajous;
pub mod quote;
pub mod routes;
#[cfg(feature = "lesson")]
pub mod serve;

mod connection;
mod printable;
mod server;

pub use http::{Handler, Request, Response};
pub use routes::Router;
pub use server::{
    Config, DEFAULT_ADDR, Error, MAX_CONNECTIONS, Running, Server, Shutdown,
    default_max_connections,
};

#[cfg(feature = "lesson")]
use chanlab_common::{Lesson, Step};

/// The lesson's steps, in teaching order; with no step named, `serve` runs.
#[cfg(feature = "lesson")]
pub const LESSON: Lesson = Lesson {
    name: "server",
    summary: "a concurrent HTTP server: echo, a mutex counter, Lissajous GIFs",
    default: Some("serve"),
    steps: &[
        Step::new(
            "echo",
            "5.6",
            "the path back, quoted exactly as Go's %q",
            echo::run,
        ),
        Step::new(
            "counter",
            "5.6",
            "a thousand concurrent requests, counted exactly behind a mutex",
            counter::run,
        )
        .takes("[THREADS REQUESTS]"),
        Step::new(
            "lissajous",
            "5.9",
            "an animated GIF, frames drawn in parallel, written to a file",
            lissajous::run,
        )
        .takes("[cycles=N] [res=F] [size=N] [nframes=N] [delay=N]"),
        Step::new(
            "serve",
            "5.9",
            "the course's main: serve on 127.0.0.1:8000 until Ctrl-C",
            serve::run,
        )
        .endless()
        .takes("[--addr HOST:PORT]"),
    ],
};
