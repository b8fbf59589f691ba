// End-to-end test of the admin site: the real server and its SQLite file, staff accounts made
// with `baraza admin create-user`, Debian's Chromium, axe-core on every admin page visited in
// English and in French, and a citizen voting from a page of another origin with the code the
// site gave the editor.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  axeViolations,
  launchBrowser,
  startHostSite,
  startServer,
  storedBallots,
} from "./support.mjs";

const PASSWORD = "correct horse battery staple";
const WATER = "ministry-of-water";
const EDITOR = "editor@water.go.ke";
const ANALYST = "analyst@water.go.ke";
const ADMIN = "admin@water.go.ke";
const MODERATOR = "moderator@water.go.ke";

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** `baraza admin create-user`, the password on standard input, as the README says. */
function createUser(databasePath, email, role) {
  execFileSync(
    process.env.BARAZA_BIN,
    ["admin", "create-user", "--email", email, "--role", role, "--organisation", WATER, "--database", `sqlite:${databasePath}`],
    { input: PASSWORD, encoding: "utf8" },
  );
}

/** A fresh browser context (its own cookies) and page; page errors are collected. */
async function newSession(errors, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("response", (response) => {
    if (response.status() === 404) errors.push(`404: ${response.url()}`);
  });
  return { context, page };
}

async function assertAccessible(page, what) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `axe-core found violations on ${what}`);
}

/** Signs in by keyboard alone: Tab to the e-mail field, type, Tab, type, Enter. */
async function signInByKeyboard(page, serverUrl, email) {
  await page.goto(`${serverUrl}/admin/`);
  await page.waitForURL(/\/admin\/login$/);
  let reached = false;
  for (let presses = 0; presses < 12 && !reached; presses++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => document.activeElement?.id === "email");
  }
  assert.ok(reached, "the e-mail field is reachable with Tab");
  await page.keyboard.type(email);
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "password");
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/admin\/$/);
}

async function signIn(page, serverUrl, email) {
  await page.goto(`${serverUrl}/admin/login`);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/admin\/$/);
}

