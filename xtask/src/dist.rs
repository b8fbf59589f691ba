//! The widget bundle: wasm build, JS bindings, size optimisation, content-hashed names,
//! pre-compression, and the size report checked against `widgets/size-budget.json`. One wasm
//! module per widget kind; the budget applies to each kind's first load.

use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, bail};
use serde::Deserialize;

use crate::{cargo, run};

/// Size limits for what a browser downloads on the first visit (loader + glue + wasm).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct Limits {
    /// Bytes over the wire with brotli (what current browsers get).
    first_load_brotli_bytes: usize,
    /// Bytes over the wire with gzip (older clients and proxies).
    first_load_gzip_bytes: usize,
}

/// `widgets/size-budget.json`: one budget per widget kind, so a kind that grows cannot hide
/// behind another's headroom.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Budget {
    /// The limits of each kind, by kind name (`poll`, `feedback`, …).
    kinds: std::collections::BTreeMap<String, Limits>,
}

#[derive(Clone)]
struct Measured {
    name: String,
    role: &'static str,
    raw: usize,
    gzip: usize,
    brotli: usize,
}

/// The widget kinds: each is a cargo feature of `baraza-widgets` and becomes its own wasm
/// module, so a page downloads only the kinds it embeds.
const KINDS: [&str; 3] = ["poll", "feedback", "consultation"];

/// One kind's built files: (name, role, bytes) of its JS glue and its wasm.
struct Module {
    kind: &'static str,
    glue: (String, Vec<u8>),
    wasm: (String, Vec<u8>),
}

/// Builds one kind's wasm module: cargo with only that kind's feature, wasm-bindgen, wasm-opt,
/// minified glue, content-hashed names.
fn build_module(root: &Path, kind: &'static str) -> anyhow::Result<Module> {
    run(cargo().args([
        "build",
        "--package",
        "baraza-widgets",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
        "--no-default-features",
        "--features",
        kind,
    ]))?;
    let target = root.join("target");
    let compiled = target.join("wasm32-unknown-unknown/wasm-release/baraza_widgets.wasm");
    let bindgen_dir = target.join("wasm-bindgen");
    let out_name = format!("baraza_{kind}");
    run(Command::new("wasm-bindgen")
        .args([
            "--target",
            "web",
            "--remove-name-section",
            "--remove-producers-section",
            "--out-name",
            &out_name,
            "--out-dir",
        ])
        .arg(&bindgen_dir)
        .arg(&compiled))?;
    let optimised = bindgen_dir.join(format!("{out_name}_bg.opt.wasm"));
    run(Command::new(root.join("node_modules/.bin/wasm-opt"))
        .arg("-Oz")
        .arg(bindgen_dir.join(format!("{out_name}_bg.wasm")))
        .arg("-o")
        .arg(&optimised))?;
    let glue = minify(root, &bindgen_dir.join(format!("{out_name}.js")))?;
    let wasm = fs::read(&optimised)?;
    Ok(Module {
        kind,
        glue: (format!("{out_name}-{}.js", content_hash(&glue)), glue),
        wasm: (format!("{out_name}_bg-{}.wasm", content_hash(&wasm)), wasm),
    })
}

/// Builds `target/widgets/` and fails if any kind's first load is over budget.
pub(crate) fn build(root: &Path) -> anyhow::Result<()> {
    let target = root.join("target");
    let bindgen_dir = target.join("wasm-bindgen");
    recreate_dir(&bindgen_dir)?;
    let modules = KINDS
        .iter()
        .map(|kind| build_module(root, kind))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let loader_path = bindgen_dir.join("baraza.js");
    fs::write(&loader_path, loader(root, &modules)?)?;
    let loader = minify(root, &loader_path)?;

    let out = target.join("widgets");
    recreate_dir(&out)?;
    let loader = write_compressed(&out, "baraza.js".to_owned(), "loader", loader)?;
    let mut first_loads = Vec::new();
    for module in modules {
        let glue = write_compressed(&out, module.glue.0, "JS glue", module.glue.1)?;
        let wasm = write_compressed(&out, module.wasm.0, "wasm", module.wasm.1)?;
        first_loads.push((module.kind, [loader.clone(), glue, wasm]));
    }
    report(root, &first_loads)
}

