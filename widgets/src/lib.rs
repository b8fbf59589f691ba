//! # baraza-widgets
//!
//! Baraza's citizen-facing widgets, written with [yew] and compiled to WebAssembly. Web pages do
//! not use this crate directly: the loader `js/baraza.js` defines the custom elements
//! (`<baraza-poll>`, `<baraza-feedback>`, `<baraza-consultation>`), fetches this crate's wasm on first use and calls
//! [`mount_poll`], [`mount_feedback`] or [`mount_consultation`] for each element, inside the element's shadow root.
//!
//! ```html
//! <script type="module" src="https://baraza.example.org/widgets/baraza.js"></script>
//! <baraza-poll poll="water-tariffs-2027"></baraza-poll>
//! <baraza-feedback form="water-page-feedback"></baraza-feedback>
//! <baraza-consultation consultation="water-act-2027"></baraza-consultation>
//! ```
//!
//! Each widget kind is a cargo feature (`poll`, `feedback`, `consultation`; all by default): `cargo xtask dist`
//! builds one wasm module per kind, and the loader fetches only the modules of the elements on
//! the page.
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
#[cfg(feature = "consultation")]
mod consultation;
#[cfg(any(feature = "poll", feature = "consultation"))]
mod device;
#[cfg(feature = "feedback")]
mod feedback;
#[cfg(feature = "poll")]
mod poll;
mod shell;

#[cfg(feature = "consultation")]
pub use mount::mount_consultation;
#[cfg(feature = "feedback")]
pub use mount::mount_feedback;
#[cfg(feature = "poll")]
pub use mount::mount_poll;
pub use shell::MountedWidget;

mod mount {
    use wasm_bindgen::prelude::*;

    use crate::shell::{self, MountedWidget};

    /// Mounts a `<baraza-poll>` widget into `root` (an element inside the custom element's
    /// shadow root).
    ///
    /// * `slug` – the poll to show (`poll` attribute);
    /// * `server` – the Baraza server's base URL, without a trailing slash;
    /// * `language` – the reader's preferred BCP 47 language;
    /// * `poll_response` – the loader's `fetch` of `GET /api/v1/polls/{slug}`, started in
    ///   parallel with the wasm download so the two do not wait on each other;
    /// * `events` – called `(name, action, code)` when the widget is ready (`"ready"`), stored
    ///   an answer (`"submitted"`, with `action` such as `"ballot"`) or failed (`"error"`, with
    ///   `code` such as `"network"`), for the loader to dispatch `baraza:*` events.
    #[cfg(feature = "poll")]
    #[wasm_bindgen(js_name = mountPoll)]
    pub fn mount_poll(
        root: web_sys::Element,
        slug: String,
        server: String,
        language: String,
        poll_response: js_sys::Promise,
        events: Option<js_sys::Function>,
    ) -> MountedWidget {
        shell::mount::<crate::poll::PollApp>(root, slug, server, language, poll_response, events)
    }

    /// Mounts a `<baraza-feedback>` widget into `root`; the arguments are those of
    /// [`mount_poll`], with `slug` the form (`form` attribute) and `form_response` the
    /// loader's `fetch` of `GET /api/v1/feedback/{slug}`.
    #[cfg(feature = "feedback")]
    #[wasm_bindgen(js_name = mountFeedback)]
    pub fn mount_feedback(
        root: web_sys::Element,
        slug: String,
        server: String,
        language: String,
        form_response: js_sys::Promise,
        events: Option<js_sys::Function>,
    ) -> MountedWidget {
        shell::mount::<crate::feedback::FeedbackApp>(
            root,
            slug,
            server,
            language,
            form_response,
            events,
        )
    }

    /// Mounts a `<baraza-consultation>` widget into `root`; the arguments are those of
    /// [`mount_poll`], with `slug` the consultation (`consultation` attribute) and
    /// `consultation_response` the loader's `fetch` of `GET /api/v1/consultations/{slug}`.
    #[cfg(feature = "consultation")]
    #[wasm_bindgen(js_name = mountConsultation)]
    pub fn mount_consultation(
        root: web_sys::Element,
        slug: String,
        server: String,
        language: String,
        consultation_response: js_sys::Promise,
        events: Option<js_sys::Function>,
    ) -> MountedWidget {
        shell::mount::<crate::consultation::ConsultationApp>(
            root,
            slug,
            server,
            language,
            consultation_response,
            events,
        )
    }
}