describe("the admin site", () => {
  test("an editor creates and opens a poll, a citizen answers it on another site, an analyst reads and downloads the results", async () => {
    // The snippet is only known once the editor has read it; the host site serves it then.
    let hostPage = "";
    const host = await startHostSite(() => hostPage);
    // Kannel's sendsms at an address where nothing listens: the voucher page's SMS form is on,
    // and its messages fail, which the page reports (delivery itself: tests/kannel.rs).
    const kannelPassword = path.join(mkdtempSync(path.join(tmpdir(), "baraza-kannel-")), "kannel.pass");
    writeFileSync(kannelPassword, "kannel-test-password\n");
    const server = await startServer({
      allowedOrigins: host.url,
      extraArgs: [
        "--kannel-sendsms-url", "http://127.0.0.1:9/cgi-bin/sendsms",
        "--kannel-username", "baraza",
        "--kannel-password-file", kannelPassword,
      ],
    });
    const errors = [];
    try {
      for (const [email, role] of [[EDITOR, "editor"], [ANALYST, "analyst"], [ADMIN, "admin"]]) {
        createUser(server.databasePath, email, role);
      }

      // ── The editor, by keyboard, in English ──
      const editor = await newSession(errors, { acceptDownloads: true });
      await editor.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
      const page = editor.page;
      await page.goto(`${server.url}/admin/login`);
      await assertAccessible(page, "the sign-in page");
      await signInByKeyboard(page, server.url, EDITOR);
      await assertAccessible(page, "the dashboard");

      await page.getByRole("link", { name: "Create a poll" }).click();
      await page.getByRole("heading", { level: 1, name: "Create a poll" }).waitFor();
      // First with problems: a slug with capitals and spaces, no question.
      await page.locator("#slug").fill("Kiosk Hours");
      await page.locator("#option_0_en").fill("Early morning");
      await page.locator("#option_1_en").fill("Late evening");
      await page.getByRole("button", { name: "Save as a draft" }).click();
      const summary = page.getByRole("alert");
      await summary.getByRole("heading", { name: "There is a problem" }).waitFor();
      assert.deepEqual(await summary.getByRole("link").allTextContents(), [
        "Enter a short name of 1 to 64 lower-case letters, digits and hyphens, starting with a letter or digit",
        "Enter the question in the default language",
      ]);
      assert.equal(await page.title(), "Error: Create a poll – Baraza administration");
      assert.equal(await page.evaluate(() => document.activeElement?.className), "error-summary", "the summary has focus");
      assert.equal(await page.locator("#slug").getAttribute("aria-invalid"), "true");
      assert.equal(await page.locator("#slug").inputValue(), "Kiosk Hours", "what was typed is kept");
      await assertAccessible(page, "the poll form with problems");
      await summary.getByRole("link", { name: "Enter the question in the default language" }).click();
      assert.match(page.url(), /#question_en$/);

      await page.locator("#slug").fill("kiosk-hours");
      await page.locator("#question_en").fill("When should water kiosks open?");
      await page.locator("#question_sw").fill("Vibanda vya maji vifunguliwe lini?");
      await page.getByRole("button", { name: "Save as a draft" }).click();
      await page.getByRole("status").filter({ hasText: "The draft is saved." }).waitFor();
      await page.getByRole("heading", { level: 1, name: "When should water kiosks open?" }).waitFor();

      // Phone channels: a malformed keyword is refused beside its field, then a good one saved.
      await page.getByRole("link", { name: "Change phone channels" }).click();
      await page.getByRole("heading", { level: 1, name: "Phone channels" }).waitFor();
      await assertAccessible(page, "the phone channels form");
      await page.getByLabel("SMS keyword").fill("2 maji");
      await page.getByLabel("USSD service code").fill("*384*77#");
      await page.getByRole("button", { name: "Save channel settings" }).click();
      await page.getByRole("alert").getByRole("link", { name: /Enter an SMS keyword/ }).waitFor();
      assert.equal(await page.getByLabel("SMS keyword").getAttribute("aria-invalid"), "true");
      await assertAccessible(page, "the phone channels form with problems");
      await page.getByLabel("SMS keyword").fill("maji");
      await page.getByLabel("Count only answers with one of this poll's voucher codes").check();
      await page.getByRole("button", { name: "Save channel settings" }).click();
      await page.getByRole("status").filter({ hasText: "The channel settings are saved." }).waitFor();
      assert.equal(await page.locator("#sms-keyword").textContent(), "MAJI");
      assert.equal(await page.locator("#voucher-rule").textContent(), "required");

      // Voucher codes: generated, downloaded once as CSV.
      await page.getByRole("link", { name: "Voucher codes" }).click();
      await page.getByRole("heading", { level: 1, name: "Voucher codes" }).waitFor();
      await assertAccessible(page, "the voucher codes page");
      await page.getByLabel("How many codes").fill("none");
      await page.getByRole("button", { name: /Generate and download/ }).click();
      await page.getByRole("alert").getByRole("link", { name: /Enter a whole number of codes/ }).waitFor();
      await assertAccessible(page, "the voucher codes page with a problem");
      await page.getByLabel("How many codes").fill("2");
      const [codesFile] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("button", { name: /Generate and download/ }).click(),
      ]);
      assert.equal(codesFile.suggestedFilename(), "kiosk-hours-vouchers.csv");
      const codes = readFileSync(await codesFile.path(), "utf8").trim().split("\r\n").slice(1).map((row) => row.split(",")[1]);
      assert.equal(codes.length, 2);
      // Codes by SMS: an unreadable line is named beside the field, then a number is sent to.
      await page.getByLabel("Phone numbers").fill("+254700111222\nnot a phone");
      await page.getByRole("button", { name: "Send the codes" }).click();
      await page.getByRole("alert").getByRole("link", { name: /Line 2 is not a phone number/ }).waitFor();
      await assertAccessible(page, "the voucher codes page with an unreadable phone number");
      await page.getByLabel("Phone numbers").fill("+254700111222");
      await page.getByRole("button", { name: "Send the codes" }).click();
      await page.getByRole("status").filter({ hasText: "0 codes sent by SMS; 1 could not be sent." }).waitFor();
      await assertAccessible(page, "the voucher codes page after sending by SMS");
      await page.goto(`${server.url}/admin/polls/kiosk-hours`);

      await page.getByRole("button", { name: "Open now" }).click();
      await page.getByText("The poll is open: citizens can answer it now.").waitFor();
      assert.equal(await page.locator("#phase").textContent(), "open");

      // The embed code: read it, copy it with the button, and see the live preview.
      const snippet = await page.getByLabel("Code to paste").inputValue();
      assert.equal(
        snippet,
        `<script type="module" src="${server.url}/widgets/baraza.js"></script>\n` +
          `<baraza-poll poll="kiosk-hours" server="${server.url}"></baraza-poll>`,
      );
      await page.getByRole("button", { name: "Copy the code" }).click();
      await page.locator(".copy-status").filter({ hasText: "The code is copied to the clipboard." }).waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), snippet);
      const preview = page.frameLocator('iframe[title="Preview of the poll widget"]');
      await preview.locator("baraza-poll").getByRole("radio", { name: "Late evening" }).waitFor();
      await assertAccessible(page, "the poll page");

      // ── A citizen, on a ministry page of another origin, with the pasted code ──
      hostPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>County water office</title></head>
<body><main><h1>County water office</h1>
${snippet}
</main></body></html>`;
      const citizen = await newSession(errors);
      await citizen.page.goto(`${host.url}/`);
      const widget = citizen.page.locator('baraza-poll[poll="kiosk-hours"]');
      await widget.getByRole("radio", { name: "Late evening" }).check();
      // The poll needs a voucher code: a wrong one is refused in words, then the right one.
      await widget.getByLabel("Your voucher code").fill("ZZZ-ZZZ");
      await widget.getByRole("button", { name: "Send my answer" }).click();
      await widget.getByRole("alert").filter({ hasText: "This voucher code is not valid for this poll." }).waitFor();
      await assertAccessible(citizen.page, "the poll widget with a voucher problem");
      await widget.getByLabel("Your voucher code").fill(codes[0].toLowerCase());
      await widget.getByRole("button", { name: "Send my answer" }).click();
      await widget.locator(".outcome", { hasText: "Thank you" }).waitFor();
      assert.deepEqual(storedBallots(server.databasePath, "kiosk-hours").map((b) => b.selections), [["late-evening"]]);
      await citizen.context.close();

      // ── The analyst reads the chart and downloads the CSV ──
      const analyst = await newSession(errors, { acceptDownloads: true });
      await signIn(analyst.page, server.url, ANALYST);
      await analyst.page.getByRole("link", { name: "When should water kiosks open?" }).click();
      assert.equal(await analyst.page.locator("#ballots-cast").textContent(), "1");
      const chart = analyst.page.getByRole("img", { name: "Ballots per option" });
      await chart.waitFor();
      assert.match(await chart.locator("desc").textContent(), /Late evening: 1 \(100\.0%\)/);
      const row = analyst.page.getByRole("table", { name: "Ballots per option, as numbers" }).getByRole("row", { name: /Late evening/ });
      assert.deepEqual(await row.getByRole("cell").allTextContents(), ["1", "100.0%"]);
      assert.equal(await analyst.page.getByRole("button", { name: "Open now" }).count(), 0, "no buttons for an analyst");
      await assertAccessible(analyst.page, "the poll page as an analyst");
      const [download] = await Promise.all([
        analyst.page.waitForEvent("download"),
        analyst.page.getByRole("link", { name: "Download as CSV (spreadsheet)" }).click(),
      ]);
      assert.equal(download.suggestedFilename(), "kiosk-hours-ballots.csv");
      const csv = readFileSync(await download.path(), "utf8").trim().split("\r\n");
      assert.equal(csv[0], "ballot_id,submitted_at,early-morning,late-evening");
      assert.equal(csv.length, 2);
      assert.match(csv[1], /,0,1$/);
      await analyst.context.close();

      // ── The administrator reads the audit log ──
      const admin = await newSession(errors);
      await signIn(admin.page, server.url, ADMIN);
      await admin.page.getByRole("link", { name: "Audit log" }).click();
      const log = admin.page.getByRole("table", { name: "Staff actions, newest first" });
      await log.waitFor();
      const actions = await log.locator("tbody tr td:nth-child(3)").allTextContents();
      assert.deepEqual(actions.slice(0, 6), ["poll.export_csv", "poll.open", "poll.vouchers_sms", "poll.vouchers", "poll.channels", "poll.create"]);
      assert.ok((await log.locator("tbody").textContent()).includes(EDITOR));
      await assertAccessible(admin.page, "the audit log");
      // The organisation's settings: a bad origin is shown beside the field, then saved.
      await admin.page.goto(`${server.url}/admin/`);
      await admin.page.getByRole("link", { name: "Settings" }).click();
      await admin.page.getByRole("heading", { level: 1, name: "Organisation settings" }).waitFor();
      await admin.page.getByLabel(/Websites allowed to embed/).fill("county.example/page");
      await admin.page.getByRole("button", { name: "Save the settings" }).click();
      await admin.page.getByRole("alert").getByRole("link", { name: /county\.example\/page$/ }).waitFor();
      await assertAccessible(admin.page, "the settings form with a problem");
      await admin.page.getByLabel(/Websites allowed to embed/).fill(host.url);
      await admin.page.getByRole("button", { name: "Save the settings" }).click();
      await admin.page.getByRole("status").filter({ hasText: "The settings are saved." }).waitFor();
      await assertAccessible(admin.page, "the settings page");
      // Staff: a colleague added with a first password (a short one refused first), by keyboard.
      await admin.page.goto(`${server.url}/admin/`);
      await admin.page.getByRole("link", { name: "Staff", exact: true }).click();
      await admin.page.getByRole("heading", { level: 1, name: "Staff and roles" }).waitFor();
      await assertAccessible(admin.page, "the staff page");
      await admin.page.getByLabel("E-mail address").fill("amina@water.go.ke");
      await admin.page.getByLabel("Role", { exact: true }).selectOption("moderator");
      await admin.page.getByLabel(/First password/).fill("short");
      await admin.page.getByRole("button", { name: "Add a member" }).click();
      await admin.page.getByRole("alert").getByRole("link", { name: /at least 12 characters/ }).waitFor();
      await assertAccessible(admin.page, "the staff page with a problem");
      await admin.page.getByLabel(/First password/).fill("a long first password");
      await admin.page.getByLabel(/First password/).press("Enter");
      await admin.page.getByRole("status").filter({ hasText: "The member is added." }).waitFor();
      const staff = admin.page.getByRole("table", { name: "Members of this organisation" });
      assert.ok((await staff.textContent()).includes("amina@water.go.ke"));
      await admin.page.getByLabel("New role for amina@water.go.ke").selectOption("editor");
      await admin.page.getByRole("button", { name: "Change role – amina@water.go.ke" }).click();
      await admin.page.getByRole("status").filter({ hasText: "The role is changed." }).waitFor();
      await assertAccessible(admin.page, "the staff page after a change");
      // Their own password: a wrong current one is named beside its field.
      await admin.page.getByRole("link", { name: "Change password" }).click();
      await admin.page.getByRole("heading", { level: 1, name: "Change your password" }).waitFor();
      await assertAccessible(admin.page, "the password form");
      await admin.page.getByLabel("Current password").fill("not my password at all");
      await admin.page.getByLabel("New password", { exact: true }).fill("river basin lantern mango");
      await admin.page.getByLabel("New password again").fill("river basin lantern mango");
      await admin.page.getByRole("button", { name: "Change the password" }).click();
      await admin.page.getByRole("alert").getByRole("link", { name: "The current password is not right" }).waitFor();
      await assertAccessible(admin.page, "the password form with a problem");
      await admin.page.goto(`${server.url}/admin/organisations/${WATER}/audit`);

      // ── The same pages in French, chosen with the switcher ──
      await admin.page.getByRole("link", { name: "Français" }).click();
      await admin.page.getByRole("heading", { level: 1, name: "Journal d’audit" }).waitFor();
      assert.equal(await admin.page.locator("html").getAttribute("lang"), "fr");
      await assertAccessible(admin.page, "the audit log in French");
      await admin.page.getByRole("link", { name: "Administration de Baraza" }).click();
      await admin.page.getByRole("heading", { level: 1, name: "Vos organisations" }).waitFor();
      await assertAccessible(admin.page, "the dashboard in French");
      await admin.page.getByRole("link", { name: "Créer un sondage" }).click();
      await admin.page.getByRole("button", { name: "Enregistrer comme brouillon" }).click();
      await admin.page.getByRole("alert").getByRole("heading", { name: "Il y a un problème" }).waitFor();
      await assertAccessible(admin.page, "the poll form with problems in French");
      await admin.page.goto(`${server.url}/admin/polls/kiosk-hours`);
      await admin.page.getByRole("img", { name: "Bulletins par option" }).waitFor();
      await assertAccessible(admin.page, "the poll page in French");
      await admin.page.getByRole("button", { name: "Se déconnecter" }).click();
      await admin.page.getByRole("heading", { level: 1, name: "Se connecter" }).waitFor();
      await assertAccessible(admin.page, "the sign-in page in French");
      await admin.context.close();
      await editor.context.close();

      // A form sent back with its problems answers 422, which Chromium logs as a failed load.
      const unexpected = errors.filter((e) => !/status of 422 \(Unprocessable Entity\)/.test(e));
      assert.deepEqual(unexpected, [], "the pages logged errors");
    } finally {
      await server.stop();
      await host.stop();
    }
  });

  test("an editor creates and opens a consultation, a citizen comments on another site, a moderator publishes and answers it", async () => {
    let hostPage = "";
    const host = await startHostSite(() => hostPage);
    const server = await startServer({ allowedOrigins: host.url });
    const errors = [];
    try {
      for (const [email, role] of [[EDITOR, "editor"], [MODERATOR, "moderator"]]) {
        createUser(server.databasePath, email, role);
      }

      // ── The editor writes the consultation, with a problem first ──
      const editor = await newSession(errors);
      await signIn(editor.page, server.url, EDITOR);
      const page = editor.page;
      await page.getByRole("link", { name: "Create a consultation" }).click();
      await page.getByRole("heading", { level: 1, name: "Create a consultation" }).waitFor();
      await assertAccessible(page, "the consultation form");
      await page.locator("#slug").fill("kiosk-bylaw-2027");
      await page.locator("#section_0_title_en").fill("Opening hours");
      await page.getByRole("button", { name: "Save as a draft" }).click();
      const summary = page.getByRole("alert");
      await summary.getByRole("heading", { name: "There is a problem" }).waitFor();
      assert.deepEqual(await summary.getByRole("link").allTextContents(), [
        "Give the consultation a title in the default language",
        "Write this section's text in the default language",
      ]);
      await assertAccessible(page, "the consultation form with problems");
      await page.locator("#title_en").fill("Water kiosk by-law 2027");
      await page.locator("#section_0_text_en").fill("Kiosks open from 6 in the morning to 9 at night.");
      await page.getByRole("button", { name: "Save as a draft" }).click();
      await page.getByRole("heading", { level: 1, name: "Water kiosk by-law 2027" }).waitFor();
      await assertAccessible(page, "the draft consultation page");
      await page.getByRole("button", { name: "Open for comments" }).click();
      await page.getByText("The consultation is open for comments.").waitFor();
      const snippet = await page.getByLabel("Code to paste").inputValue();
      assert.equal(
        snippet,
        `<script type="module" src="${server.url}/widgets/baraza.js"></script>\n` +
          `<baraza-consultation consultation="kiosk-bylaw-2027" server="${server.url}"></baraza-consultation>`,
      );
      const preview = page.frameLocator('iframe[title="Preview of the consultation widget"]');
      await preview.locator("baraza-consultation").getByRole("region", { name: /^Section 1 / }).waitFor();
      await assertAccessible(page, "the open consultation page");

      // ── A citizen comments on a county page of another origin ──
      hostPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>County water office</title></head>
<body><main><h1>County water office</h1>
${snippet}
</main></body></html>`;
      const citizen = await newSession(errors);
      await citizen.page.goto(`${host.url}/`);
      const section = citizen.page.locator("baraza-consultation").getByRole("region", { name: /^Section 1 / });
      await section.getByRole("radio", { name: "Opposes" }).check();
      await section.getByRole("textbox", { name: "Your comment" }).fill("Kiosks should open at 5, before work.");
      await section.getByRole("button", { name: "Send" }).click();
      await section.locator(".outcome", { hasText: "waiting for moderation" }).waitFor();

      // ── The moderator publishes it from the queue, by keyboard, and answers it ──
      const moderator = await newSession(errors);
      await signIn(moderator.page, server.url, MODERATOR);
      const mod = moderator.page;
      await mod.getByRole("link", { name: "Moderation queue" }).click();
      await mod.getByRole("heading", { level: 3, name: "Waiting for a decision (1)" }).waitFor();
      await assertAccessible(mod, "the moderation queue");
      await mod.getByRole("checkbox", { name: "Select comment 1" }).focus();
      await mod.keyboard.press("Space");
      assert.ok(await mod.getByRole("checkbox", { name: "Select comment 1" }).isChecked());
      await mod.getByRole("button", { name: "Publish" }).focus();
      await mod.keyboard.press("Enter");
      await mod.getByRole("status").filter({ hasText: "Comments published: 1." }).waitFor();
      await mod.getByText("Nothing is waiting for moderation.").waitFor();
      await assertAccessible(mod, "the empty moderation queue");
      await mod.goto(`${server.url}/admin/consultations/kiosk-bylaw-2027`);
      await mod.getByLabel("Official answer to comment 1").fill("We will open the busiest kiosks at 5:30.");
      await mod.getByRole("button", { name: "Publish the answer" }).click();
      await mod.getByRole("status").filter({ hasText: "Your answer is published." }).waitFor();
      await assertAccessible(mod, "the consultation page as a moderator");
      assert.equal(await mod.getByRole("button", { name: "Close for comments" }).count(), 0, "a moderator does not run the consultation");

      // The citizen sees the comment and the official answer after reloading.
      await citizen.page.reload();
      const official = citizen.page.locator("baraza-consultation").getByRole("complementary", { name: /^Official response #\d+$/ });
      await official.getByText("We will open the busiest kiosks at 5:30.").waitFor();
      await citizen.page.locator("baraza-consultation").getByText("Kiosks should open at 5, before work.").waitFor();
      await citizen.context.close();

      // ── The editor closes it and publishes the outcome; the pages in Kiswahili pass axe ──
      await page.reload();
      await page.getByRole("button", { name: "Close for comments" }).click();
      await page.getByText("The consultation is closed.", { exact: false }).waitFor();
      await page.getByLabel("Outcome (English)").fill("Kiosks will open at 5:30 from March.");
      await page.getByRole("button", { name: "Publish the outcome" }).click();
      await page.getByRole("status").filter({ hasText: "The outcome is published." }).waitFor();
      assert.equal(await page.locator("#outcome-text").textContent(), "Kiosks will open at 5:30 from March.");
      await assertAccessible(page, "the consultation page with its outcome");
      await page.getByRole("link", { name: "Kiswahili" }).click();
      await page.getByRole("heading", { level: 2, name: "Tuliuliza, mlisema, tulifanya" }).waitFor();
      await assertAccessible(page, "the consultation page in Kiswahili");
      await moderator.page.goto(`${server.url}/admin/organisations/ministry-of-water/moderation?lang=sw`);
      await moderator.page.getByRole("heading", { level: 1, name: "Foleni ya udhibiti" }).waitFor();
      await assertAccessible(moderator.page, "the moderation queue in Kiswahili");
      await moderator.context.close();
      await editor.context.close();

      const unexpected = errors.filter((e) => !/status of 422 \(Unprocessable Entity\)/.test(e));
      assert.deepEqual(unexpected, [], "the pages logged errors");
    } finally {
      await server.stop();
      await host.stop();
    }
  });

  test("an integrator creates a feedback form through the admin API; its results page and download pass axe", async () => {
    const server = await startServer();
    const errors = [];
    try {
      createUser(server.databasePath, EDITOR, "editor");
      const lines = execFileSync(
        process.env.BARAZA_BIN,
        ["admin", "create-token", "--email", EDITOR, "--database", `sqlite:${server.databasePath}`],
        { encoding: "utf8" },
      ).trim().split("\n");
      const token = lines[lines.length - 1];
      const spec = {
        slug: "kiosk-service",
        default_language: "en",
        title: { en: "How was your visit to the kiosk?", fr: "Comment s'est passée votre visite ?" },
        questions: [
          { id: "useful", prompt: { en: "Is this page useful?" }, kind: { type: "useful", reasons: [{ id: "outdated", label: { en: "It is out of date" } }] } },
          { id: "satisfaction", prompt: { en: "How satisfied are you?" }, kind: { type: "csat" } },
          { id: "recommend", prompt: { en: "Would you recommend the kiosk?" }, kind: { type: "nps" } },
        ],
      };
      const created = await fetch(`${server.url}/api/v1/admin/feedback-forms`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(spec),
      });
      assert.equal(created.status, 201, await created.text());
      for (const [useful, csat, nps] of [[true, 5, 10], [false, 2, 3]]) {
        const answered = await fetch(`${server.url}/api/v1/feedback/kiosk-service/responses`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            page_path: "/kiosks",
            answers: [
              { question: "useful", answer: { useful: { useful } } },
              { question: "satisfaction", answer: { csat } },
              { question: "recommend", answer: { nps } },
            ],
          }),
        });
        assert.equal(answered.status, 201);
      }

      const editor = await newSession(errors, { acceptDownloads: true });
      await signIn(editor.page, server.url, EDITOR);
      await editor.page.getByRole("link", { name: "How was your visit to the kiosk?" }).click();
      await editor.page.getByRole("heading", { level: 1, name: "How was your visit to the kiosk?" }).waitFor();
      assert.equal(await editor.page.locator("#responses").textContent(), "2");
      const satisfied = editor.page.getByRole("table", { name: "How satisfied are you?" }).getByRole("row", { name: /^5 / });
      assert.deepEqual(await satisfied.getByRole("cell").allTextContents(), ["1", "50.0%", "9.5–90.5%"]);
      await assertAccessible(editor.page, "the feedback form page");
      const [download] = await Promise.all([
        editor.page.waitForEvent("download"),
        editor.page.getByRole("link", { name: "Download the responses as CSV (spreadsheet)" }).click(),
      ]);
      assert.equal(download.suggestedFilename(), "kiosk-service-responses.csv");
      const csv = readFileSync(await download.path(), "utf8").trim().split("\r\n");
      assert.equal(csv[0], "submitted_at,page_path,page_title,channel,useful,useful_reasons,useful_comment,satisfaction,recommend");
      assert.equal(csv.length, 3);
      // Phone channels for the form: no voucher rule, a keyword saved, the page says so.
      await editor.page.getByRole("link", { name: "Change phone channels" }).click();
      await editor.page.getByRole("heading", { level: 1, name: "Phone channels" }).waitFor();
      assert.equal(await editor.page.getByLabel("Count only answers with one of this poll's voucher codes").count(), 0);
      await assertAccessible(editor.page, "the feedback form's phone channels form");
      await editor.page.getByLabel("SMS keyword").fill("kiosk");
      await editor.page.getByRole("button", { name: "Save channel settings" }).click();
      await editor.page.getByRole("status").filter({ hasText: "The channel settings are saved." }).waitFor();
      assert.equal(await editor.page.locator("#sms-keyword").textContent(), "KIOSK");
      await assertAccessible(editor.page, "the feedback form page with its phone channels");
      await editor.page.getByRole("link", { name: "Français" }).click();
      await editor.page.getByRole("heading", { level: 1, name: "Comment s'est passée votre visite ?" }).waitFor();
      await assertAccessible(editor.page, "the feedback form page in French");
      await editor.context.close();
      assert.deepEqual(errors, [], "the pages logged errors");
    } finally {
      await server.stop();
    }
  });
});
