//! # baraza-widgets
//!
//! Baraza's citizen-facing widgets, written with [yew] and compiled to WebAssembly. Web pages do
//! not use this crate directly: the loader `js/baraza.js` defines the custom elements
//! (`<baraza-poll>`), fetches this crate's wasm on first use and calls [`mount_poll`] for each
//! element, inside the element's shadow root.
//!
//! ```html
//! <script type="module" src="https://baraza.example.org/widgets/baraza.js"></script>
//! <baraza-poll poll="water-tariffs-2027"></baraza-poll>
//! ```
//!
//! The widget talks to the server with the [`baraza_core::v1`] wire types, so the two cannot
//! disagree about the JSON. Every failure becomes a visible, translated state with a way to
//! recover; nothing here may panic, because a panic would stop every widget on the page.
//!
//! The pure parts (text, formatting, the choice of what to show) are ordinary Rust and are unit
//! tested natively with `cargo test -p baraza-widgets`; the rendered widget is tested in a real
//! browser by `tests/browser`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod i18n;

mod api;
mod device;
mod poll;

pub use mount::{PollWidget, mount_poll};

mod mount {
    use wasm_bindgen::prelude::*;
    use yew::AppHandle;

    use crate::poll::{PollApp, PollProps};

    /// A mounted `<baraza-poll>` widget; the loader calls [`PollWidget::destroy`] when the
    /// element leaves the page.
    #[wasm_bindgen]
    #[derive(Debug)]
    pub struct PollWidget {
        handle: Option<AppHandle<PollApp>>,
    }

    #[wasm_bindgen]
    impl PollWidget {
        /// Unmounts the widget and releases its resources. Calling it twice is harmless.
        pub fn destroy(&mut self) {
            if let Some(handle) = self.handle.take() {
                handle.destroy();
            }
        }
    }

    /// Mounts a poll widget into `root` (an element inside the custom element's shadow root).
    ///
    /// * `slug` – the poll to show;
    /// * `server` – the Baraza server's base URL, without a trailing slash;
    /// * `language` – the reader's preferred BCP 47 language;
    /// * `poll_response` – the loader's `fetch` of `GET /api/v1/polls/{slug}`, started in
    ///   parallel with the wasm download so the two do not wait on each other.
    #[wasm_bindgen(js_name = mountPoll)]
    pub fn mount_poll(
        root: web_sys::Element,
        slug: String,
        server: String,
        language: String,
        poll_response: js_sys::Promise,
    ) -> PollWidget {
        let props = PollProps {
            slug: slug.into(),
            server: server.into(),
            language: language.into(),
            poll_response: crate::poll::PendingResponse(poll_response),
        };
        PollWidget {
            handle: Some(yew::Renderer::<PollApp>::with_root_and_props(root, props).render()),
        }
    }
}
