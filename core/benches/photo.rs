//! The photo pipeline's speed target: a 12 MP camera JPEG to a 1600 px JPEG and its 320 px thumbnail in
//! ≤ 150 ms, ≤ 300 KB in all. Compares, in one run and interleaved, `hoso_core::photo::prepare` with the
//! plain `image`-crate path, with the pipeline minus each of its choices (DCT-scaled decoding,
//! `fast_image_resize`, `jpeg-encoder`) and with the alternatives it did not keep (optimal Huffman
//! tables, progressive), so each choice shows what it earns. Also a 48 MP camera JPEG, and an RGBA PNG
//! just under the decoder limit (the memory bound's worst case).
//! Prints one JSON line per path: `cargo bench -p hoso-core --bench photo`. Time: wall-clock p50, and
//! the mean CPU time of the process (all threads, /proc/self/stat, 10 ms ticks), which holds up when
//! other builds share the cores. Peak memory is counted by a global allocator that tracks the bytes
//! live on the heap (every decoder, resizer and encoder here is Rust, so this sees all of it): the
//! highest count during one call, less what was live before it.
//! Under `cargo test` (no `--bench` argument) each path runs once on a small photo, as a smoke test.

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use hoso_core::photo::{PhotoOptions, prepare};
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType as ImageFilter;
use image::{DynamicImage, ImageEncoder, RgbImage};
use serde_json::json;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

struct CountingAllocator;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            grew(layout.size());
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// The demo photo-like scene (`hoso_model::demo::photo_scene`, variant 0: the scene these numbers were
/// first measured on).
fn photo_like(width: u32, height: u32) -> RgbImage {
    RgbImage::from_raw(
        width,
        height,
        hoso_model::demo::photo_scene(width, height, 0),
    )
    .expect("the scene has width × height pixels")
}

fn camera_jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, 92)
        .encode_image(&photo_like(width, height))
        .expect("encode the camera JPEG");
    bytes
}

struct Output {
    full: usize,
    thumbnail: usize,
    full_size: (u32, u32),
}

type Path = fn(&[u8], &PhotoOptions) -> Output;

fn fit((width, height): (u32, u32), long_edge: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= long_edge {
        return (width, height);
    }
    let scale = |side: u32| {
        ((u64::from(side) * u64::from(long_edge) + u64::from(long) / 2) / u64::from(long)) as u32
    };
    (scale(width), scale(height))
}

fn pipeline(bytes: &[u8], options: &PhotoOptions) -> Output {
    let photo = prepare(bytes, options).expect("prepare");
    Output {
        full: photo.full.bytes.len(),
        thumbnail: photo.thumbnail.bytes.len(),
        full_size: (photo.full.width, photo.full.height),
    }
}

fn full_decode(bytes: &[u8]) -> RgbImage {
    image::load_from_memory(bytes).expect("decode").into_rgb8()
}

fn scaled_decode(bytes: &[u8], long_edge: u32) -> RgbImage {
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.read_info().expect("read the header");
    let info = decoder.info().expect("header read");
    let (width, height) = fit((u32::from(info.width), u32::from(info.height)), long_edge);
    let (width, height) = decoder.scale(width as u16, height as u16).expect("scale");
    let pixels = decoder.decode().expect("decode");
    RgbImage::from_raw(u32::from(width), u32::from(height), pixels).expect("RGB")
}

fn image_resize(image: &RgbImage, long_edge: u32, filter: ImageFilter) -> RgbImage {
    let (width, height) = fit(image.dimensions(), long_edge);
    image::imageops::resize(image, width, height, filter)
}

fn fir_resize(image: &RgbImage, long_edge: u32) -> RgbImage {
    let (width, height) = fit(image.dimensions(), long_edge);
    let source = ImageRef::new(
        image.width(),
        image.height(),
        image.as_raw(),
        PixelType::U8x3,
    )
    .expect("source view");
    let mut target = Image::new(width, height, PixelType::U8x3);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new()
        .resize(&source, &mut target, &options)
        .expect("resize");
    RgbImage::from_raw(width, height, target.into_vec()).expect("RGB")
}

fn image_encode(image: &RgbImage, quality: u8) -> Vec<u8> {
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, quality)
        .encode_image(&DynamicImage::ImageRgb8(image.clone()))
        .expect("encode");
    bytes
}

