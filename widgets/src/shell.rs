//! What every widget kind shares, so that each kind is only its own view and its own wire types:
//! the properties the loader hands over, mounting and unmounting, the frame with its live
//! announcer, the problem view with its retry button, and moving focus after an action.
//!
//! The loader (`js/baraza.js`) resolves an element's attributes, starts the first data request
//! in parallel with the wasm download, and calls the kind's `mount…` function with a
//! [`WidgetProps`]; the kind's component renders its body inside [`frame`].

use std::fmt;

use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;
use yew::prelude::*;

/// The loader's in-flight `fetch` of a widget's data, handed over at mount time.
#[derive(Debug, Clone)]
pub(crate) struct PendingResponse(pub(crate) js_sys::Promise);

impl PartialEq for PendingResponse {
    fn eq(&self, other: &Self) -> bool {
        // The same request object, not an equal-looking one.
        JsValue::from(&self.0) == JsValue::from(&other.0)
    }
}

/// What the loader resolves for every element: the instrument, the server, the language and
/// the first data request.
#[derive(Debug, Properties, PartialEq)]
pub(crate) struct WidgetProps {
    /// The instrument's slug (the element's identifying attribute: `poll`, `form`, …).
    pub(crate) slug: AttrValue,
    /// The server's base URL without a trailing slash (`server` attribute or the loader's origin).
    pub(crate) server: AttrValue,
    /// The reader's preferred language (`lang` attribute, else the page's language).
    pub(crate) language: AttrValue,
    /// The data request the loader started (the element's data path).
    pub(crate) first_response: PendingResponse,
    /// Where to report what happens, for the loader to tell the host page.
    pub(crate) events: Events,
}

/// What a widget tells its host page through the loader, which dispatches it on the element as
/// a `baraza:ready`, `baraza:submitted` or `baraza:error` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event {
    /// The instrument loaded and is shown.
    Ready,
    /// The citizen's answer was stored: `ballot`, `response`, `comment`, `reply`, `reaction`
    /// or `report`.
    Submitted(&'static str),
    /// Loading or sending failed.
    Error(crate::i18n::Problem),
}

/// The loader's listener: `(name, action, code)`, e.g. `("submitted", "ballot", "")`.
#[derive(Debug, Clone)]
pub(crate) struct Events(pub(crate) Option<js_sys::Function>);

impl PartialEq for Events {
    fn eq(&self, _other: &Self) -> bool {
        // Handed over once at mount; never a reason to re-render.
        true
    }
}

impl Events {
    /// Reports `event` to the loader, once the widget has rendered what caused it; a listener
    /// that throws cannot break the widget.
    pub(crate) fn emit(&self, event: Option<Event>) {
        let (Some(listener), Some(event)) = (&self.0, event) else {
            return;
        };
        let (name, action, code) = match event {
            Event::Ready => ("ready", "", ""),
            Event::Submitted(action) => ("submitted", action, ""),
            Event::Error(problem) => ("error", "", problem.event_code()),
        };
        // After the update that caused it has rendered (a queued task runs once the component
        // has redrawn), so a host page reacting to `baraza:ready` sees the widget shown.
        let listener = listener.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let _ = listener.call3(&JsValue::NULL, &name.into(), &action.into(), &code.into());
        });
    }
}

/// A mounted widget of any kind; the loader calls [`MountedWidget::destroy`] when the element
/// leaves the page or an attribute changes.
#[wasm_bindgen]
pub struct MountedWidget {
    destroy: Option<Box<dyn FnOnce()>>,
}

impl fmt::Debug for MountedWidget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MountedWidget")
            .field("mounted", &self.destroy.is_some())
            .finish()
    }
}

#[wasm_bindgen]
impl MountedWidget {
    /// Unmounts the widget and releases its resources. Calling it twice is harmless.
    pub fn destroy(&mut self) {
        if let Some(destroy) = self.destroy.take() {
            destroy();
        }
    }
}

/// Mounts component `C` into `root` (an element inside the custom element's shadow root).
pub(crate) fn mount<C>(
    root: web_sys::Element,
    slug: String,
    server: String,
    language: String,
    first_response: js_sys::Promise,
    events: Option<js_sys::Function>,
) -> MountedWidget
where
    C: BaseComponent<Properties = WidgetProps>,
{
    let props = WidgetProps {
        slug: slug.into(),
        server: server.into(),
        language: language.into(),
        first_response: PendingResponse(first_response),
        events: Events(events),
    };
    let handle = yew::Renderer::<C>::with_root_and_props(root, props).render();
    MountedWidget {
        destroy: Some(Box::new(move || handle.destroy())),
    }
}

/// The frame of every widget: its container (with `part="container"`, the language of its
/// texts, that language's direction and whether it is busy) and the polite live region that
/// announces what the citizen caused.
pub(crate) fn frame(
    language_tag: &'static str,
    busy: bool,
    body: Html,
    announcement: &str,
) -> Html {
    let dir = crate::i18n::Lang::from_tag(language_tag).dir();
    html! {
        <section class="baraza" part="container" lang={language_tag} {dir} aria-busy={busy.to_string()}>
            { body }
            <p class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
                { announcement.to_owned() }
            </p>
        </section>
    }
}

/// A problem as an alert, with a retry button when trying again may help.
pub(crate) fn problem_view(
    message: &str,
    retry: Option<(&'static str, Callback<MouseEvent>)>,
) -> Html {
    let retry = retry.map(|(label, onclick)| {
        html! { <button type="button" class="secondary" {onclick}>{ label }</button> }
    });
    html! {
        <div class="problem" role="alert">
            <p>{ message.to_owned() }</p>
            { for retry }
        </div>
    }
}

/// Where keyboard focus goes after an action: the element rendered with [`Focus::target`]
/// receives focus on the next render after [`Focus::request`], so keyboard and screen-reader
/// users land on what replaced the form they were in.
#[derive(Debug, Default)]
pub(crate) struct Focus {
    target: NodeRef,
    pending: bool,
}

impl Focus {
    /// The reference to put on the element to focus (it needs `tabindex="-1"` unless it is
    /// focusable already).
    pub(crate) fn target(&self) -> NodeRef {
        self.target.clone()
    }

    /// Moves focus to the target on the next render.
    pub(crate) fn request(&mut self) {
        self.pending = true;
    }

    /// Whether a move is waiting for the next render.
    #[cfg_attr(
        not(feature = "poll"),
        expect(dead_code, reason = "only the poll widget asks")
    )]
    pub(crate) fn is_requested(&self) -> bool {
        self.pending
    }

    /// Call from the component's `rendered`: moves focus if requested and the target exists.
    pub(crate) fn apply(&mut self) {
        if self.pending
            && let Some(target) = self.target.cast::<HtmlElement>()
        {
            let _ = target.focus();
            self.pending = false;
        }
    }
}
