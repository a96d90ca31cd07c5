//! The shared look of every figure: embedded font, colour-blind-safe
//! palette, sizes, and rendering one figure to PNG and SVG.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::engine::interrupt::RemoveOnExit;
use crate::error::Error;

/// Figure size in pixels (PNG) and user units (SVG).
pub const SIZE: (u32, u32) = (1200, 800);

/// The font family name the embedded DejaVu Sans is registered under.
pub const FONT: &str = "DejaVu Sans";

static FONTS: Once = Once::new();

/// Registers the embedded fonts (once per process): no system font library is used.
pub fn register_fonts() {
    FONTS.call_once(|| {
        let regular: &'static [u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
        let bold: &'static [u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
        plotters::style::register_font(FONT, FontStyle::Normal, regular)
            .map_err(|_| ())
            .expect("the embedded regular font is a valid TrueType file");
        plotters::style::register_font(FONT, FontStyle::Bold, bold)
            .map_err(|_| ())
            .expect("the embedded bold font is a valid TrueType file");
    });
}

/// Okabe & Ito (2008) colour-blind-safe palette, without black.
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(230, 159, 0),   // orange
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(240, 228, 66),  // yellow
];

/// Colour of series `i`.
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Colours of the outcomes: agreement, unilateral, status quo.
pub const OUTCOME_COLOURS: [RGBColor; 3] = [
    RGBColor(0, 158, 115),
    RGBColor(213, 94, 0),
    RGBColor(86, 180, 233),
];

pub const INK: RGBColor = RGBColor(40, 40, 40);
pub const GRID: RGBColor = RGBColor(225, 225, 225);

pub fn title_style() -> TextStyle<'static> {
    (FONT, 34).into_font().style(FontStyle::Bold).color(&INK)
}

pub fn label_style() -> TextStyle<'static> {
    (FONT, 24).into_font().color(&INK)
}

pub fn tick_style() -> TextStyle<'static> {
    (FONT, 19).into_font().color(&INK)
}

pub fn note_style() -> TextStyle<'static> {
    (FONT, 17).into_font().color(&RGBColor(90, 90, 90))
}

/// Text centred at a point.
pub fn centred(style: TextStyle<'static>) -> TextStyle<'static> {
    style.pos(Pos::new(HPos::Center, VPos::Center))
}

/// A legend beside the plot, at its right: a swatch and a name per entry,
/// top to bottom (for figures whose plot leaves 300 pixels on the right).
pub fn side_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    entries: &[(String, RGBColor)],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let x = SIZE.0 as i32 - 290;
    for (k, (name, c)) in entries.iter().enumerate() {
        let y = 120 + 40 * k as i32;
        root.draw(&Rectangle::new([(x, y - 12), (x + 24, y + 12)], c.filled()))?;
        root.draw(&Text::new(
            name.clone(),
            (x + 33, y),
            tick_style().pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    Ok(())
}

/// The result of drawing a figure.
pub type Drawn = Result<(), Box<dyn std::error::Error>>;

/// A figure that can be drawn on any plotters backend.
pub trait Figure {
    /// File name without extension, saying what the figure shows.
    fn stem(&self) -> String;
    /// One-line caption for the index.
    fn caption(&self) -> String;
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static;
}

/// A figure with a note in its bottom-right corner (an incomplete study).
pub struct Stamped<'a, F> {
    pub figure: &'a F,
    pub note: &'a str,
}

impl<F: Figure> Figure for Stamped<'_, F> {
    fn stem(&self) -> String {
        self.figure.stem()
    }
    fn caption(&self) -> String {
        self.figure.caption()
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        self.figure.draw(root)?;
        let (width, height) = root.dim_in_pixel();
        let style = (FONT, 20)
            .into_font()
            .style(FontStyle::Bold)
            .color(&RGBColor(190, 30, 30))
            .pos(Pos::new(HPos::Right, VPos::Bottom));
        root.draw_text(self.note, &style, (width as i32 - 12, height as i32 - 8))?;
        Ok(())
    }
}

/// Which files to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Svg,
    Both,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        match s {
            "png" => Ok(Format::Png),
            "svg" => Ok(Format::Svg),
            "both" => Ok(Format::Both),
            _ => Err(format!("`{s}` is not a format: use png, svg or both")),
        }
    }
}

