// End-to-end tests of <baraza-poll>: the real server, the real www/ demo page (or a host page on
// another origin), Debian's Chromium, axe-core on every widget state, and the SQLite file.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  assertNoAxeViolations,
  launchBrowser,
  newPage,
  startHostSite,
  storedBallots,
  withServerAndPage,
} from "./support.mjs";

const TARIFFS = 'baraza-poll[poll="water-tariffs-2027"]';
const PRIORITIES = 'baraza-poll[poll="water-priorities-2027"]';
const KIOSKS = 'baraza-poll[poll="kiosk-hours-2026"]';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Runs `body` with a fresh server and page (see `withServerAndPage`). */
const withDemo = (body, options) => withServerAndPage(browser, body, options);


/** What has focus inside a widget's shadow root. */
function focusedInWidget(page, selector) {
  return page.evaluate((s) => {
    const active = document.querySelector(s)?.shadowRoot?.activeElement;
    return active ? { tag: active.tagName.toLowerCase(), text: active.textContent.trim(), className: active.className } : null;
  }, selector);
}

describe("<baraza-poll> on the demo ministry page", () => {
  test("a citizen votes by clicking, sees the results, and the ballot is in the SQLite file", async () => {
    await withDemo(async ({ server, page }) => {
      const events = [];
      page.on("request", (r) => events.push({ kind: "start", url: r.url() }));
      page.on("requestfinished", (r) => events.push({ kind: "end", url: r.url() }));
      const responses = [];
      page.on("response", (r) => responses.push(r));

      await page.goto(`${server.url}/`);
      const poll = page.locator(TARIFFS);
      const choice = poll.getByRole("radio", { name: "First 6,000 litres a month free, then pay per litre" });
      await choice.waitFor();
      await page.locator(KIOSKS).getByText("Final results").waitFor();
      await page.locator(PRIORITIES).getByRole("checkbox").first().waitFor();
      await assertNoAxeViolations(page, "question (and closed-poll results)");

      // The question is a fieldset whose legend is the poll's question.
      const group = poll.getByRole("group", { name: "How should household water be charged from July 2027?" });
      await group.waitFor();
      assert.equal(await group.getByRole("radio").count(), 4);

      await choice.check();
      await poll.getByRole("button", { name: "Send my answer" }).click();
      await poll.locator(".outcome", { hasText: "Thank you. Your answer has been recorded." }).waitFor();

      // Results as text, not only as bars.
      const row = poll.getByRole("listitem").filter({ hasText: "First 6,000 litres" });
      assert.match(await row.innerText(), /100\.0%\s*\(1 vote\)/);
      assert.match(await poll.getByRole("listitem").filter({ hasText: "Keep one flat monthly rate" }).innerText(), /0\.0%\s*\(0 votes\)/);
      assert.equal(await poll.getByText("1 response", { exact: true }).count(), 1);
      // Screen readers hear the change, and keyboard focus lands on the outcome.
      assert.match(await poll.getByRole("status").innerText(), /Thank you\. Your answer has been recorded\. 1 response/);
      assert.equal((await focusedInWidget(page, TARIFFS))?.className, "outcome");
      await assertNoAxeViolations(page, "thank-you and results");

      const stored = storedBallots(server.databasePath, "water-tariffs-2027");
      assert.equal(stored.length, 1, "exactly one ballot stored");
      assert.deepEqual(stored[0].selections, ["lifeline-block"]);
      assert.match(stored[0].voter, /^[0-9a-f-]{36}$/, "the device token is a random UUID");

      // The bundle: wasm with the right MIME type, compressed, cached for good.
      const wasm = responses.find((r) => r.url().endsWith(".wasm"));
      assert.ok(wasm, "the wasm was fetched");
      const headers = await wasm.allHeaders();
      assert.equal(headers["content-type"], "application/wasm");
      assert.equal(headers["content-encoding"], "br");
      assert.match(headers["cache-control"], /max-age=31536000.*immutable/);
      // The poll data was requested before the wasm download finished: no request chain.
      const pollRequest = events.findIndex((e) => e.kind === "start" && e.url.endsWith("/api/v1/polls/water-tariffs-2027"));
      const wasmDone = events.findIndex((e) => e.kind === "end" && e.url.endsWith(".wasm"));
      assert.ok(pollRequest >= 0 && wasmDone >= 0 && pollRequest < wasmDone, "poll request starts in parallel with the wasm");
      // Each of the three widgets fetched its poll once, and the wasm was fetched once.
      assert.equal(events.filter((e) => e.kind === "start" && e.url.endsWith(".wasm")).length, 1);
    });
  });

  test("keyboard alone: a too-short answer is refused with a message, then a valid one is sent", async () => {
    await withDemo(async ({ server, page }) => {
      await page.goto(`${server.url}/`);
      const poll = page.locator(PRIORITIES);
      const first = poll.getByRole("checkbox", { name: "Fix leaking mains" });
      await first.waitFor();

      await poll.getByRole("button", { name: "Send my answer" }).focus();
      await page.keyboard.press("Enter");
      const alert = poll.getByRole("alert");
      await alert.waitFor();
      assert.equal(await alert.innerText(), "Please choose an answer before sending.");
      await assertNoAxeViolations(page, "validation error");
      assert.deepEqual(storedBallots(server.databasePath, "water-priorities-2027"), [], "nothing stored");

      await first.focus();
      await page.keyboard.press("Space"); // Fix leaking mains
      await page.keyboard.press("Tab");
      await page.keyboard.press("Tab");
      await page.keyboard.press("Space"); // Repair village boreholes
      assert.equal(await alert.count(), 0, "the message goes once the answer changes");
      for (let i = 0; i < 4; i++) await page.keyboard.press("Tab");
      assert.deepEqual(await focusedInWidget(page, PRIORITIES), { tag: "button", text: "Send my answer", className: "" });
      await page.keyboard.press("Enter");
      await poll.locator(".outcome", { hasText: "Thank you" }).waitFor();

      const stored = storedBallots(server.databasePath, "water-priorities-2027");
      assert.deepEqual(stored.map((b) => b.selections), [["fix-leaks", "borehole-repair"]]);
      assert.match(await poll.getByRole("listitem").filter({ hasText: "Repair village boreholes" }).innerText(), /100\.0%\s*\(1 vote\)/);
    });
  });

  test("a closed poll shows its final results and no form", async () => {
    await withDemo(async ({ server, page }) => {
      await page.goto(`${server.url}/`);
      const poll = page.locator(KIOSKS);
      await poll.getByText("Final results").waitFor();
      assert.equal(await poll.locator(".outcome").innerText(), "This poll is closed and no longer takes answers.");
      assert.match(await poll.getByRole("listitem").filter({ hasText: "Yes, every day" }).innerText(), /52\.2%\s*\(12 votes\)/);
      assert.equal(await poll.getByText("23 responses", { exact: true }).count(), 1);
      assert.equal(await poll.getByRole("status").innerText(), "", "nothing is announced on page load");
      assert.equal(await poll.getByRole("button").count(), 0);
      assert.equal(await poll.getByRole("radio").count(), 0);
    });
  });

  test("a device that already voted sees results, on reload and when the server says so", async () => {
    await withDemo(async ({ server, page }) => {
      await page.goto(`${server.url}/`);
      const poll = page.locator(TARIFFS);
      await poll.getByRole("radio", { name: "Higher prices in the dry season only" }).check();
      await poll.getByRole("button", { name: "Send my answer" }).click();
      await poll.locator(".outcome", { hasText: "Thank you" }).waitFor();
      const [{ voter }] = storedBallots(server.databasePath, "water-tariffs-2027");

      await page.reload();
      await poll.locator(".outcome", { hasText: "You have already answered this poll on this device." }).waitFor();
      assert.match(await poll.getByRole("listitem").filter({ hasText: "Higher prices" }).innerText(), /100\.0%\s*\(1 vote\)/);
      await assertNoAxeViolations(page, "already voted");

      // A second browser that somehow carries the same token but forgot it voted: the server
      // refuses the second ballot (409) and the widget shows the results instead.
      const context = await browser.newContext();
      try {
        await context.addInitScript((token) => localStorage.setItem("baraza:voter-token", token), voter);
        const other = await context.newPage();
        await other.goto(`${server.url}/`);
        const otherPoll = other.locator(TARIFFS);
        await otherPoll.getByRole("radio", { name: "One flat monthly rate", exact: false }).or(
          otherPoll.getByRole("radio", { name: "Keep one flat monthly rate for every household" }),
        ).first().check();
        await otherPoll.getByRole("button", { name: "Send my answer" }).click();
        await otherPoll.locator(".outcome", { hasText: "You have already answered" }).waitFor();
      } finally {
        await context.close();
      }
      const stored = storedBallots(server.databasePath, "water-tariffs-2027");
      assert.deepEqual(stored.map((b) => b.selections), [["seasonal"]], "the first ballot stands, unchanged");
    }, { expectedErrors: [/409 \(Conflict\)/] });
  });

  test("a network failure is explained and can be retried", async () => {
    await withDemo(async ({ server, page }) => {
      let block = true;
      await page.route("**/api/v1/polls/water-tariffs-2027", (route) => (block ? route.abort() : route.continue()));
      await page.goto(`${server.url}/`);
      const poll = page.locator(TARIFFS);
      const alert = poll.getByRole("alert");
      await alert.waitFor();
      assert.match(await alert.innerText(), /We could not reach the server\. Check your connection and try again\./);
      await assertNoAxeViolations(page, "network error");
      block = false;
      await poll.getByRole("button", { name: "Try again" }).click();
      await poll.getByRole("radio", { name: "Rising blocks: the more you use, the more each litre costs" }).waitFor();
    }, { expectedErrors: [/Failed to load resource: net::ERR_FAILED/] });
  });

  test("elements added later (as a single-page app does) work, in the language they ask for", async () => {
    await withDemo(async ({ server, page }) => {
      await page.goto(`${server.url}/`);
      await page.locator(TARIFFS).getByRole("radio").first().waitFor();
      await page.evaluate(() => {
        const section = document.createElement("section");
        section.lang = "sw";
        section.innerHTML = '<baraza-poll poll="water-tariffs-2027" id="late"></baraza-poll>';
        document.querySelector("main").append(section);
      });
      const late = page.locator("#late");
      await late.getByRole("group", { name: "Maji ya nyumbani yatozwe vipi kuanzia Julai 2027?" }).waitFor();
      await late.getByRole("button", { name: "Tuma jibu langu" }).waitFor();
      await assertNoAxeViolations(page, "Swahili question");

      // Removing a widget mid-load, and changing an attribute, must not break the page.
      await page.evaluate(() => {
        const quick = document.createElement("baraza-poll");
        quick.setAttribute("poll", "kiosk-hours-2026");
        document.body.append(quick);
        quick.remove();
        document.querySelector("#late").setAttribute("poll", "kiosk-hours-2026");
      });
      await late.getByText("Matokeo ya mwisho").waitFor();
    });
  });

  test("on an Arabic right-to-left page the English widget keeps its own direction", async () => {
    await withDemo(async ({ server, page }) => {
      await page.goto(`${server.url}/`);
      await page.evaluate(() => {
        const section = document.createElement("section");
        section.lang = "ar";
        section.dir = "rtl";
        section.innerHTML = '<baraza-poll poll="water-tariffs-2027" id="arabic-page"></baraza-poll>';
        document.querySelector("main").append(section);
      });
      const widget = page.locator("#arabic-page");
      await widget.getByRole("button", { name: "Send my answer" }).waitFor();
      const container = widget.locator("section.baraza");
      // The chrome is English (no Arabic texts yet), so the widget is English and left to right.
      assert.equal(await container.getAttribute("lang"), "en");
      assert.equal(await container.getAttribute("dir"), "ltr");
      assert.equal(await container.evaluate((element) => getComputedStyle(element).direction), "ltr");
      await assertNoAxeViolations(page, "English widget on an Arabic page");
    });
  });

  test("an unknown poll says so instead of failing silently", async () => {
    await withDemo(async ({ server, page }) => {
      await page.goto(`${server.url}/`);
      await page.evaluate(() => {
        document.querySelector("main").insertAdjacentHTML("beforeend", '<baraza-poll poll="no-such-poll" id="missing"></baraza-poll>');
      });
      const alert = page.locator("#missing").getByRole("alert");
      await alert.waitFor();
      assert.equal(await alert.innerText(), "This poll could not be found. It may have been removed.");
      assert.equal(await page.locator("#missing").getByRole("button", { name: "Try again" }).count(), 0);
      await assertNoAxeViolations(page, "poll not found");
    }, { expectedErrors: [/404 \(Not Found\)/] });
  });
});

