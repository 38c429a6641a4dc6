//! Step `lissajous`: gopl's animated Lissajous figure, its frames drawn in parallel, served as a
//! GIF (section 5.9).
//!
//! Two oscillators at right angles trace the figure; each frame shifts the second one's phase a
//! little. Frames do not depend on each other, so threads draw and compress them at the same
//! time; then the `gif` crate writes them out in order.

use crate::http::{Request, Response};
use gif::{Encoder, Frame, Repeat};
use std::f64::consts::PI;
use std::fmt::Display;
use std::ops::RangeInclusive;
use std::str::FromStr;
use std::thread;
#[cfg(feature = "lesson")]
use {
    crate::Server,
    anyhow::Context,
    chanlab_common::{Cx, Exit},
};

/// White, then black: the course's two-color palette, as RGB triples.
const PALETTE: [u8; 6] = [0xff, 0xff, 0xff, 0x00, 0x00, 0x00];
const WHITE: u8 = 0;
const BLACK: u8 = 1;

/// The figure's parameters, each settable in the query: `/lissajous?cycles=7&size=150`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params {
    /// Full turns of the x oscillator.
    pub cycles: u32,
    /// Angular step between plotted points, in radians.
    pub res: f64,
    /// Half the picture's side: it is `2 * size + 1` pixels square.
    pub size: u16,
    /// Frames in the animation.
    pub nframes: u16,
    /// Time between frames, in hundredths of a second.
    pub delay: u16,
}

impl Default for Params {
    /// The course's constants: 5 cycles, resolution 0.001, 201×201 pixels, 64 frames, delay 8.
    fn default() -> Params {
        Params {
            cycles: 5,
            res: 0.001,
            size: 100,
            nframes: 64,
            delay: 8,
        }
    }
}

/// The bounds of [`Params::cycles`]. With the other bounds they keep the largest GIF to about
/// 32 million plotted points and 20 MB of pixels.
pub const CYCLES: RangeInclusive<u32> = 1..=20;
/// The bounds of [`Params::res`].
pub const RES: RangeInclusive<f64> = 0.0005..=1.0;
/// The bounds of [`Params::size`].
pub const SIZE: RangeInclusive<u16> = 8..=200;
/// The bounds of [`Params::nframes`].
pub const NFRAMES: RangeInclusive<u16> = 1..=128;
/// The bounds of [`Params::delay`].
pub const DELAY: RangeInclusive<u16> = 0..=1000;

/// A query parameter that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    /// Not a number of the right kind.
    #[error("{name} must be a {kind} from {min} to {max}, not {value:?}")]
    NotANumber {
        /// The parameter.
        name: &'static str,
        /// "number" or "whole number".
        kind: &'static str,
        /// The lowest value allowed.
        min: String,
        /// The highest value allowed.
        max: String,
        /// What was given.
        value: String,
    },
    /// A number outside the bounds.
    #[error("{name} must be from {min} to {max}, not {value}")]
    OutOfRange {
        /// The parameter.
        name: &'static str,
        /// The lowest value allowed.
        min: String,
        /// The highest value allowed.
        max: String,
        /// What was given.
        value: String,
    },
}

impl Params {
    /// Reads the parameters from a query string; missing ones keep the course's values, unknown
    /// ones are ignored, and the first of repeated ones counts.
    ///
    /// ```
    /// use chanlab_server::lissajous::Params;
    ///
    /// let p = Params::from_query("cycles=7&size=50").unwrap();
    /// assert_eq!((p.cycles, p.size, p.nframes), (7, 50, 64));
    /// let err = Params::from_query("cycles=500").unwrap_err();
    /// assert_eq!(err.to_string(), "cycles must be from 1 to 20, not 500");
    /// ```
    pub fn from_query(query: &str) -> Result<Params, ParamError> {
        let pairs: Vec<_> = form_urlencoded::parse(query.as_bytes()).collect();
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_ref())
        };
        let defaults = Params::default();
        Ok(Params {
            cycles: param("cycles", get("cycles"), CYCLES, defaults.cycles)?,
            res: param("res", get("res"), RES, defaults.res)?,
            size: param("size", get("size"), SIZE, defaults.size)?,
            nframes: param("nframes", get("nframes"), NFRAMES, defaults.nframes)?,
            delay: param("delay", get("delay"), DELAY, defaults.delay)?,
        })
    }

    /// The picture's side in pixels.
    pub fn side(&self) -> u16 {
        2 * self.size + 1
    }
}

/// One parameter: `default` when absent, else a number within `bounds`.
fn param<T>(
    name: &'static str,
    value: Option<&str>,
    bounds: RangeInclusive<T>,
    default: T,
) -> Result<T, ParamError>
where
    T: FromStr + PartialOrd + Display,
{
    let Some(value) = value else {
        return Ok(default);
    };
    let (min, max) = (bounds.start().to_string(), bounds.end().to_string());
    match value.trim().parse::<T>() {
        Ok(v) if bounds.contains(&v) => Ok(v),
        Ok(_) => Err(ParamError::OutOfRange {
            name,
            min,
            max,
            value: value.to_owned(),
        }),
        Err(_) => Err(ParamError::NotANumber {
            name,
            kind: if max.contains('.') || min.contains('.') {
                "number"
            } else {
                "whole number"
            },
            min,
            max,
            value: value.to_owned(),
        }),
    }
}

