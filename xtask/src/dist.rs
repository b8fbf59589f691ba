//! The widget bundle: wasm build, JS bindings, size optimisation, content-hashed names,
//! pre-compression, and the size report checked against `widgets/size-budget.json`.

use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, bail};
use serde::Deserialize;

use crate::{cargo, run};

/// Size limits for what a browser downloads on the first visit (loader + glue + wasm).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Budget {
    /// Bytes over the wire with brotli (what current browsers get).
    first_load_brotli_bytes: usize,
    /// Bytes over the wire with gzip (older clients and proxies).
    first_load_gzip_bytes: usize,
}

struct Measured {
    name: String,
    role: &'static str,
    raw: usize,
    gzip: usize,
    brotli: usize,
}

/// Builds `target/widgets/` and fails if it is over budget.
pub(crate) fn build(root: &Path) -> anyhow::Result<()> {
    run(cargo().args([
        "build",
        "--package",
        "baraza-widgets",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
    ]))?;
    let target = root.join("target");
    let compiled = target.join("wasm32-unknown-unknown/wasm-release/baraza_widgets.wasm");
    let bindgen_dir = target.join("wasm-bindgen");
    recreate_dir(&bindgen_dir)?;
    run(Command::new("wasm-bindgen")
        .args([
            "--target",
            "web",
            "--remove-name-section",
            "--remove-producers-section",
            "--out-dir",
        ])
        .arg(&bindgen_dir)
        .arg(&compiled))?;
    let optimised = bindgen_dir.join("baraza_widgets_bg.opt.wasm");
    run(Command::new(root.join("node_modules/.bin/wasm-opt"))
        .arg("-Oz")
        .arg(bindgen_dir.join("baraza_widgets_bg.wasm"))
        .arg("-o")
        .arg(&optimised))?;

    let glue = minify(root, &bindgen_dir.join("baraza_widgets.js"))?;
    let wasm = fs::read(&optimised)?;
    let glue_name = format!("baraza_widgets-{}.js", content_hash(&glue));
    let wasm_name = format!("baraza_widgets_bg-{}.wasm", content_hash(&wasm));
    let loader_path = bindgen_dir.join("baraza.js");
    fs::write(&loader_path, loader(root, &glue_name, &wasm_name)?)?;
    let loader = minify(root, &loader_path)?;

    let out = target.join("widgets");
    recreate_dir(&out)?;
    let mut measured = Vec::new();
    for (name, role, bytes) in [
        ("baraza.js".to_owned(), "loader", loader),
        (glue_name, "JS glue", glue),
        (wasm_name, "wasm", wasm),
    ] {
        let gzip = gzip(&bytes)?;
        let brotli = brotli(&bytes)?;
        fs::write(out.join(&name), &bytes)?;
        fs::write(out.join(format!("{name}.gz")), &gzip)?;
        fs::write(out.join(format!("{name}.br")), &brotli)?;
        measured.push(Measured {
            name,
            role,
            raw: bytes.len(),
            gzip: gzip.len(),
            brotli: brotli.len(),
        });
    }
    report(root, &measured)
}

fn recreate_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))
}

/// The loader with the hashed file names and the stylesheet filled in.
fn loader(root: &Path, glue_name: &str, wasm_name: &str) -> anyhow::Result<String> {
    let template = fs::read_to_string(root.join("widgets/js/baraza.js"))?;
    let styles = fs::read_to_string(root.join("widgets/js/baraza.css"))?;
    if styles.contains('`') || styles.contains("${") || styles.contains('\\') {
        bail!(
            "widgets/js/baraza.css must not contain ` or ${{ or \\: it is embedded in a JS template literal"
        );
    }
    let mut loader = template;
    for (placeholder, value) in [
        ("__BARAZA_GLUE_FILE__", glue_name),
        ("__BARAZA_WASM_FILE__", wasm_name),
        ("__BARAZA_STYLES__", styles.trim()),
    ] {
        if !loader.contains(placeholder) {
            bail!("widgets/js/baraza.js lacks the placeholder {placeholder}");
        }
        loader = loader.replace(placeholder, value);
    }
    Ok(loader)
}

/// The ES module at `path`, minified by terser (npm), which keeps module semantics intact.
fn minify(root: &Path, path: &Path) -> anyhow::Result<Vec<u8>> {
    let minified = path.with_extension("min.js");
    run(Command::new(root.join("node_modules/.bin/terser"))
        .arg(path)
        .args(["--module", "--compress", "--mangle", "--output"])
        .arg(&minified))?;
    fs::read(&minified).with_context(|| format!("reading {}", minified.display()))
}

/// FNV-1a, 64 bits: enough to give each build's files distinct cache-busting names.
fn content_hash(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{hash:016x}")
}

fn gzip(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

fn brotli(bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut compressed = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut compressed, 4096, 11, 22);
        writer.write_all(bytes)?;
    }
    Ok(compressed)
}

fn report(root: &Path, measured: &[Measured]) -> anyhow::Result<()> {
    println!("widget bundle (target/widgets), bytes:");
    println!(
        "  {:<44} {:>9} {:>9} {:>9}",
        "file", "raw", "gzip", "brotli"
    );
    for m in measured {
        println!(
            "  {:<44} {:>9} {:>9} {:>9}",
            format!("{} ({})", m.name, m.role),
            m.raw,
            m.gzip,
            m.brotli
        );
    }
    let total = |f: fn(&Measured) -> usize| measured.iter().map(f).sum::<usize>();
    let (raw, gzip, brotli) = (total(|m| m.raw), total(|m| m.gzip), total(|m| m.brotli));
    println!(
        "  {:<44} {:>9} {:>9} {:>9}",
        "first load total", raw, gzip, brotli
    );

    let budget_path = root.join("widgets/size-budget.json");
    let budget: Budget = serde_json::from_str(&fs::read_to_string(&budget_path)?)
        .with_context(|| format!("reading {}", budget_path.display()))?;
    println!(
        "  budget (widgets/size-budget.json): brotli {brotli} / {} bytes, gzip {gzip} / {} bytes",
        budget.first_load_brotli_bytes, budget.first_load_gzip_bytes
    );
    if brotli > budget.first_load_brotli_bytes || gzip > budget.first_load_gzip_bytes {
        bail!(
            "the widget bundle is over its size budget: shrink it, or raise the budget in a reviewed change"
        );
    }
    Ok(())
}
