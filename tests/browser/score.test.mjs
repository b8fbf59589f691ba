// End-to-end tests of a score poll in <baraza-poll>: each option rated on a scale, by keyboard
// alone, on the demo page www/score.html; axe-core in every state; the ratings in the SQLite file.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { assertNoAxeViolations, launchBrowser, storedBallots, withServerAndPage } from "./support.mjs";

const CLINIC = 'baraza-poll[poll="clinic-services-2027"]';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

describe("<baraza-poll> for a score poll", () => {
  test("keyboard alone: an empty ballot is refused, then two ratings are sent and shown as averages", async () => {
    await withServerAndPage(browser, async ({ server, page }) => {
      await page.goto(`${server.url}/score.html`);
      const poll = page.locator(CLINIC);
      const waiting = poll.getByRole("group", { name: "Waiting time" });
      await waiting.getByRole("radio", { name: "1" }).waitFor();
      assert.equal(await waiting.getByRole("radio").count(), 5, "a radio per point of 1 to 5");
      assert.equal(await poll.getByText("Rate any item from 1 (worst) to 5 (best).").count(), 1);
      await assertNoAxeViolations(page, "score poll question");

      await poll.getByRole("button", { name: "Send my answer" }).focus();
      await page.keyboard.press("Enter");
      const alert = poll.getByRole("alert");
      await alert.waitFor();
      assert.equal(await alert.innerText(), "Please rate at least one item before sending.");
      await assertNoAxeViolations(page, "score poll validation error");
      assert.deepEqual(storedBallots(server.databasePath, "clinic-services-2027"), [], "nothing stored");

      // Arrow keys move within one option's scale; Tab goes to the next option.
      await waiting.getByRole("radio", { name: "1" }).focus();
      await page.keyboard.press("ArrowRight");
      await page.keyboard.press("ArrowRight");
      await page.keyboard.press("ArrowRight"); // Waiting time: 4
      assert.equal(await waiting.getByRole("radio", { name: "4" }).isChecked(), true);
      assert.equal(await alert.count(), 0, "the message goes once the answer changes");
      await page.keyboard.press("Tab"); // Staff courtesy, left unrated
      await page.keyboard.press("Tab"); // Medicines in stock
      await page.keyboard.press("ArrowLeft"); // from 1, wraps round to 5
      const medicines = poll.getByRole("group", { name: "Medicines in stock" });
      assert.equal(await medicines.getByRole("radio", { name: "5" }).isChecked(), true);
      await page.keyboard.press("Tab");
      await page.keyboard.press("Enter");
      await poll.locator(".outcome", { hasText: "Thank you" }).waitFor();

      const stored = storedBallots(server.databasePath, "clinic-services-2027");
      assert.deepEqual(
        stored.map((b) => [b.selections, b.scores]),
        [[["waiting-time", "medicines"], [4, 5]]],
      );
      const row = (label) => poll.getByRole("listitem").filter({ hasText: label }).innerText();
      assert.match(await row("Waiting time"), /4\.0 out of 5 \(1 rating\)/);
      assert.match(await row("Staff courtesy"), /Not rated yet/);
      assert.match(await row("Medicines in stock"), /5\.0 out of 5 \(1 rating\)/);
      await assertNoAxeViolations(page, "score poll results");
    });
  });

  test("in Kiswahili the scale and the averages are in the citizen's language", async () => {
    await withServerAndPage(browser, async ({ server, page }) => {
      await page.goto(`${server.url}/score.html`);
      await page.evaluate(() => document.querySelector('baraza-poll[poll="clinic-services-2027"]').setAttribute("lang", "sw"));
      const poll = page.locator(CLINIC);
      const waiting = poll.getByRole("group", { name: "Muda wa kusubiri" });
      await waiting.getByRole("radio", { name: "3" }).check();
      await poll.getByRole("button", { name: "Tuma jibu langu" }).click();
      await poll.locator(".outcome", { hasText: "Asante" }).waitFor();
      assert.match(
        await poll.getByRole("listitem").filter({ hasText: "Muda wa kusubiri" }).innerText(),
        /3\.0 kati ya 5 \(makadirio 1\)/,
      );
      await assertNoAxeViolations(page, "score poll results in Kiswahili");
    });
  });
});