/// Writes `bytes` and its `.gz` and `.br` copies to `out`, and measures them.
fn write_compressed(
    out: &Path,
    name: String,
    role: &'static str,
    bytes: Vec<u8>,
) -> anyhow::Result<Measured> {
    let gzip = gzip(&bytes)?;
    let brotli = brotli(&bytes)?;
    fs::write(out.join(&name), &bytes)?;
    fs::write(out.join(format!("{name}.gz")), &gzip)?;
    fs::write(out.join(format!("{name}.br")), &brotli)?;
    Ok(Measured {
        name,
        role,
        raw: bytes.len(),
        gzip: gzip.len(),
        brotli: brotli.len(),
    })
}

fn recreate_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))
}

/// The loader with every module's hashed file names and the stylesheet filled in.
fn loader(root: &Path, modules: &[Module]) -> anyhow::Result<String> {
    let template = fs::read_to_string(root.join("widgets/js/baraza.js"))?;
    let styles = fs::read_to_string(root.join("widgets/js/baraza.css"))?;
    if styles.contains('`') || styles.contains("${") || styles.contains('\\') {
        bail!(
            "widgets/js/baraza.css must not contain ` or ${{ or \\: it is embedded in a JS template literal"
        );
    }
    let files: serde_json::Map<String, serde_json::Value> = modules
        .iter()
        .map(|m| {
            (
                m.kind.to_owned(),
                serde_json::json!({"glue": m.glue.0, "wasm": m.wasm.0}),
            )
        })
        .collect();
    let files = serde_json::Value::Object(files).to_string();
    let mut loader = template;
    for (placeholder, value) in [
        ("__BARAZA_MODULES__", files.as_str()),
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

/// Prints each kind's first load (loader + its glue + its wasm) and fails if any is over budget.
fn report(root: &Path, first_loads: &[(&str, [Measured; 3])]) -> anyhow::Result<()> {
    let budget_path = root.join("widgets/size-budget.json");
    let budget: Budget = serde_json::from_str(&fs::read_to_string(&budget_path)?)
        .with_context(|| format!("reading {}", budget_path.display()))?;
    println!("widget bundle (target/widgets), bytes, first load per widget kind:");
    let mut over = Vec::new();
    for (kind, measured) in first_loads {
        println!(
            "  {:<44} {:>9} {:>9} {:>9}",
            format!("<baraza-{kind}>"),
            "raw",
            "gzip",
            "brotli"
        );
        for m in measured {
            println!(
                "    {:<42} {:>9} {:>9} {:>9}",
                format!("{} ({})", m.name, m.role),
                m.raw,
                m.gzip,
                m.brotli
            );
        }
        let total = |f: fn(&Measured) -> usize| measured.iter().map(f).sum::<usize>();
        let (raw, gzip, brotli) = (total(|m| m.raw), total(|m| m.gzip), total(|m| m.brotli));
        println!(
            "    {:<42} {:>9} {:>9} {:>9}",
            format!("first load of <baraza-{kind}>"),
            raw,
            gzip,
            brotli
        );
        let limits = budget
            .kinds
            .get(*kind)
            .copied()
            .with_context(|| format!("{} has no budget for {kind}", budget_path.display()))?;
        println!(
            "    {:<42} {:>9} {:>9} {:>9}",
            "budget (widgets/size-budget.json)",
            "",
            limits.first_load_gzip_bytes,
            limits.first_load_brotli_bytes
        );
        if brotli > limits.first_load_brotli_bytes || gzip > limits.first_load_gzip_bytes {
            over.push(*kind);
        }
    }
    if !over.is_empty() {
        bail!(
            "over the size budget: {}; shrink them, or raise the budget in a reviewed change",
            over.join(", ")
        );
    }
    Ok(())
}
