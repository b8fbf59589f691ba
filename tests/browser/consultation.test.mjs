// End-to-end tests of <baraza-consultation>: the real server with its demo consultations,
// www/consultation.html (or a host page on another origin), Debian's Chromium, axe-core on every
// widget state, and the SQLite file read back with Python's sqlite3.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  assertNoAxeViolations,
  launchBrowser,
  startHostSite,
  withServerAndPage,
} from "./support.mjs";

const OPEN = 'baraza-consultation[consultation="water-act-2027"]';
const CLOSED = 'baraza-consultation[consultation="borehole-permits-2026"]';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Runs `body` with a fresh server and page (see `withServerAndPage`). */
const withDemo = (body, options) => withServerAndPage(browser, body, options);


/** Rows of the demo consultation's tables, read straight from the SQLite file. */
function stored(databasePath, sql) {
  const script = [
    "import json, sqlite3, sys",
    "db = sqlite3.connect(sys.argv[1])",
    "db.row_factory = sqlite3.Row",
    "print(json.dumps([dict(r) for r in db.execute(sys.argv[2]).fetchall()]))",
  ].join("\n");
  return JSON.parse(execFileSync("python3", ["-c", script, databasePath, sql], { encoding: "utf8" }));
}

function storedComments(databasePath) {
  return stored(
    databasePath,
    "SELECT number, section_id, parent_number, stance, body, status FROM consultation_comments " +
      "WHERE consultation_slug = 'water-act-2027' ORDER BY number",
  );
}

/** The section of the open demo consultation whose heading starts with `Section N`. */
function section(page, number) {
  return page.locator(OPEN).getByRole("region", { name: new RegExp(`^Section ${number} `) });
}

async function activeElement(page, selector) {
  return page.evaluate((s) => {
    const active = document.querySelector(s).shadowRoot.activeElement;
    return active ? { tag: active.tagName, text: active.textContent, className: active.className } : null;
  }, selector);
}

