// The built docs site in a real browser (make docs-check): headless Chromium, driven by
// playwright-core (package.json), loads every page at each width and fails on
//   - a console error, an uncaught exception, a failed or non-2xx request, any request that
//     leaves the site (the site must work offline: no CDN);
//   - a link to a page or anchor of the site that does not exist, an image that did not load;
//   - a Mermaid diagram that did not render (no svg, or Mermaid's error svg);
//   - a page wider than the window (code blocks and tables must scroll inside themselves).
// It writes a full-page screenshot of each page and width for review.
//
// Usage: node tests/docs/browser-check.mjs [SITE_DIR] [SCREENSHOT_DIR]
//        (default .site and .site-screenshots; CHROMIUM=<path> picks the browser,
//        DOCS_CHECK_PAGES=<regex> only the pages whose path matches)
// Exit 1 with one line per problem, 0 with a summary line.
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize, relative, sep } from "node:path";
import { chromium } from "playwright-core";

const SITE = process.argv[2] ?? ".site";
const SHOTS = process.argv[3] ?? ".site-screenshots";
const WIDTHS = [1280, 390];
const HEIGHT = 900;
const BROWSERS = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
// Flags for a closed network (no background connections) and a root user in CI.
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".xml": "application/xml",
  ".txt": "text/plain; charset=utf-8",
  ".gz": "application/gzip",
};

function browserPath() {
  const path = process.env.CHROMIUM || BROWSERS.find((p) => existsSync(p));
  if (!path) {
    console.error(
      `docs-check: no Chromium at ${BROWSERS.join(", ")}; install Debian's chromium ` +
        "(apt-get install chromium) or set CHROMIUM=<path>",
    );
    process.exit(2);
  }
  return path;
}

