// The events a widget sends its host page: baraza:ready, baraza:submitted, baraza:error and
// baraza:resize, bubbling and composed, heard by a listener on the document of the demo page.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, withServerAndPage } from "./support.mjs";

const TARIFFS = 'baraza-poll[poll="water-tariffs-2027"]';
const EVENTS = ["baraza:ready", "baraza:submitted", "baraza:error", "baraza:resize"];

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Records every baraza:* event that reaches the document, from before the page's scripts run. */
async function recordEvents(page) {
  await page.addInitScript((names) => {
    window.heard = [];
    for (const name of names) {
      document.addEventListener(name, (event) => {
        window.heard.push({
          type: event.type,
          tag: event.target.tagName.toLowerCase(),
          bubbles: event.bubbles,
          composed: event.composed,
          detail: event.detail,
        });
      });
    }
  }, EVENTS);
}

const heard = (page, type, instrument) =>
  page.evaluate(
    ([type, instrument]) => window.heard.filter((e) => e.type === type && e.detail.instrument === instrument),
    [type, instrument],
  );

describe("events to the host page", () => {
  test("a poll says when it is ready, when a ballot is stored and when it changes size", async () => {
    await withServerAndPage(browser, async ({ server, page }) => {
      await recordEvents(page);
      await page.goto(`${server.url}/`);
      const poll = page.locator(TARIFFS);
      await poll.getByRole("radio").first().waitFor();
      await page.waitForFunction(() => window.heard.some((e) => e.type === "baraza:ready" && e.detail.instrument === "water-tariffs-2027"));
      const [ready] = await heard(page, "baraza:ready", "water-tariffs-2027");
      assert.deepEqual(ready, {
        type: "baraza:ready",
        tag: "baraza-poll",
        bubbles: true,
        composed: true,
        detail: { kind: "poll", instrument: "water-tariffs-2027" },
      });
      // Every element of the page says so, each under its own instrument.
      for (const instrument of ["water-priorities-2027", "kiosk-hours-2026"]) {
        await page.waitForFunction((i) => window.heard.some((e) => e.type === "baraza:ready" && e.detail.instrument === i), instrument);
      }
      const sizes = await heard(page, "baraza:resize", "water-tariffs-2027");
      assert.ok(sizes.length >= 1, "the first layout is reported");
      const box = await poll.boundingBox();
      const last = sizes.at(-1).detail;
      assert.equal(last.width, Math.round(box.width));
      assert.equal(last.height, Math.round(box.height));

      await poll.getByRole("radio").first().check();
      await poll.getByRole("button", { name: "Send my answer" }).click();
      await poll.locator(".outcome", { hasText: "Thank you" }).waitFor();
      await page.waitForFunction(() => window.heard.some((e) => e.type === "baraza:submitted"));
      const submitted = await heard(page, "baraza:submitted", "water-tariffs-2027");
      assert.deepEqual(submitted.map((e) => e.detail), [{ kind: "poll", instrument: "water-tariffs-2027", action: "ballot" }]);
      // The results are taller than the form: the host page hears the new height.
      await page.waitForFunction(
        (h) => window.heard.some((e) => e.type === "baraza:resize" && e.detail.instrument === "water-tariffs-2027" && e.detail.height !== h),
        last.height,
      );
      assert.deepEqual(await heard(page, "baraza:error", "water-tariffs-2027"), []);
    });
  });

  test("a failure is an error event with its code, and the retry that works is ready", async () => {
    await withServerAndPage(browser, async ({ server, page }) => {
      await recordEvents(page);
      let block = true;
      await page.route("**/api/v1/feedback/water-page-feedback", (route) => (block ? route.abort() : route.continue()));
      await page.goto(`${server.url}/feedback.html`);
      const form = page.locator('baraza-feedback[form="water-page-feedback"]');
      await form.getByRole("alert").waitFor();
      await page.waitForFunction(() => window.heard.some((e) => e.type === "baraza:error"));
      assert.deepEqual(
        (await heard(page, "baraza:error", "water-page-feedback")).map((e) => e.detail),
        [{ kind: "feedback", instrument: "water-page-feedback", code: "network" }],
      );
      assert.deepEqual(await heard(page, "baraza:ready", "water-page-feedback"), []);
      block = false;
      await form.getByRole("button", { name: "Try again" }).click();
      await page.waitForFunction(() => window.heard.some((e) => e.type === "baraza:ready"));
      assert.equal((await heard(page, "baraza:ready", "water-page-feedback")).length, 1);
    }, { expectedErrors: [/Failed to load resource: net::ERR_FAILED/] });
  });
});
