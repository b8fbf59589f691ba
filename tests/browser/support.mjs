// Shared helpers of the browser tests: a real Baraza server on a free port with its own SQLite
// file, Debian's Chromium driven by playwright-core, axe-core, and an independent read of the
// database file (Python's sqlite3, not our own code).
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the browser tests with \`cargo xtask test\``);
  return value;
}

/** Starts `baraza serve --demo` on 127.0.0.1:0 with a fresh database; resolves once it listens. */
export async function startServer({ allowedOrigins = "", extraArgs = [] } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), "baraza-e2e-"));
  const databasePath = path.join(dir, "baraza.sqlite3");
  const child = spawn(
    required("BARAZA_BIN"),
    [
      "serve",
      "--demo", // the tests vote in the demo polls of www/index.html
      "--listen", "127.0.0.1:0",
      "--database", `sqlite:${databasePath}`,
      "--allowed-origins", allowedOrigins,
      "--www-dir", required("BARAZA_WWW_DIR"),
      "--widgets-dir", required("BARAZA_WIDGETS_DIR"),
      ...extraArgs,
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, BARAZA_LOG: "warn" } },
  );
  let log = "";
  child.stderr.on("data", (chunk) => (log += chunk));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${log}`)), 30_000);
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const match = out.match(/Baraza is serving (http:\/\/[^\s]+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1].replace(/\/$/, ""));
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${log}`));
    });
  });
  return {
    url,
    databasePath,
    log: () => log,
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Serves one HTML page from another origin, as a ministry's own web server would. `html` is a
 * function so the page can name a Baraza server started after this site.
 */
export async function startHostSite(html) {
  const server = createServer((request, response) => {
    if (request.url === "/" || request.url === "/index.html") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(html());
    } else {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise((resolve) => server.close(resolve)) };
}

/** Debian's Chromium, never a downloaded browser. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A new page that fails the test on any uncaught page error. */
export async function newPage(browser, errors) {
  const page = await browser.newPage();
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  return page;
}

const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/**
 * Runs axe-core on the page (it reaches into open shadow roots) and returns its violations.
 * Evaluated through the DevTools protocol, so the page's strict CSP does not block it.
 */
export async function axeViolations(page) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(" >>> ")),
    }));
  });
  return violations;
}

/** Every stored ballot of a poll, read straight from the SQLite file. */
export function storedBallots(databasePath, pollSlug) {
  const script = [
    "import json, sqlite3, sys",
    "db = sqlite3.connect(sys.argv[1])",
    "rows = db.execute('SELECT voter_token, selections, scores FROM ballots WHERE poll_slug = ? ORDER BY id', (sys.argv[2],)).fetchall()",
    "print(json.dumps([{'voter': v, 'selections': json.loads(s), **({'scores': json.loads(sc)} if sc else {})} for v, s, sc in rows]))",
  ].join("\n");
  return JSON.parse(execFileSync("python3", ["-c", script, databasePath, pollSlug], { encoding: "utf8" }));
}

/**
 * Runs `body({ server, page })` with a fresh demo server and a new page of `browser`; fails on
 * page errors that match none of `expectedErrors`.
 */
export async function withServerAndPage(browser, body, { expectedErrors = [], serverOptions = {} } = {}) {
  const server = await startServer(serverOptions);
  const errors = [];
  const page = await newPage(browser, errors);
  try {
    await body({ server, page });
    const unexpected = errors.filter((e) => !expectedErrors.some((pattern) => pattern.test(e)));
    assert.deepEqual(unexpected, [], "the page logged errors");
  } finally {
    await page.close();
    await server.stop();
  }
}

/** Fails with axe-core's findings when the page, in `state`, has any accessibility violation. */
export async function assertNoAxeViolations(page, state) {
  assert.deepEqual(await axeViolations(page), [], `axe-core found violations in the ${state} state`);
}
