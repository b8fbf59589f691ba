// End-to-end tests of a ranked poll in <baraza-poll> on www/ranking.html: the ranking built and
// reordered with buttons by keyboard alone (never by dragging), each change announced, axe clean,
// the ranking stored in order, and the instant-runoff count shown round by round.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { assertNoAxeViolations, launchBrowser, storedBallots, withServerAndPage } from "./support.mjs";

const REPAIRS = 'baraza-poll[poll="repair-order-2027"]';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** The id of what has focus inside the widget's shadow root. */
const focusedId = (page) =>
  page.evaluate((s) => document.querySelector(s)?.shadowRoot?.activeElement?.id ?? null, REPAIRS);

describe("<baraza-poll> for a ranked poll", () => {
  test("keyboard alone: an empty ranking is refused, then options are added, reordered and sent", async () => {
    await withServerAndPage(browser, async ({ server, page }) => {
      await page.goto(`${server.url}/ranking.html`);
      const poll = page.locator(REPAIRS);
      const addPipe = poll.getByRole("button", { name: "Add The burst pipe by the market" });
      await addPipe.waitFor();
      assert.equal(await poll.getByText("Nothing ranked yet: add an option below.").count(), 1);
      await assertNoAxeViolations(page, "ranked poll, nothing ranked");

      await poll.getByRole("button", { name: "Send my answer" }).focus();
      await page.keyboard.press("Enter");
      const alert = poll.getByRole("alert");
      await alert.waitFor();
      assert.equal(await alert.innerText(), "Please rank at least one option before sending.");
      assert.deepEqual(storedBallots(server.databasePath, "repair-order-2027"), [], "nothing stored");

      // Add the pipe, then the pump: focus follows each option to its new place.
      await addPipe.focus();
      await page.keyboard.press("Enter");
      assert.equal(await focusedId(page), "rank-remove-0");
      await poll.getByRole("button", { name: "Add The pump of kiosk 4" }).focus();
      await page.keyboard.press("Enter");
      const status = poll.getByRole("status");
      assert.equal(await status.innerText(), "The pump of kiosk 4: choice 2 of 2.");
      // Move the pump above the pipe.
      await poll.getByRole("button", { name: "Move The pump of kiosk 4 up" }).focus();
      await page.keyboard.press("Enter");
      assert.equal(await status.innerText(), "The pump of kiosk 4: choice 1 of 2.");
      assert.equal(await focusedId(page), "rank-down-2", "at the top, focus goes to its down button");
      const ranking = poll.getByRole("list", { name: "Your ranking" });
      assert.deepEqual(
        await ranking.getByRole("listitem").locator(".label").allInnerTexts(),
        ["The pump of kiosk 4", "The burst pipe by the market"],
      );
      assert.equal(await alert.count(), 0, "the message goes once the ranking changes");
      await assertNoAxeViolations(page, "ranked poll, two ranked");

      await poll.getByRole("button", { name: "Send my answer" }).focus();
      await page.keyboard.press("Enter");
      await poll.locator(".outcome", { hasText: "Thank you" }).waitFor();
      const stored = storedBallots(server.databasePath, "repair-order-2027");
      assert.deepEqual(stored.map((b) => b.selections), [["kiosk-pump", "market-pipe"]]);

      // One ballot: the pump has a majority in round 1.
      const rounds = poll.getByRole("list", { name: "The count, round by round" });
      assert.match(await rounds.innerText(), /Round 1:.*The pump of kiosk 4 1.*The pump of kiosk 4 wins\./s);
      await assertNoAxeViolations(page, "ranked poll results");
    });
  });
});