describe("<baraza-poll> embedded in a page on another origin", () => {
  test("works from an allowed origin and stores the vote", async () => {
    let serverUrl = "";
    const host = await startHostSite(() => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>County water office</title>
<script type="module" src="${serverUrl}/widgets/baraza.js"></script></head>
<body><main><h1>County water office</h1>
<baraza-poll poll="water-tariffs-2027"><p>Fallback: answer by SMS.</p></baraza-poll>
</main></body></html>`);
    try {
      await withDemo(async ({ server, page }) => {
        serverUrl = server.url;
        const apiOrigins = new Set();
        page.on("request", (r) => r.url().includes("/api/") && apiOrigins.add(new URL(r.url()).origin));
        await page.goto(`${host.url}/`);
        const poll = page.locator(TARIFFS);
        await poll.getByRole("radio", { name: "Keep one flat monthly rate for every household" }).check();
        await poll.getByRole("button", { name: "Send my answer" }).click();
        await poll.locator(".outcome", { hasText: "Thank you" }).waitFor();
        assert.deepEqual([...apiOrigins], [server.url], "the widget calls the server it was loaded from");
        assert.deepEqual(storedBallots(server.databasePath, "water-tariffs-2027").map((b) => b.selections), [["flat-rate"]]);
        await assertNoAxeViolations(page, "cross-origin results");
      }, { serverOptions: { allowedOrigins: host.url } });
    } finally {
      await host.stop();
    }
  });

  test("a site not in --allowed-origins gets nothing, and its fallback content stays visible", async () => {
    let serverUrl = "";
    const host = await startHostSite(() => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Unlisted site</title>
<script type="module" src="${serverUrl}/widgets/baraza.js"></script></head>
<body><main><baraza-poll poll="water-tariffs-2027"><p>Fallback: answer by SMS.</p></baraza-poll></main></body></html>`);
    try {
      await withDemo(async ({ server, page }) => {
        serverUrl = server.url;
        await page.goto(`${host.url}/`);
        await page.getByText("Fallback: answer by SMS.").waitFor();
        assert.equal(await page.evaluate(() => customElements.get("baraza-poll")), undefined);
      }, { serverOptions: { allowedOrigins: "https://ministry.example" }, expectedErrors: [/CORS|Failed to load/] });
    } finally {
      await host.stop();
    }
  });
  test("a host page whose CSP blocks WebAssembly gets the fallback and a console message with the fix", async () => {
    let serverUrl = "";
    const host = await startHostSite(() => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' ${serverUrl}; connect-src ${serverUrl}">
<title>Hardened site</title>
<script type="module" src="${serverUrl}/widgets/baraza.js"></script></head>
<body><main><baraza-poll poll="water-tariffs-2027"><p>Fallback: answer by SMS.</p></baraza-poll></main></body></html>`);
    try {
      await withDemo(async ({ server, page }) => {
        serverUrl = server.url;
        const consoleErrors = [];
        page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
        await page.goto(`${host.url}/`);
        const poll = page.locator(TARIFFS);
        await poll.getByRole("alert").waitFor();
        assert.equal(await poll.getByRole("alert").innerText(), "This poll cannot be shown here.");
        assert.ok(await page.getByText("Fallback: answer by SMS.").isVisible(), "the element's own content is shown");
        assert.ok(
          consoleErrors.some((e) => e.includes("[baraza]") && e.includes("'wasm-unsafe-eval'")),
          `the console explains the fix: ${consoleErrors.join(" | ")}`,
        );
      }, { serverOptions: { allowedOrigins: host.url }, expectedErrors: [/.*/] });
    } finally {
      await host.stop();
    }
  });
});