// ANCHOR: frame
/// Draws frame number `index`: palette indices, `side × side`, row by row. `freq` is the y
/// oscillator's frequency relative to x's.
pub fn frame(params: &Params, freq: f64, index: u16) -> Vec<u8> {
    let size = f64::from(params.size);
    let side = usize::from(params.side());
    let mut pixels = vec![WHITE; side * side];
    let phase = 0.1 * f64::from(index);
    let end = f64::from(params.cycles) * 2.0 * PI;
    let mut t = 0.0;
    while t < end {
        let x = t.sin();
        let y = (t * freq + phase).sin();
        // As in the course: offset from the centre, rounded by truncation toward zero.
        let px = i64::from(params.size) + (x * size + 0.5) as i64;
        let py = i64::from(params.size) + (y * size + 0.5) as i64;
        if let (Ok(px), Ok(py)) = (usize::try_from(px), usize::try_from(py))
            && px < side
            && py < side
        {
            pixels[py * side + px] = BLACK;
        }
        t += params.res;
    }
    pixels
}
// ANCHOR_END: frame

// ANCHOR: gif
/// The whole animation as a GIF: frames drawn and compressed on parallel threads, then written
/// in order.
pub fn gif(params: &Params, freq: f64) -> Result<Vec<u8>, gif::EncodingError> {
    let side = params.side();
    let draw = |index: u16| {
        let mut frame = Frame::from_indexed_pixels(side, side, frame(params, freq, index), None);
        frame.delay = params.delay;
        frame.make_lzw_pre_encoded(); // the costly part of encoding, done here in parallel
        frame
    };
    let workers = thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(usize::from(params.nframes));
    // Worker w draws frames w, w + workers, w + 2 * workers...
    let shares: Vec<Vec<Frame<'static>>> = thread::scope(|s| {
        let draw = &draw;
        let share = move |w: usize| -> Vec<Frame<'static>> {
            (0..params.nframes)
                .skip(w)
                .step_by(workers)
                .map(draw)
                .collect()
        };
        let spawned: Vec<_> = (1..workers)
            .map(|w| {
                thread::Builder::new()
                    .name("lissajous".into())
                    .spawn_scoped(s, move || share(w))
            })
            .collect();
        let mut shares = vec![share(0)];
        for (w, handle) in (1..workers).zip(spawned) {
            // A thread that could not start leaves its share to this one.
            shares.push(match handle {
                Ok(handle) => handle.join().expect("drawing a frame does not panic"),
                Err(_) => share(w),
            });
        }
        shares
    });

    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, side, side, &PALETTE)?;
    encoder.set_repeat(Repeat::Finite(params.nframes))?; // as in the course: LoopCount = nframes
    for index in 0..usize::from(params.nframes) {
        encoder.write_lzw_pre_encoded_frame(&shares[index % workers][index / workers])?;
    }
    encoder.into_inner()?; // writes the trailer
    Ok(out)
}
// ANCHOR_END: gif

/// `/lissajous`: a GIF of a figure with a random frequency ratio, or `400` and the reason.
// ANCHOR: handler
pub fn handler(req: &Request<'_>, res: &mut Response) {
    let params = match Params::from_query(req.query()) {
        Ok(params) => params,
        Err(e) => return res.error(400, e),
    };
    let freq = rand::random_range(0.0..3.0);
    match gif(&params, freq) {
        Ok(bytes) => res.bytes(200, "image/gif", bytes),
        Err(e) => res.error(500, format_args!("encoding the GIF failed: {e}")),
    }
}
// ANCHOR_END: handler

/// Fetches `/lissajous` from a server on a free port and writes the GIF to the temporary
/// directory. Its arguments are query parameters: `lissajous cycles=7 size=150`.
#[cfg(feature = "lesson")]
pub fn run(cx: &Cx) -> anyhow::Result<()> {
    let query = cx.args().join("&");
    let params = Params::from_query(&query).map_err(|e| Exit::usage(e.to_string()))?;
    let server = Server::bind("127.0.0.1:0")?.spawn()?;
    let url = server.url(&format!("/lissajous?{query}"));
    let start = std::time::Instant::now();
    let gif = ureq::get(&url)
        .call()
        .and_then(|mut r| r.body_mut().with_config().limit(64 << 20).read_to_vec())
        .with_context(|| format!("GET {url}"))?;
    let elapsed = start.elapsed();
    server.shutdown()?;
    let path = std::env::temp_dir().join("chanlab-lissajous.gif");
    std::fs::write(&path, &gif).with_context(|| format!("writing {}", path.display()))?;
    cx.say(format!(
        "{} frames of {}x{} drawn on parallel threads and encoded in {:.2}s: {} bytes",
        params.nframes,
        params.side(),
        params.side(),
        elapsed.as_secs_f64(),
        gif.len()
    ));
    cx.say(format!("wrote {}; open it in a browser", path.display()));
    Ok(())
}
