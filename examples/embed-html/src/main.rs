//! Run with: cargo run -p example-embed-html -- [BARAZA_SERVER_URL] [LISTEN_ADDR]
//!
//! Serves `index.html` (a plain page with one script tag and one `<baraza-poll>`) on its own
//! origin, as a ministry's existing site would. Start the demo first (`cargo xtask demo`, which
//! allows any origin), then open the printed URL.

use axum::response::Html;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let server = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:8080".to_owned());
    let listen = args.next().unwrap_or_else(|| "127.0.0.1:8081".to_owned());
    let page =
        include_str!("../index.html").replace("{{BARAZA_SERVER}}", server.trim_end_matches('/'));
    let app = axum::Router::new().route("/", axum::routing::get(move || async move { Html(page) }));
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    println!(
        "plain host page at http://{}/ embedding polls from {server}",
        listener.local_addr()?
    );
    axum::serve(listener, app).await?;
    Ok(())
}