describe("<baraza-consultation> on the demo consultation page", () => {
  test("the document, its published discussion and official answers, and a closed one's outcome", async () => {
    await withDemo(async ({ server, page }) => {
      await page.goto(`${server.url}/consultation.html`);
      const widget = page.locator(OPEN);
      await section(page, 1).waitFor();
      assert.equal(await widget.getByRole("region").count(), 3);
      const first = section(page, 1);
      await first.getByText("6,000 litres covers cooking and washing").waitFor();
      assert.equal(await first.getByRole("button", { name: "Agree (2)", exact: true }).count(), 1);
      assert.equal(await first.getByRole("button", { name: "Agree (4)", exact: true }).count(), 1);
      // The public body's answer is set apart: a complementary landmark named as such.
      const official = first.getByRole("complementary", { name: /^Official response #\d+$/ });
      assert.match(await official.innerText(), /Shared meters can register/);
      // The comment still waiting for a moderator is not shown.
      assert.equal(await widget.getByText("Kiosks near schools").count(), 0);
      // Each comment shows its stance.
      assert.equal(await section(page, 2).getByRole("article").getByText("Question", { exact: true }).count(), 1);

      const closed = page.locator(CLOSED);
      const outcome = closed.getByRole("region", { name: "We asked, you said, we did" });
      await outcome.waitFor();
      assert.match(await outcome.innerText(), /Decision: We lowered the household fee/);
      assert.match(await outcome.innerText(), /1 in support, 2 against, 0 neutral, 0 questions/);
      assert.match(await outcome.innerText(), /Household boreholes will pay 500 shillings/);
      await closed.getByText(/^This consultation closed on .+\.$/).waitFor();
      assert.equal(await closed.getByRole("button", { name: /Agree/ }).count(), 0, "no reactions once closed");
      assert.equal(await closed.getByRole("form").count(), 0, "no comment form once closed");
      await assertNoAxeViolations(page, "open and closed");
    });
  });

  test("a comment with a stance goes to moderation, stored pending and redacted", async () => {
    await withDemo(async ({ server, page }) => {
      await page.goto(`${server.url}/consultation.html`);
      const kiosks = section(page, 2);
      const form = kiosks.getByRole("form", { name: /^Comment on this section Section 2/ });
      await form.getByRole("button", { name: "Send" }).click();
      const summary = form.locator(".summary");
      await summary.waitFor();
      assert.match(await summary.innerText(), /There is a problem[\s\S]*Choose your position[\s\S]*Write your comment/);
      await assertNoAxeViolations(page, "validation problem");
      assert.equal(storedComments(server.databasePath).length, 7, "nothing sent");

      await form.getByRole("radio", { name: "Opposes" }).check();
      await form.getByRole("textbox", { name: "Your comment" })
        .fill("Kiosks close too early. Call me on 0712 345 678.");
      await form.getByRole("button", { name: "Send" }).click();
      const pending = kiosks.locator(".outcome", { hasText: "waiting for moderation" });
      await pending.waitFor();
      await kiosks.getByText("We removed 1 personal detail(s) from your text.").waitFor();
      assert.match(await page.locator(OPEN).getByRole("status").innerText(), /waiting for moderation/);
      await assertNoAxeViolations(page, "pending moderation");

      const comments = storedComments(server.databasePath);
      const mine = comments[comments.length - 1];
      assert.deepEqual(
        { section: mine.section_id, stance: mine.stance, status: mine.status, parent: mine.parent_number },
        { section: "kiosks", stance: "oppose", status: "pending", parent: null },
      );
      assert.ok(!mine.body.includes("345"), `the phone number is not stored: ${mine.body}`);
      assert.match(mine.body, /Kiosks close too early/);
      // Not shown to the public until a moderator publishes it.
      await page.reload();
      await section(page, 2).waitFor();
      assert.equal(await page.locator(OPEN).getByText("Kiosks close too early").count(), 0);
    });
  });

  test("agree once per device; a report reaches the moderators; a reply goes to moderation", async () => {
    await withDemo(async ({ server, page }) => {
      await page.goto(`${server.url}/consultation.html`);
      const first = section(page, 1);
      await first.getByRole("button", { name: "Agree (2)", exact: true }).click();
      const pressed = first.getByRole("button", { name: "Agree (3)", exact: true });
      await pressed.waitFor();
      assert.equal(await pressed.getAttribute("aria-pressed"), "true");
      assert.match(await page.locator(OPEN).getByRole("status").innerText(), /Your reaction was recorded/);
      await assertNoAxeViolations(page, "reacted");

      await first.getByRole("button", { name: "Report to moderators" }).first().click();
      await first.getByText("Reported. A moderator will review this comment.").first().waitFor();

      await first.getByRole("button", { name: "Reply" }).nth(1).click();
      const box = first.getByRole("textbox", { name: "Your reply" });
      await box.waitFor();
      assert.equal((await activeElement(page, OPEN))?.tag, "TEXTAREA", "focus moves into the reply box");
      await box.fill("Shared meters are common in Mombasa too.");
      await first.getByRole("button", { name: "Send" }).first().click();
      await first.locator(".outcome", { hasText: "waiting for moderation" }).waitFor();
      await assertNoAxeViolations(page, "reply pending");

      const reactions = stored(server.databasePath,
        "SELECT comment_number, reaction FROM consultation_reactions WHERE consultation_slug = 'water-act-2027' AND voter_token NOT LIKE 'demo-seed-%'");
      assert.deepEqual(reactions, [{ comment_number: 1, reaction: "agree" }]);
      const reports = stored(server.databasePath,
        "SELECT comment_number FROM consultation_reports WHERE consultation_slug = 'water-act-2027'");
      assert.deepEqual(reports, [{ comment_number: 1 }]);
      const reply = storedComments(server.databasePath).at(-1);
      assert.deepEqual({ parent: reply.parent_number, status: reply.status, stance: reply.stance },
        { parent: 2, status: "pending", stance: null });

      // After a reload the widget has forgotten, the server has not: one reaction per device.
      await page.reload();
      await section(page, 1).getByRole("button", { name: "Disagree (1)", exact: true }).click();
      await section(page, 1).getByText("You have already done this on this device.").waitFor();
      assert.equal(stored(server.databasePath,
        "SELECT COUNT(*) AS n FROM consultation_reactions WHERE voter_token NOT LIKE 'demo-seed-%'")[0].n, 1);
      await assertNoAxeViolations(page, "already reacted");
    }, { expectedErrors: [/409 \(Conflict\)/] });
  });

  test("keyboard alone: choose a stance, write, send; focus lands on the pending message", async () => {
    await withDemo(async ({ server, page }) => {
      await page.goto(`${server.url}/consultation.html`);
      const boreholes = section(page, 3);
      const supports = boreholes.getByRole("radio", { name: "Supports" });
      await supports.waitFor();
      await supports.focus();
      await page.keyboard.press("Space");
      await page.keyboard.press("ArrowDown"); // Opposes
      await page.keyboard.press("ArrowDown"); // Neutral
      assert.ok(await boreholes.getByRole("radio", { name: "Neutral" }).isChecked());
      await page.keyboard.press("Tab");
      assert.equal((await activeElement(page, OPEN))?.tag, "TEXTAREA");
      await page.keyboard.type("A small fee for household wells is fair.");
      await page.keyboard.press("Tab");
      assert.equal((await activeElement(page, OPEN))?.text, "Send");
      await page.keyboard.press("Enter");
      await boreholes.locator(".outcome", { hasText: "waiting for moderation" }).waitFor();
      assert.equal((await activeElement(page, OPEN))?.className, "outcome");
      // Reacting by keyboard: focus the button, press Enter; the state is announced.
      const agree = section(page, 1).getByRole("button", { name: "Agree (4)", exact: true });
      await agree.focus();
      await page.keyboard.press("Enter");
      await section(page, 1).getByRole("button", { name: "Agree (5)", exact: true }).waitFor();
      assert.match(await page.locator(OPEN).getByRole("status").innerText(), /Your reaction was recorded/);
      const mine = storedComments(server.databasePath).at(-1);
      assert.deepEqual({ section: mine.section_id, stance: mine.stance, body: mine.body },
        { section: "boreholes", stance: "neutral", body: "A small fee for household wells is fair." });
    });
  });

  test("a load failure is explained and can be retried", async () => {
    await withDemo(async ({ server, page }) => {
      let block = true;
      await page.route("**/api/v1/consultations/water-act-2027", (route) => (block ? route.abort() : route.continue()));
      await page.goto(`${server.url}/consultation.html`);
      const widget = page.locator(OPEN);
      const alert = widget.getByRole("alert");
      await alert.waitFor();
      assert.match(await alert.innerText(), /We could not reach the server/);
      await assertNoAxeViolations(page, "load failure");
      block = false;
      await widget.getByRole("button", { name: "Try again" }).click();
      await section(page, 1).waitFor();
    }, { expectedErrors: [/Failed to load resource: net::ERR_FAILED/] });
  });

  test("in Swahili, and an unknown consultation says so", async () => {
    await withDemo(async ({ server, page }) => {
      await page.goto(`${server.url}/consultation.html`);
      await page.evaluate(() => {
        document.querySelector("main").insertAdjacentHTML("beforeend",
          '<section lang="sw"><baraza-consultation consultation="water-act-2027" id="sw"></baraza-consultation></section>' +
          '<baraza-consultation consultation="no-such-consultation" id="missing"></baraza-consultation>');
      });
      await page.locator("#sw").getByRole("region", { name: /^Sehemu ya 1 – Ushuru wa msingi/ }).waitFor();
      await page.locator("#sw").getByRole("radio", { name: "Inapinga" }).first().waitFor();
      const alert = page.locator("#missing").getByRole("alert");
      await alert.waitFor();
      assert.equal(await alert.innerText(), "This consultation could not be found.");
      await assertNoAxeViolations(page, "Swahili and not found");
    }, { expectedErrors: [/404 \(Not Found\)/] });
  });
});

describe("<baraza-consultation> embedded in a page on another origin", () => {
  test("works from an allowed origin and downloads only the consultation module", async () => {
    let serverUrl = "";
    const host = await startHostSite(() => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>County water office</title>
<script type="module" src="${serverUrl}/widgets/baraza.js"></script></head>
<body><main><h1>County water office</h1><h2>Draft Water Act</h2>
<baraza-consultation consultation="water-act-2027"><p>Fallback: write to us.</p></baraza-consultation>
</main></body></html>`);
    try {
      await withDemo(async ({ server, page }) => {
        serverUrl = server.url;
        const wasm = [];
        page.on("request", (r) => r.url().endsWith(".wasm") && wasm.push(new URL(r.url()).pathname));
        await page.goto(`${host.url}/`);
        const first = section(page, 1);
        await first.getByRole("radio", { name: "Supports" }).check();
        await first.getByRole("textbox", { name: "Your comment" }).fill("From the county office: yes.");
        await first.getByRole("button", { name: "Send" }).click();
        await first.locator(".outcome", { hasText: "waiting for moderation" }).waitFor();
        await assertNoAxeViolations(page, "cross-origin pending");
        assert.equal(wasm.length, 1);
        assert.match(wasm[0], /\/widgets\/baraza_consultation_bg-[0-9a-f]{16}\.wasm$/);
        const mine = storedComments(server.databasePath).at(-1);
        assert.deepEqual({ body: mine.body, status: mine.status }, { body: "From the county office: yes.", status: "pending" });
      }, { serverOptions: { allowedOrigins: host.url } });
    } finally {
      await host.stop();
    }
  });
});
