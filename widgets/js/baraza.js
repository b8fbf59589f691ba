// Baraza loader: defines the <baraza-*> custom elements. A page includes it once:
//   <script type="module" src="https://baraza.example.org/widgets/baraza.js"></script>
// It stays small and stable; the wasm is fetched only when the first element connects.
// `cargo xtask dist` fills in the content-hashed file names below.
const GLUE_FILE = "__BARAZA_GLUE_FILE__";
const WASM_FILE = "__BARAZA_WASM_FILE__";

const bundleBase = new URL(".", import.meta.url);
const defaultServer = new URL(import.meta.url).origin;

const STYLES = `__BARAZA_STYLES__`;

const LOADING = { en: "Loading the poll…", sw: "Inapakia kura ya maoni…", fr: "Chargement du sondage…" };
const UNAVAILABLE = {
  en: "This poll cannot be shown here.",
  sw: "Kura hii ya maoni haiwezi kuonyeshwa hapa.",
  fr: "Ce sondage ne peut pas être affiché ici.",
};

let sheet = null;
function styleSheet() {
  // A constructed stylesheet is shared by every widget and, unlike a <style> element, is not
  // blocked by a host page's strict style-src Content-Security-Policy.
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLES);
  }
  return sheet;
}

let wasmReady = null;
function loadWasm() {
  if (!wasmReady) {
    // Start the wasm download at once, in parallel with the JS glue; both are CORS requests.
    const wasmResponse = fetch(new URL(WASM_FILE, bundleBase));
    wasmReady = import(new URL(GLUE_FILE, bundleBase).href).then(async (glue) => {
      await glue.default({ module_or_path: wasmResponse });
      return glue;
    });
    wasmReady.catch((error) => explainStartFailure(error));
  }
  return wasmReady;
}

function explainStartFailure(error) {
  const text = String(error && error.message ? error.message : error);
  let fix = "Check that the Baraza server is reachable and that this site is in its --allowed-origins.";
  if (/Content.Security.Policy|wasm-unsafe-eval|CompileError|EvalError/i.test(text)) {
    fix = "This page's Content-Security-Policy blocks WebAssembly: add 'wasm-unsafe-eval' to script-src.";
  } else if (/MIME|application\/wasm/i.test(text)) {
    fix = "The server must send .wasm files with Content-Type: application/wasm.";
  }
  console.error(`[baraza] the widgets could not start: ${text}\n[baraza] ${fix}`);
}

function pick(table, language) {
  return table[(language || "en").toLowerCase().split(/[-_]/)[0]] || table.en;
}

class BarazaPoll extends HTMLElement {
  static observedAttributes = ["poll", "server", "lang"];
  #widget = null;
  #mountId = 0;

  connectedCallback() {
    this.#mount();
  }

  disconnectedCallback() {
    this.#unmount();
  }

  attributeChangedCallback(_name, oldValue, newValue) {
    if (this.isConnected && oldValue !== newValue) {
      this.#unmount();
      this.#mount();
    }
  }

  #language() {
    const scoped = this.closest("[lang]");
    return (scoped && scoped.getAttribute("lang")) || navigator.language || "en";
  }

  #mount() {
    const slug = (this.getAttribute("poll") || "").trim();
    if (!slug) {
      console.error("[baraza] <baraza-poll> needs a poll attribute, e.g. <baraza-poll poll=\"water-tariffs-2027\">");
      return;
    }
    const server = (this.getAttribute("server") || defaultServer).replace(/\/+$/, "");
    const language = this.#language();
    const root = this.shadowRoot || this.attachShadow({ mode: "open" });
    root.adoptedStyleSheets = [styleSheet()];
    const placeholder = document.createElement("p");
    placeholder.className = "baraza state";
    placeholder.setAttribute("role", "status");
    placeholder.textContent = pick(LOADING, language);
    root.replaceChildren(placeholder);

    // The poll request runs in parallel with the wasm download; the widget awaits it.
    const pollResponse = fetch(`${server}/api/v1/polls/${encodeURIComponent(slug)}`, {
      headers: { accept: "application/json" },
    });
    pollResponse.catch(() => {}); // the widget reports network failures itself
    const mountId = ++this.#mountId;
    loadWasm().then(
      (glue) => {
        if (mountId !== this.#mountId) return; // removed or changed while loading
        const mountPoint = document.createElement("div");
        root.replaceChildren(mountPoint);
        this.#widget = glue.mountPoll(mountPoint, slug, server, language, pollResponse);
      },
      () => {
        if (mountId !== this.#mountId) return;
        // Fall back to the element's own content (a link or a form), shown through a slot.
        const message = document.createElement("p");
        message.className = "baraza state";
        message.setAttribute("role", "alert");
        message.textContent = pick(UNAVAILABLE, language);
        root.replaceChildren(message, document.createElement("slot"));
      },
    );
  }

  #unmount() {
    this.#mountId++;
    if (this.#widget) {
      this.#widget.destroy();
      this.#widget.free();
      this.#widget = null;
    }
  }
}

if (!customElements.get("baraza-poll")) {
  customElements.define("baraza-poll", BarazaPoll);
}
