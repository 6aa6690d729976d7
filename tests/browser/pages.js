// Drives Debian's chromium through playwright-core (found through NODE_PATH; scripts/test.sh installs it) for
// tests/Server.Tests/Pages/PagesBrowserSpecs.cs. Usage: node pages.js SCENARIO 'JSON'. Prints one JSON object per
// line: progress events ({"event": ...}) the test may act on, and last {"event":"done", ...} with what was seen.
"use strict";
const { chromium } = require("playwright-core");
const path = require("path");

const [scenario, argText] = process.argv.slice(2);
const args = JSON.parse(argText || "{}");
const say = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function shot(page, name) {
  const file = path.join(args.screenshots, name + ".png");
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// Polls fn in the page until it returns a truthy value; survives reloads (the build page reloads when its build ends).
async function until(page, fn, arg, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const value = await page.evaluate(fn, arg);
      if (value) return value;
    } catch (e) { /* navigating: try again */ }
    if (Date.now() > deadline) throw new Error("timed out waiting for: " + fn.toString());
    await sleep(100);
  }
}

async function browse(page) {
  await page.goto(args.base, { waitUntil: "load" });
  const projects = await page.textContent("#project-count");
  const home = await shot(page, "home");
  await page.fill("#home-search input[name=q]", args.query);
  await Promise.all([page.waitForURL(/\/search\?q=/), page.press("#home-search input[name=q]", "Enter")]);
  const results = await page.$$eval("#results a", (as) => as.map((a) => ({ text: a.textContent, href: a.getAttribute("href") })));
  const search = await shot(page, "search");
  await Promise.all([page.waitForURL(/\/project\//), page.click("#results a >> text=" + args.project)]);
  const cells = await page.$$eval("#matrix tr", (rows) => rows.slice(1).map((r) => ({
    release: r.querySelector("th").textContent,
    cells: [...r.querySelectorAll("td")].map((td) => ({ target: td.dataset.target, kind: td.className, text: td.textContent, href: td.querySelector("a")?.getAttribute("href") ?? null })),
  })));
  const pip = await page.textContent("#pip-install");
  const project = await shot(page, "project");
  return { projects, results, url: page.url(), cells, pip, screenshots: [home, search, project] };
}

async function live(page) {
  // Keeps, across the reload at the end, the log as the page showed it while the build ran (set by the stream only).
  await page.addInitScript(() => {
    document.addEventListener("DOMContentLoaded", () => {
      if (!document.querySelector("[data-events]")) return;
      const pre = document.querySelector("pre[data-log]");
      new MutationObserver(() => sessionStorage.setItem("liveText", pre.textContent)).observe(pre, { childList: true, characterData: true, subtree: true });
    });
  });
  await page.goto(args.build, { waitUntil: "load" });
  const opened = await page.evaluate(() => ({
    streaming: !!document.querySelector("[data-events]"),
    state: document.querySelector("[data-build-state]").textContent,
    log: document.querySelector("pre[data-log]").textContent,
  }));
  say({ event: "opened", ...opened });
  const running = await shot(page, "build-running");
  const finalState = await until(page, () => !document.querySelector("[data-events]") && document.readyState === "complete"
    && document.querySelector("[data-build-state]").textContent, null, 240000);
  const seen = await page.evaluate(() => ({ liveText: sessionStorage.getItem("liveText") || "", log: document.querySelector("pre[data-log]").textContent }));
  const done = await shot(page, "build-finished");
  return { opened, finalState, ...seen, screenshots: [running, done] };
}

async function hostile(page) {
  const dialogs = [];
  const violations = [];
  page.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss(); });
  // A CSP refusal would mean markup got through and only the policy stopped it; escaping must stop it first.
  page.on("console", (m) => { if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text()); });
  const pages = [];
  for (const [name, url] of Object.entries(args.urls)) {
    await page.goto(url, { waitUntil: "load" });
    await sleep(300);
    const seen = await page.evaluate(() => ({
      pwned: window.__pwned ?? null,
      scripts: [...document.scripts].map((s) => s.getAttribute("src")),
      images: document.images.length,
      bold: document.querySelectorAll("main b").length,
      text: document.body.innerText,
    }));
    pages.push({ name, url, ...seen, screenshot: await shot(page, "hostile-" + name) });
  }
  return { pages, dialogs, violations };
}

(async () => {
  const browser = await chromium.launch({
    executablePath: args.chromium || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const run = { browse, live, hostile }[scenario];
    if (!run) throw new Error("unknown scenario " + scenario);
    say({ event: "done", ...(await run(page)) });
  } finally {
    await browser.close();
  }
})().catch((e) => { process.stderr.write(String(e && e.stack || e) + "\n"); process.exit(1); });