fn fast_encode(image: &RgbImage, quality: u8, optimized_huffman: bool) -> Vec<u8> {
    fast_encode_with(image, quality, optimized_huffman, false)
}

fn fast_encode_with(
    image: &RgbImage,
    quality: u8,
    optimized_huffman: bool,
    progressive: bool,
) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut bytes, quality);
    encoder.set_optimized_huffman_tables(optimized_huffman);
    encoder.set_progressive(progressive);
    encoder.set_chroma_subsampling_method(jpeg_encoder::ChromaSubsamplingMethod::Average);
    encoder
        .encode(
            image.as_raw(),
            image.width() as u16,
            image.height() as u16,
            jpeg_encoder::ColorType::Rgb,
        )
        .expect("encode");
    bytes
}

fn finish(
    full: RgbImage,
    options: &PhotoOptions,
    resize: impl Fn(&RgbImage, u32) -> RgbImage,
    encode: impl Fn(&RgbImage, u8) -> Vec<u8>,
) -> Output {
    let thumbnail = resize(&full, options.thumbnail_long_edge);
    Output {
        full: encode(&full, options.quality).len(),
        thumbnail: encode(&thumbnail, options.thumbnail_quality).len(),
        full_size: full.dimensions(),
    }
}

fn image_crate(bytes: &[u8], options: &PhotoOptions, filter: ImageFilter) -> Output {
    let decoded = full_decode(bytes);
    let full = image_resize(&decoded, options.long_edge, filter);
    drop(decoded);
    finish(
        full,
        options,
        |i, e| image_resize(i, e, filter),
        image_encode,
    )
}

fn image_lanczos3(bytes: &[u8], options: &PhotoOptions) -> Output {
    image_crate(bytes, options, ImageFilter::Lanczos3)
}

fn image_triangle(bytes: &[u8], options: &PhotoOptions) -> Output {
    image_crate(bytes, options, ImageFilter::Triangle)
}

fn without_scaled_decode(bytes: &[u8], options: &PhotoOptions) -> Output {
    let full = fir_resize(&full_decode(bytes), options.long_edge);
    finish(full, options, fir_resize, |i, q| fast_encode(i, q, false))
}

fn without_fast_resize(bytes: &[u8], options: &PhotoOptions) -> Output {
    let resize = |i: &RgbImage, e| image_resize(i, e, ImageFilter::Lanczos3);
    let full = resize(&scaled_decode(bytes, options.long_edge), options.long_edge);
    finish(full, options, resize, |i, q| fast_encode(i, q, false))
}

fn without_jpeg_encoder(bytes: &[u8], options: &PhotoOptions) -> Output {
    let full = fir_resize(&scaled_decode(bytes, options.long_edge), options.long_edge);
    finish(full, options, fir_resize, image_encode)
}

fn with_optimized_huffman(bytes: &[u8], options: &PhotoOptions) -> Output {
    let full = fir_resize(&scaled_decode(bytes, options.long_edge), options.long_edge);
    finish(full, options, fir_resize, |i, q| fast_encode(i, q, true))
}

fn with_progressive(bytes: &[u8], options: &PhotoOptions) -> Output {
    let full = fir_resize(&scaled_decode(bytes, options.long_edge), options.long_edge);
    finish(full, options, fir_resize, |i, q| {
        fast_encode_with(i, q, true, true)
    })
}

const PATHS: [(&str, Path); 8] = [
    ("pipeline", pipeline),
    ("image_crate_lanczos3", image_lanczos3),
    ("image_crate_triangle", image_triangle),
    ("pipeline_without_scaled_decode", without_scaled_decode),
    ("pipeline_without_fast_image_resize", without_fast_resize),
    ("pipeline_without_jpeg_encoder", without_jpeg_encoder),
    ("pipeline_with_optimized_huffman", with_optimized_huffman),
    ("pipeline_with_progressive", with_progressive),
];

struct Samples {
    millis: Vec<f64>,
    cpu_ticks: u64,
    peak_bytes: usize,
    output: Output,
}

/// CPU time of the whole process (all threads, user + system) in clock ticks of 10 ms, from
/// /proc/self/stat: what a call costs when other work shares the cores, as it often does on this VM.
fn cpu_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let field = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    field(11) + field(12)
}

struct Run {
    millis: f64,
    cpu_ticks: u64,
    peak_bytes: usize,
    output: Output,
}

