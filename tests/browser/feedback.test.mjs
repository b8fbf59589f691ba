// End-to-end tests of <baraza-feedback>: the real server, www/feedback.html (or a host page on
// another origin), Debian's Chromium, axe-core on every widget state, and the SQLite file read
// back with Python's sqlite3.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  assertNoAxeViolations,
  launchBrowser,
  startHostSite,
  withServerAndPage,
} from "./support.mjs";

const FORM = 'baraza-feedback[form="water-page-feedback"]';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Runs `body` with a fresh server and page (see `withServerAndPage`). */
const withDemo = (body, options) => withServerAndPage(browser, body, options);


/** Every stored response of the demo form, read straight from the SQLite file. */
function storedResponses(databasePath) {
  const script = [
    "import json, sqlite3, sys",
    "db = sqlite3.connect(sys.argv[1])",
    "rows = db.execute(\"SELECT page_path, page_title, answers FROM feedback_responses WHERE form_slug = 'water-page-feedback' ORDER BY id\").fetchall()",
    "print(json.dumps([{'path': p, 'title': t, 'answers': json.loads(a)} for p, t, a in rows]))",
  ].join("\n");
  return JSON.parse(execFileSync("python3", ["-c", script, databasePath], { encoding: "utf8" }));
}

describe("<baraza-feedback> on the demo service page", () => {
  test("a citizen says the page is not useful, explains why by clicking, and the text is stored redacted", async () => {
    await withDemo(async ({ server, page }) => {
      await page.goto(`${server.url}/feedback.html?ref=newsletter#top`);
      const form = page.locator(FORM);
      await form.getByRole("group", { name: "Is this page useful?" }).waitFor();
      await assertNoAxeViolations(page, "useful question");

      await form.getByRole("button", { name: "No" }).click();
      await form.getByText("What went wrong?").waitFor();
      await form.getByRole("checkbox", { name: "The information is out of date" }).check();
      await form.getByRole("textbox", { name: "Tell us more (optional)" }).fill("The map is old. Write to jane.doe@example.co.ke");
      await form.getByRole("radio", { name: "Satisfied", exact: true }).check();
      assert.match(await form.locator("#privacy").innerText(), /personal details.*will be removed/s);
      await assertNoAxeViolations(page, "what went wrong");

      await form.getByRole("button", { name: "Send feedback" }).click();
      await form.locator(".outcome", { hasText: "Thank you for your feedback." }).waitFor();
      await form.getByText("We removed 1 personal detail from your text before saving it.", { exact: true }).waitFor();
      assert.match(await form.getByRole("status").innerText(), /Thank you for your feedback\. We removed 1 personal detail/);
      await assertNoAxeViolations(page, "thank you");

      const stored = storedResponses(server.databasePath);
      assert.equal(stored.length, 1);
      assert.equal(stored[0].path, "/feedback.html", "no query string or fragment");
      assert.equal(stored[0].title, "Water supply interruptions – Ministry of Water and Sanitation");
      assert.deepEqual(stored[0].answers, [
        { question: "useful", answer: { useful: { useful: false, reasons: ["outdated"], comment: "The map is old. Write to [email]" } } },
        { question: "satisfaction", answer: { csat: 4 } },
      ]);
      const all = JSON.stringify(stored);
      assert.ok(!all.includes("jane.doe"), "the address is not stored");
    });
  });

  test("keyboard alone: yes, a rating, send; focus lands on the thank-you", async () => {
    await withDemo(async ({ server, page }) => {
      await page.goto(`${server.url}/feedback.html`);
      const form = page.locator(FORM);
      const yes = form.getByRole("button", { name: "Yes" });
      await yes.waitFor();
      await yes.focus();
      await page.keyboard.press("Enter");
      const first = form.getByRole("radio", { name: "Very dissatisfied" });
      await first.waitFor();
      // Tab from the heading reaches the first radio; arrows move within the group.
      await first.focus();
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowDown");
      assert.ok(await form.getByRole("radio", { name: "Very satisfied" }).isChecked());
      // The next tab stop is the send button: the honeypot is not reachable by keyboard.
      await page.keyboard.press("Tab");
      const focused = await page.evaluate((s) => document.querySelector(s).shadowRoot.activeElement?.textContent, FORM);
      assert.equal(focused, "Send feedback");
      await page.keyboard.press("Enter");
      await form.locator(".outcome", { hasText: "Thank you for your feedback." }).waitFor();
      const active = await page.evaluate((s) => document.querySelector(s).shadowRoot.activeElement?.className, FORM);
      assert.equal(active, "outcome");
      assert.deepEqual(storedResponses(server.databasePath).map((r) => r.answers), [[
        { question: "useful", answer: { useful: { useful: true } } },
        { question: "satisfaction", answer: { csat: 5 } },
      ]]);
    });
  });

  test("a comment over the limit is explained and nothing is sent until it fits", async () => {
    await withDemo(async ({ server, page }) => {
      await page.goto(`${server.url}/feedback.html`);
      const form = page.locator(FORM);
      await form.getByRole("button", { name: "No" }).click();
      const box = form.getByRole("textbox", { name: "Tell us more (optional)" });
      await box.fill("x".repeat(510));
      await form.getByText("You have 10 characters too many").waitFor();
      await form.getByRole("button", { name: "Send feedback" }).click();
      const summary = form.locator(".summary");
      await summary.waitFor();
      assert.match(await summary.innerText(), /There is a problem[\s\S]*must be 500 characters or fewer/);
      await assertNoAxeViolations(page, "validation problem");
      assert.equal(storedResponses(server.databasePath).length, 0);
      await box.fill("Too long before; fine now.");
      await form.getByRole("button", { name: "Send feedback" }).click();
      await form.locator(".outcome", { hasText: "Thank you" }).waitFor();
      assert.equal(storedResponses(server.databasePath).length, 1);
    });
  });

  test("a filled honeypot is thanked like anyone else, and nothing is stored", async () => {
    await withDemo(async ({ server, page }) => {
      await page.goto(`${server.url}/feedback.html`);
      const form = page.locator(FORM);
      await form.getByRole("button", { name: "No" }).click();
      const hidden = await page.evaluate((s) => {
        const input = document.querySelector(s).shadowRoot.querySelector("#website");
        input.value = "http://spam.example";
        const wrapper = input.closest("[aria-hidden]");
        return { ariaHidden: wrapper?.getAttribute("aria-hidden"), tabIndex: input.tabIndex };
      }, FORM);
      assert.deepEqual(hidden, { ariaHidden: "true", tabIndex: -1 });
      await form.getByRole("button", { name: "Send feedback" }).click();
      await form.locator(".outcome", { hasText: "Thank you for your feedback." }).waitFor();
      assert.equal(storedResponses(server.databasePath).length, 0);
    });
  });

  test("a load failure is explained and can be retried", async () => {
    await withDemo(async ({ server, page }) => {
      let block = true;
      await page.route("**/api/v1/feedback/water-page-feedback", (route) => (block ? route.abort() : route.continue()));
      await page.goto(`${server.url}/feedback.html`);
      const form = page.locator(FORM);
      const alert = form.getByRole("alert");
      await alert.waitFor();
      assert.match(await alert.innerText(), /We could not reach the server/);
      await assertNoAxeViolations(page, "load failure");
      block = false;
      await form.getByRole("button", { name: "Try again" }).click();
      await form.getByRole("button", { name: "Yes" }).waitFor();
    }, { expectedErrors: [/Failed to load resource: net::ERR_FAILED/] });
  });

  test("in Swahili, and an unknown form says so", async () => {
    await withDemo(async ({ server, page }) => {
      await page.goto(`${server.url}/feedback.html`);
      await page.evaluate(() => {
        document.querySelector("main").insertAdjacentHTML("beforeend",
          '<section lang="sw"><baraza-feedback form="water-page-feedback" id="sw"></baraza-feedback></section>' +
          '<baraza-feedback form="no-such-form" id="missing"></baraza-feedback>');
      });
      await page.locator("#sw").getByRole("group", { name: "Je, ukurasa huu una manufaa?" }).waitFor();
      await page.locator("#sw").getByRole("button", { name: "Hapana" }).waitFor();
      const alert = page.locator("#missing").getByRole("alert");
      await alert.waitFor();
      assert.equal(await alert.innerText(), "This feedback form could not be found. It may have been removed.");
      await assertNoAxeViolations(page, "Swahili and not found");
    }, { expectedErrors: [/404 \(Not Found\)/] });
  });
});

