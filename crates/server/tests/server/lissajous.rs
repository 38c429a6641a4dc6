//! `/lissajous` and its step: the GIF decodes to the frames and size asked for; parameters out
//! of bounds are refused with the reason.

use crate::support::{DEADLINE, agent, get};
use chanlab_common::testing::{no_threads_left, run_step, run_step_with_args};
use chanlab_server::Server;
use chanlab_server::lissajous::{self, ParamError, Params};

/// Frames, width, height, and each frame's delay, read back with the `gif` crate's decoder.
fn decode(bytes: &[u8]) -> (usize, u16, u16, Vec<u16>) {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::Indexed);
    let mut decoder = options.read_info(bytes).expect("a GIF");
    let (width, height) = (decoder.width(), decoder.height());
    let mut delays = Vec::new();
    while let Some(frame) = decoder.read_next_frame().expect("a frame") {
        assert_eq!((frame.width, frame.height), (width, height));
        assert!(frame.buffer.iter().all(|&p| p <= 1), "two colors only");
        assert!(frame.buffer.contains(&1), "something is drawn");
        delays.push(frame.delay);
    }
    assert_eq!(
        decoder.global_palette(),
        Some(&[255, 255, 255, 0, 0, 0][..])
    );
    (delays.len(), width, height, delays)
}

fn fetch(server: &chanlab_server::Running, query: &str) -> (u16, Vec<u8>) {
    let mut res = agent()
        .get(&server.url(&format!("/lissajous{query}")))
        .call()
        .unwrap();
    let status = res.status().as_u16();
    if status == 200 {
        assert_eq!(res.headers()["content-type"], "image/gif");
    }
    (
        status,
        res.body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
            .unwrap(),
    )
}

#[test]
fn the_default_gif_is_the_courses() {
    no_threads_left(DEADLINE, || {
        let server = Server::bind("127.0.0.1:0").unwrap().spawn().unwrap();
        let (status, gif) = fetch(&server, "");
        assert_eq!(status, 200);
        let (frames, width, height, delays) = decode(&gif);
        assert_eq!((frames, width, height), (64, 201, 201));
        assert!(delays.iter().all(|&d| d == 8));
        server.shutdown().unwrap();
    });
}

#[test]
fn the_gif_has_the_frames_and_size_asked_for() {
    no_threads_left(DEADLINE, || {
        let server = Server::bind("127.0.0.1:0").unwrap().spawn().unwrap();
        let (status, gif) = fetch(&server, "?cycles=7&res=0.01&size=20&nframes=5&delay=3");
        assert_eq!(status, 200);
        let (frames, width, height, delays) = decode(&gif);
        assert_eq!((frames, width, height, delays), (5, 41, 41, vec![3; 5]));
        let (_, gif) = fetch(&server, "?nframes=1&size=8");
        assert_eq!(decode(&gif).0, 1);
        server.shutdown().unwrap();
    });
}

#[test]
fn bad_parameters_get_400_with_the_reason() {
    no_threads_left(DEADLINE, || {
        let server = Server::bind("127.0.0.1:0").unwrap().spawn().unwrap();
        let agent = agent();
        for (query, reason) in [
            ("cycles=0", "cycles must be from 1 to 20, not 0"),
            (
                "cycles=7.5",
                "cycles must be a whole number from 1 to 20, not \"7.5\"",
            ),
            (
                "res=abc",
                "res must be a number from 0.0005 to 1, not \"abc\"",
            ),
            ("res=NaN", "res must be from 0.0005 to 1, not NaN"),
            ("res=inf", "res must be from 0.0005 to 1, not inf"),
            (
                "size=100000",
                "size must be a whole number from 8 to 200, not \"100000\"",
            ),
            (
                "size=-5",
                "size must be a whole number from 8 to 200, not \"-5\"",
            ),
            ("nframes=129", "nframes must be from 1 to 128, not 129"),
            (
                "delay=",
                "delay must be a whole number from 0 to 1000, not \"\"",
            ),
        ] {
            let (status, body) = get(&agent, &server.url(&format!("/lissajous?{query}")));
            assert_eq!(
                (status, body.as_str()),
                (400, format!("{reason}\n").as_str()),
                "{query}"
            );
        }
        // And it keeps serving.
        assert_eq!(fetch(&server, "?nframes=2").0, 200);
        server.shutdown().unwrap();
    });
}

#[test]
fn frames_are_drawn_inside_the_picture() {
    let params = Params {
        cycles: 3,
        res: 0.01,
        size: 10,
        nframes: 2,
        delay: 1,
    };
    for freq in [0.0, 1.0, 2.999] {
        let pixels = lissajous::frame(&params, freq, 1);
        assert_eq!(pixels.len(), 21 * 21);
        assert!(pixels.contains(&1));
    }
    assert_eq!(
        Params::from_query("cycles=2&cycles=9&unknown=1")
            .unwrap()
            .cycles,
        2,
        "the first value counts; unknown parameters are ignored"
    );
    assert!(matches!(
        Params::from_query("delay=x"),
        Err(ParamError::NotANumber { name: "delay", .. })
    ));
}

#[test]
fn the_step_writes_a_gif_file() {
    let t = run_step_with_args(lissajous::run, 1.0, &["nframes=3", "size=30"]);
    let line = t.find("wrote ").expect("says where").text.clone();
    let path = line["wrote ".len()..].split(';').next().unwrap();
    let (frames, width, _, _) = decode(&std::fs::read(path).unwrap());
    assert_eq!((frames, width), (3, 61), "{t}");
    assert!(t.contains("3 frames of 61x61"), "{t}");
    let t = run_step(lissajous::run, 1.0);
    assert!(t.contains("64 frames of 201x201"), "{t}");
}