fn run(path: Path, input: &[u8], options: &PhotoOptions) -> Run {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let cpu_before = cpu_ticks();
    let start = Instant::now();
    let output = path(input, options);
    let millis = start.elapsed().as_secs_f64() * 1000.0;
    Run {
        millis,
        cpu_ticks: cpu_ticks() - cpu_before,
        peak_bytes: PEAK.load(Ordering::Relaxed) - before,
        output,
    }
}

/// Runs `paths` on one camera JPEG, interleaved round by round so that this machine's speed drift
/// falls on every path alike, and prints a JSON line per path. `target` is (ms, bytes), if any.
fn compare(
    bench: &str,
    input: &[u8],
    (width, height): (u32, u32),
    rounds: usize,
    paths: &[(&str, Path)],
    target: Option<(f64, usize)>,
) {
    let options = PhotoOptions::default();
    let mut samples: Vec<Samples> = paths
        .iter()
        .map(|(_, path)| {
            let first = run(*path, input, &options);
            Samples {
                millis: Vec::new(),
                cpu_ticks: 0,
                peak_bytes: first.peak_bytes,
                output: first.output,
            }
        })
        .collect();
    for _ in 0..rounds {
        for ((_, path), sample) in paths.iter().zip(&mut samples) {
            let measured = run(*path, input, &options);
            sample.millis.push(measured.millis);
            sample.cpu_ticks += measured.cpu_ticks;
            sample.peak_bytes = sample.peak_bytes.max(measured.peak_bytes);
        }
    }
    for ((name, _), sample) in paths.iter().zip(&mut samples) {
        sample.millis.sort_by(f64::total_cmp);
        let p50 = sample.millis[sample.millis.len() / 2];
        let total_bytes = sample.output.full + sample.output.thumbnail;
        let round = |value: f64| (value * 10.0).round() / 10.0;
        let met = target.map(|(ms, bytes)| p50 <= ms && total_bytes <= bytes);
        println!(
            "{}",
            json!({
                "bench": bench, "path": name,
                "p50_ms": round(p50), "min_ms": round(sample.millis[0]), "rounds": sample.millis.len(),
                "cpu_ms_mean": round(sample.cpu_ticks as f64 * 10.0 / sample.millis.len() as f64),
                "full_bytes": sample.output.full, "thumbnail_bytes": sample.output.thumbnail,
                "total_bytes": total_bytes, "full_size": [sample.output.full_size.0, sample.output.full_size.1],
                "peak_heap_mib": round(sample.peak_bytes as f64 / 1_048_576.0),
                "input": {"width": width, "height": height, "bytes": input.len()},
                "target": target.map(|(ms, bytes)| json!({"ms": ms, "bytes": bytes})), "met": met,
            })
        );
    }
}

/// An opaque RGBA PNG: the largest kind of input the `image`-crate path decodes.
fn rgba_png(width: u32, height: u32) -> Vec<u8> {
    let rgba = DynamicImage::ImageRgb8(photo_like(width, height)).into_rgba8();
    let mut bytes = Vec::new();
    image::codecs::png::PngEncoder::new(&mut bytes)
        .write_image(
            rgba.as_raw(),
            width,
            height,
            image::ExtendedColorType::Rgba8,
        )
        .expect("encode the PNG");
    bytes
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let (twelve_mp, forty_eight_mp, png_at_limit, rounds) = if measuring {
        ((4000, 3000), (8000, 6000), (5600, 5600), 9)
    } else {
        ((800, 600), (1000, 750), (300, 300), 1)
    };
    let input = camera_jpeg(twelve_mp.0, twelve_mp.1);
    compare(
        "photo_12mp_to_1600",
        &input,
        twelve_mp,
        rounds,
        &PATHS,
        Some((150.0, 300_000)),
    );
    // A 48-50 MP sensor mode: what the reduced decode saves in memory.
    let input = camera_jpeg(forty_eight_mp.0, forty_eight_mp.1);
    let large = [PATHS[0], PATHS[2], PATHS[3]];
    compare(
        "photo_48mp_to_1600",
        &input,
        forty_eight_mp,
        rounds.div_ceil(3),
        &large,
        None,
    );
    // The memory bound's worst case: an RGBA PNG just under `limits::MAX_DECODED_BYTES`.
    let input = rgba_png(png_at_limit.0, png_at_limit.1);
    compare(
        "photo_rgba_png_at_limit",
        &input,
        png_at_limit,
        1,
        &[PATHS[0], PATHS[2]],
        None,
    );
}
