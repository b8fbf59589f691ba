// Baraza loader: defines the <baraza-*> custom elements. A page includes it once:
//   <script type="module" src="https://baraza.example.org/widgets/baraza.js"></script>
// It stays small and stable; the wasm is fetched only when the first element connects.
// Each widget kind is its own wasm module, so a page downloads only the kinds it embeds.
// `cargo xtask dist` fills in the content-hashed file names of every module: {kind: {glue, wasm}}.
const MODULES = __BARAZA_MODULES__;

const bundleBase = new URL(".", import.meta.url);
const defaultServer = new URL(import.meta.url).origin;

const STYLES = `__BARAZA_STYLES__`;

// The element registry: every <baraza-*> element is one entry, so a new widget kind is a new
// line here and a mount function in the wasm, never a second copy of this file. For each tag:
// the attribute that names the instrument, the API path of the data the widget needs first
// (fetched in parallel with the wasm download), the wasm export that mounts it, and the texts
// shown before the wasm runs.
const WIDGETS = [
  {
    tag: "baraza-poll",
    attribute: "poll",
    dataPath: (slug) => `/api/v1/polls/${encodeURIComponent(slug)}`,
    module: "poll",
    mount: "mountPoll",
    loading: { en: "Loading the poll…", sw: "Inapakia kura ya maoni…", fr: "Chargement du sondage…" },
    unavailable: {
      en: "This poll cannot be shown here.",
      sw: "Kura hii ya maoni haiwezi kuonyeshwa hapa.",
      fr: "Ce sondage ne peut pas être affiché ici.",
    },
  },
  {
    tag: "baraza-feedback",
    attribute: "form",
    dataPath: (slug) => `/api/v1/feedback/${encodeURIComponent(slug)}`,
    module: "feedback",
    mount: "mountFeedback",
    loading: { en: "Loading the feedback form…", sw: "Inapakia fomu ya maoni…", fr: "Chargement du formulaire…" },
    unavailable: {
      en: "This feedback form cannot be shown here.",
      sw: "Fomu hii ya maoni haiwezi kuonyeshwa hapa.",
      fr: "Ce formulaire ne peut pas être affiché ici.",
    },
  },
  {
    tag: "baraza-consultation",
    attribute: "consultation",
    dataPath: (slug) => `/api/v1/consultations/${encodeURIComponent(slug)}`,
    module: "consultation",
    mount: "mountConsultation",
    loading: { en: "Loading the consultation…", sw: "Inapakia mashauriano…", fr: "Chargement de la consultation…" },
    unavailable: {
      en: "This consultation cannot be shown here.",
      sw: "Mashauriano haya hayawezi kuonyeshwa hapa.",
      fr: "Cette consultation ne peut pas être affichée ici.",
    },
  },
];

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

const modulesReady = new Map();
function loadWasm(kind) {
  if (!modulesReady.has(kind)) {
    const files = MODULES[kind];
    // Start the wasm download at once, in parallel with the JS glue; both are CORS requests.
    const wasmResponse = fetch(new URL(files.wasm, bundleBase));
    const ready = import(new URL(files.glue, bundleBase).href).then(async (glue) => {
      await glue.default({ module_or_path: wasmResponse });
      return glue;
    });
    ready.catch((error) => explainStartFailure(error));
    modulesReady.set(kind, ready);
  }
  return modulesReady.get(kind);
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

/** The custom element class of one registry entry. */
function widgetClass(spec) {
  return class extends HTMLElement {
    static observedAttributes = [spec.attribute, "server", "lang"];
    #widget = null;
    #mountId = 0;
    #resizes = null;

    connectedCallback() {
      this.#mount();
      // baraza:resize tells the host page the element's new size, e.g. to adjust its layout.
      this.#resizes ||= new ResizeObserver(([entry]) => {
        const box = entry.borderBoxSize?.[0];
        this.#emit("resize", {
          width: Math.round(box ? box.inlineSize : entry.contentRect.width),
          height: Math.round(box ? box.blockSize : entry.contentRect.height),
        });
      });
      this.#resizes.observe(this);
    }

    disconnectedCallback() {
      this.#unmount();
      this.#resizes?.disconnect();
    }

    // Every event bubbles out of the shadow root (composed) and names the instrument.
    #emit(name, detail) {
      const instrument = (this.getAttribute(spec.attribute) || "").trim();
      this.dispatchEvent(new CustomEvent(`baraza:${name}`, {
        bubbles: true,
        composed: true,
        detail: { kind: spec.module, instrument, ...detail },
      }));
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
      const slug = (this.getAttribute(spec.attribute) || "").trim();
      if (!slug) {
        console.error(`[baraza] <${spec.tag}> needs a ${spec.attribute} attribute, e.g. <${spec.tag} ${spec.attribute}="water-2027">`);
        return;
      }
      const server = (this.getAttribute("server") || defaultServer).replace(/\/+$/, "");
      const language = this.#language();
      const root = this.shadowRoot || this.attachShadow({ mode: "open" });
      root.adoptedStyleSheets = [styleSheet()];
      const placeholder = document.createElement("p");
      placeholder.className = "baraza state";
      placeholder.setAttribute("role", "status");
      placeholder.textContent = pick(spec.loading, language);
      root.replaceChildren(placeholder);

      // The data request runs in parallel with the wasm download; the widget awaits it.
      const dataResponse = fetch(`${server}${spec.dataPath(slug)}`, {
        headers: { accept: "application/json" },
      });
      dataResponse.catch(() => {}); // the widget reports network failures itself
      const mountId = ++this.#mountId;
      loadWasm(spec.module).then(
        (glue) => {
          if (mountId !== this.#mountId) return; // removed or changed while loading
          const mountPoint = document.createElement("div");
          root.replaceChildren(mountPoint);
          const events = (name, action, code) =>
            this.#emit(name, name === "submitted" ? { action } : name === "error" ? { code } : {});
          this.#widget = glue[spec.mount](mountPoint, slug, server, language, dataResponse, events);
        },
        () => {
          if (mountId !== this.#mountId) return;
          // Fall back to the element's own content (a link or a form), shown through a slot.
          const message = document.createElement("p");
          message.className = "baraza state";
          message.setAttribute("role", "alert");
          message.textContent = pick(spec.unavailable, language);
          root.replaceChildren(message, document.createElement("slot"));
          this.#emit("error", { code: "unavailable" });
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
  };
}

for (const spec of WIDGETS) {
  if (!customElements.get(spec.tag)) {
    customElements.define(spec.tag, widgetClass(spec));
  }
}