async function fileFor(urlPath) {
  const clean = normalize(decodeURIComponent(urlPath.split(/[?#]/)[0])).replace(/^(\.\.[/\\])+/, "");
  let path = join(SITE, clean);
  try {
    if ((await stat(path)).isDirectory()) path = join(path, "index.html");
    await stat(path);
    return path;
  } catch {
    return null;
  }
}

function serve() {
  const server = createServer(async (request, response) => {
    const path = await fileFor(new URL(request.url, "http://x").pathname);
    if (!path) {
      response.writeHead(404).end("not found");
      return;
    }
    response.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" });
    response.end(await readFile(path));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function pages(dir = SITE) {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "assets") found.push(...(await pages(path)));
    else if (entry.name === "index.html") {
      const path = relative(SITE, dir).split(sep).join("/");
      found.push(path ? `${path}/` : "");
    }
  }
  return found.sort();
}

// Mermaid renders into a closed shadow root (mkdocs-material); opened here so the check can look.
function openShadowRoots() {
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    return attach.call(this, { ...init, mode: "open" });
  };
}

// What one loaded page says about itself (runs in the page).
function inspect() {
  const diagrams = [...document.querySelectorAll(".mermaid")].map((el) => {
    const svg = el.shadowRoot?.querySelector("svg") ?? el.querySelector("svg");
    const error =
      !svg ||
      svg.getAttribute("aria-roledescription") === "error" ||
      /Syntax error/.test(svg.textContent);
    return { rendered: Boolean(svg) && !error, width: svg?.getBoundingClientRect().width ?? 0 };
  });
  const images = [...document.images]
    .filter((img) => !img.complete || img.naturalWidth === 0)
    .map((img) => img.getAttribute("src"));
  const links = [...document.querySelectorAll("a[href]")].map((a) => a.href);
  const ids = [...document.querySelectorAll("[id]")].map((el) => el.id);
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
    .filter((el) => !el.closest(".md-sidebar, .md-search, .md-nav, .md-header, [hidden]"))
    .filter((el) => getComputedStyle(el).visibility !== "hidden")
    .slice(0, 3)
    .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`);
  return {
    diagrams,
    images,
    links,
    ids,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    wide,
  };
}

// One page at one width: what is wrong with it (pushed to `problems`), its ids and links, and a
// full-page screenshot.
async function checkPage(context, base, path, width, found) {
  const where = `${path || "/"} @${width}px`;
  const problems = found.problems;
  const page = await context.newPage();
  page.on("console", (m) => m.type() === "error" && problems.push(`${where}: console: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`${where}: uncaught: ${e.message}`));
  page.on("requestfailed", (r) => {
    const outside = r.url().startsWith(base) ? "" : " (outside the site: must be served locally)";
    problems.push(`${where}: request failed: ${r.url()}${outside}`);
  });
  page.on("response", (r) => r.status() >= 400 && problems.push(`${where}: HTTP ${r.status()} ${r.url()}`));
  await page.goto(base + path, { waitUntil: "load" });
  if (await page.locator(".mermaid").count()) {
    await page
      .waitForFunction(
        () => [...document.querySelectorAll(".mermaid")].every((el) => el.shadowRoot?.querySelector("svg")),
        null,
        { timeout: 20000 },
      )
      .catch(() => {});
  }
  const seen = await page.evaluate(inspect);
  seen.diagrams.forEach((d, i) => {
    if (!d.rendered) problems.push(`${where}: diagram ${i + 1} did not render`);
  });
  if (width === WIDTHS[0]) found.diagrams += seen.diagrams.length;
  for (const src of seen.images) problems.push(`${where}: image did not load: ${src}`);
  if (seen.scrollWidth > seen.innerWidth) {
    problems.push(
      `${where}: page is ${seen.scrollWidth}px wide in a ${seen.innerWidth}px window` +
        (seen.wide.length ? ` (${seen.wide.join(", ")})` : ""),
    );
  }
  found.ids.set(path, new Set(seen.ids));
  found.links.set(path, seen.links);
  const shot = join(SHOTS, `${(path || "index").replaceAll("/", "_").replace(/_$/, "")}@${width}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  await page.close();
}

// Every page at one width, in one browser context that lets no request leave the site.
async function checkWidth(browser, base, list, width, found) {
  const context = await browser.newContext({ viewport: { width, height: HEIGHT } });
  await context.addInitScript(openShadowRoots);
  await context.route("**/*", (route) =>
    route.request().url().startsWith(base) ? route.continue() : route.abort("blockedbyclient"),
  );
  for (const path of list) await checkPage(context, base, path, width, found);
  await context.close();
}

async function main() {
  const server = await serve();
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({ executablePath: browserPath(), args: FLAGS });
  await rm(SHOTS, { recursive: true, force: true });
  await mkdir(SHOTS, { recursive: true });
  const found = { problems: [], ids: new Map(), links: new Map(), diagrams: 0 };
  const problems = found.problems;
  const started = Date.now();
  const only = process.env.DOCS_CHECK_PAGES ? new RegExp(process.env.DOCS_CHECK_PAGES) : null;
  const list = (await pages()).filter((p) => !only || only.test(p));
  // The widths side by side: two cores, and most of a page's time is the browser's.
  await Promise.all(WIDTHS.map((width) => checkWidth(browser, base, list, width, found)));
  const idsByPage = found.ids;
  const linksByPage = found.links;
  const diagrams = found.diagrams;
  // Links: every link into the site names an existing page and, with a #fragment, an element.
  for (const [path, links] of linksByPage) {
    for (const href of new Set(links)) {
      if (!href.startsWith(base)) continue;
      const url = new URL(href);
      const target = url.pathname.slice(1);
      const file = await fileFor(url.pathname);
      if (!file) {
        problems.push(`${path || "/"}: broken link ${href}`);
      } else if (url.hash.length > 1 && file.endsWith(".html")) {
        const ids = idsByPage.get(target.replace(/index\.html$/, ""));
        if (ids && !ids.has(decodeURIComponent(url.hash.slice(1)))) {
          problems.push(`${path || "/"}: broken anchor ${href}`);
        }
      }
    }
  }
  await browser.close();
  server.close();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  for (const problem of [...new Set(problems)]) console.log(problem);
  if (problems.length) {
    console.log(`docs-check: ${new Set(problems).size} problems (screenshots in ${SHOTS}/)`);
    process.exit(1);
  }
  console.log(
    `docs-check: ${list.length} pages at ${WIDTHS.join(" and ")} px, ${diagrams} diagrams,` +
      ` no problems in ${seconds} s (screenshots in ${SHOTS}/)`,
  );
}

await main();