describe("<baraza-feedback> embedded in a page on another origin", () => {
  test("works from an allowed origin, records the host page's path, and downloads no poll code", async () => {
    let serverUrl = "";
    const host = await startHostSite(() => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>County water office</title>
<script type="module" src="${serverUrl}/widgets/baraza.js"></script></head>
<body><main><h1>County water office</h1>
<baraza-feedback form="water-page-feedback"><p>Fallback: write to us.</p></baraza-feedback>
</main></body></html>`);
    try {
      await withDemo(async ({ server, page }) => {
        serverUrl = server.url;
        const wasm = [];
        page.on("request", (r) => r.url().endsWith(".wasm") && wasm.push(new URL(r.url()).pathname));
        await page.goto(`${host.url}/`);
        const form = page.locator(FORM);
        await form.getByRole("button", { name: "Yes" }).click();
        await form.getByRole("button", { name: "Send feedback" }).click();
        await form.locator(".outcome", { hasText: "Thank you" }).waitFor();
        await assertNoAxeViolations(page, "cross-origin thank you");
        assert.equal(wasm.length, 1);
        assert.match(wasm[0], /\/widgets\/baraza_feedback_bg-[0-9a-f]{16}\.wasm$/);
        const stored = storedResponses(server.databasePath);
        assert.equal(stored.length, 1);
        assert.equal(stored[0].path, "/");
        assert.equal(stored[0].title, "County water office");
      }, { serverOptions: { allowedOrigins: host.url } });
    } finally {
      await host.stop();
    }
  });
});