/// Renders a figure into `dir` and returns the file names written.
///
/// Each image is drawn in memory and written with [`write_atomically`], so a
/// figure file is either whole or absent, never cut short by a full disk or
/// an interruption.
pub fn render(figure: &impl Figure, dir: &Path, format: Format) -> Result<Vec<String>, Error> {
    register_fonts();
    let stem = figure.stem();
    let mut files = Vec::new();
    let failed = |path: &Path, e: Box<dyn std::error::Error>| {
        Error::Plot(format!("{}: {e}", path.display()))
    };
    if matches!(format, Format::Png | Format::Both) {
        let path = dir.join(format!("{stem}.png"));
        let (width, height) = SIZE;
        let mut pixels = vec![0; width as usize * height as usize * 3];
        {
            let root = BitMapBackend::with_buffer(&mut pixels, SIZE).into_drawing_area();
            root.fill(&WHITE).map_err(|e| failed(&path, e.into()))?;
            figure.draw(&root).map_err(|e| failed(&path, e))?;
            root.present().map_err(|e| failed(&path, e.into()))?;
        }
        write_atomically(&path, &encode_png(&pixels, SIZE))?;
        files.push(format!("{stem}.png"));
    }
    if matches!(format, Format::Svg | Format::Both) {
        let path = dir.join(format!("{stem}.svg"));
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
            root.fill(&WHITE).map_err(|e| failed(&path, e.into()))?;
            figure.draw(&root).map_err(|e| failed(&path, e))?;
            root.present().map_err(|e| failed(&path, e.into()))?;
        }
        write_atomically(&path, svg.as_bytes())?;
        files.push(format!("{stem}.svg"));
    }
    Ok(files)
}

/// PNG bytes of an RGB image, encoded as plotters' own file output encodes
/// them (the `image` crate's defaults: fast compression, adaptive filter), so
/// figures are byte-identical to those drawn straight to a file.
fn encode_png(pixels: &[u8], (width, height): (u32, u32)) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(png::FilterType::Sub);
    encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
    let mut writer = encoder
        .write_header()
        .expect("writing to memory cannot fail");
    writer
        .write_image_data(pixels)
        .expect("the buffer holds exactly width x height RGB pixels");
    writer.finish().expect("writing to memory cannot fail");
    bytes
}

/// Writes `bytes` to a hidden temporary file beside `path` and renames it into
/// place, so `path` is never seen half-written; on failure the temporary file
/// is removed and the error names `path`.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let name = path
        .file_name()
        .map_or_else(|| "figure".into(), |n| n.to_string_lossy());
    let temporary = path.with_file_name(format!(".{name}.partial-{}", std::process::id()));
    let _on_exit = RemoveOnExit::register(&temporary);
    let written = fs::File::create(&temporary)
        .and_then(|mut file| file.write_all(bytes))
        .and_then(|()| fs::rename(&temporary, path));
    written.map_err(|e| {
        let _ = fs::remove_file(&temporary);
        Error::io(path, e)
    })
}

pub use crate::data::row::slug;

/// The label of category `x` (an integer position) on a category axis.
pub fn category_label(labels: &[String], x: f64) -> String {
    let i = x.round();
    if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < labels.len() {
        labels[i as usize].clone()
    } else {
        String::new()
    }
}

/// Viridis colour map (van der Walt & Smith), a perceptually uniform,
/// colour-blind-safe scale, at `t` in [0, 1].
pub fn viridis(t: f64) -> RGBColor {
    const STOPS: [(f64, (u8, u8, u8)); 9] = [
        (0.0, (68, 1, 84)),
        (0.125, (71, 44, 122)),
        (0.25, (59, 81, 139)),
        (0.375, (44, 113, 142)),
        (0.5, (33, 144, 141)),
        (0.625, (39, 173, 129)),
        (0.75, (92, 200, 99)),
        (0.875, (170, 220, 50)),
        (1.0, (253, 231, 37)),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let k = STOPS
        .iter()
        .position(|s| s.0 >= t)
        .unwrap_or(STOPS.len() - 1)
        .max(1);
    let (t0, c0) = STOPS[k - 1];
    let (t1, c1) = STOPS[k];
    let f = (t - t0) / (t1 - t0);
    let mix = |a: u8, b: u8| (f64::from(a) + f * (f64::from(b) - f64::from(a))).round() as u8;
    RGBColor(mix(c0.0, c1.0), mix(c0.1, c1.1), mix(c0.2, c1.2))
}
