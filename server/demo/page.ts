import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createTranslator } from "next-intl";
import { LOCALE_COOKIE, startingMessages, toLocale, type Locale } from "../i18n/messages";
import { STEP_KEYS, stepOf, type Snapshot } from "./progress";

/**
 * What answers on the app's port while `npm run demo` prepares the data and builds the app
 * (launch.ts): every page request gets the starting page (503, Retry-After), any other request
 * a short 503 answer, and GET /__starting/status the progress as JSON (with the header
 * `x-tqe-starting: 1`). The page shows the steps, an estimated percentage and time, and polls
 * the status every second; once this server has gone (the launcher closed it to give the port
 * to `next start`) it asks for /signin until the app answers it, then reloads.
 *
 * Strict by itself (the app's own Content-Security-Policy does not reach it): a fresh nonce per
 * answer for its one inline script and style, `default-src 'none'`, fetches to itself only, no
 * framing; the page never writes HTML from data (textContent only), so a step's detail (a
 * campaign's name from the seed) cannot become markup.
 */

export const STATUS_PATH = "/__starting/status";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function localeOf(req: IncomingMessage): Locale {
  const cookie = new RegExp(`(?:^|;\\s*)${LOCALE_COOKIE}=([^;]+)`).exec(req.headers.cookie ?? "")?.[1];
  if (cookie) return toLocale(cookie);
  const first = (req.headers["accept-language"] ?? "").split(",")[0]?.trim().toLowerCase() ?? "";
  return first.startsWith("en") ? "en" : "zh";
}

function translator(locale: Locale) {
  const t = createTranslator({ locale, messages: startingMessages[locale], namespace: "starting" });
  return (key: string, params?: Record<string, string | number>) =>
    (t as (k: string, p?: Record<string, string | number>) => string)(key, params);
}

const ICON: Record<string, string> = { waiting: "○", running: "◔", done: "✓", skipped: "–", failed: "✗" };

/** The starting page for one snapshot (the script keeps it current). */
export function startingPage(s: Snapshot, locale: Locale, nonce: string): string {
  const t = translator(locale);
  const templates = {
    percent: t("percent", { percent: "{percent}" }),
    elapsed: t("elapsed", { elapsed: "{elapsed}", remaining: "{remaining}" }),
    elapsedOnly: t("elapsedOnly", { elapsed: "{elapsed}" }),
    seconds: t("seconds", { seconds: "{seconds}" }),
    handover: t("handover"),
    failed: t("failed", { error: "{error}" }),
    unchanged: t("unchanged"),
    states: Object.fromEntries(["waiting", "running", "done", "skipped", "failed"].map((k) => [k, t(`states.${k}`)])),
  };
  const secs = (x: number | null) => (x === null ? "" : t("seconds", { seconds: x.toFixed(0) }));
  const line =
    s.state === "failed"
      ? t("failed", { error: s.error ?? "" })
      : s.remainingS === null
        ? t("elapsedOnly", { elapsed: s.elapsedS.toFixed(0) })
        : t("elapsed", { elapsed: s.elapsedS.toFixed(0), remaining: String(s.remainingS) });
  const steps = STEP_KEYS.map((key) => {
    const st = stepOf(s, key);
    const detail = st.detail === "unchanged" ? t("unchanged") : (st.detail ?? "");
    return (
      `<li data-step="${key}" data-state="${st.state}"><span class="icon" aria-hidden="true">${ICON[st.state]}</span>` +
      `<span class="label">${esc(t(`steps.${key}`))}</span><span class="state">${esc(t(`states.${st.state}`))}</span>` +
      `<span class="sec">${esc(secs(st.seconds))}</span><span class="detail">${esc(detail)}</span></li>`
    );
  }).join("");
  return `<!doctype html>
<html lang="${locale === "zh" ? "zh-CN" : "en"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(t("title"))}</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">
body{margin:0;font-family:-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;background:#f5f5f5;color:#1f1f1f}
main{max-width:640px;margin:48px auto;padding:24px;background:#fff;border-radius:8px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
h1{margin:0 0 8px;font-size:22px;color:#1d4e89}
p{color:#595959;line-height:1.6}
.bar{display:flex;align-items:center;gap:12px;margin:20px 0 4px}
progress{flex:1;height:10px;accent-color:#1d4e89}
#percent{min-width:64px;text-align:right;font-variant-numeric:tabular-nums}
#line{font-size:13px;color:#8c8c8c;margin:0 0 16px}
ol{list-style:none;padding:0;margin:0}
li{display:grid;grid-template-columns:20px 1fr auto auto;gap:4px 8px;padding:8px 0;border-top:1px solid #f0f0f0;align-items:baseline}
.icon{color:#bfbfbf}.state,.sec{font-size:12px;color:#8c8c8c;white-space:nowrap}
.detail{grid-column:2/5;font-size:12px;color:#8c8c8c;overflow-wrap:anywhere}.detail:empty{display:none}
li[data-state=running] .icon,li[data-state=running] .state{color:#1d4e89}
li[data-state=done] .icon{color:#389e0d}li[data-state=failed] .icon,li[data-state=failed] .state{color:#cf1322}
li[data-state=waiting] .label{color:#8c8c8c}
#line.failed{color:#cf1322}
footer{margin-top:16px;font-size:12px;color:#8c8c8c}
@media (max-width:480px){main{margin:0;border-radius:0;min-height:100vh;box-sizing:border-box;padding:20px 16px}}
</style>
</head>
<body>
<main id="starting" data-state="${s.state}" data-templates="${esc(JSON.stringify(templates))}">
<h1>${esc(t("heading"))}</h1>
<p>${esc(t("intro"))}</p>
<div class="bar"><progress id="bar" max="100" value="${s.percent}"></progress><span id="percent">${esc(t("percent", { percent: s.percent }))}</span></div>
<p id="line" role="status" aria-live="polite"${s.state === "failed" ? ' class="failed"' : ""}>${esc(line)}</p>
<ol id="steps">${steps}</ol>
<noscript><p>${esc(t("noscript"))}</p></noscript>
<footer>${esc(t("terminal"))}</footer>
</main>
<script nonce="${nonce}">
(function () {
  var root = document.getElementById("starting");
  var tpl = JSON.parse(root.getAttribute("data-templates"));
  var fill = function (s, v) { return s.replace(/\\{(\\w+)\\}/g, function (_, k) { return v[k] === undefined ? "" : String(v[k]); }); };
  var icons = ${JSON.stringify(ICON)};
  function render(s) {
    root.setAttribute("data-state", s.state);
    document.getElementById("bar").value = s.percent;
    document.getElementById("percent").textContent = fill(tpl.percent, { percent: s.percent });
    var line = document.getElementById("line");
    line.className = s.state === "failed" ? "failed" : "";
    line.textContent = s.state === "failed" ? fill(tpl.failed, { error: s.error || "" })
      : s.remainingS === null ? fill(tpl.elapsedOnly, { elapsed: Math.round(s.elapsedS) })
      : fill(tpl.elapsed, { elapsed: Math.round(s.elapsedS), remaining: s.remainingS });
    s.steps.forEach(function (st) {
      var li = document.querySelector('li[data-step="' + st.key + '"]');
      if (!li) return;
      li.setAttribute("data-state", st.state);
      li.querySelector(".icon").textContent = icons[st.state] || "";
      li.querySelector(".state").textContent = tpl.states[st.state] || "";
      li.querySelector(".sec").textContent = st.seconds === null ? "" : fill(tpl.seconds, { seconds: Math.round(st.seconds) });
      li.querySelector(".detail").textContent = st.detail === null ? "" : st.detail === "unchanged" ? tpl.unchanged : st.detail;
    });
  }
  // the status while this server answers; once it has gone, the sign-in page, until the app answers it
  var probe = "${STATUS_PATH}";
  function poll() {
    fetch(probe, { cache: "no-store" }).then(function (r) {
      if (r.headers.get("x-tqe-starting") !== "1") { location.reload(); return; }
      if (probe !== "${STATUS_PATH}") { probe = "${STATUS_PATH}"; setTimeout(poll, 200); return; }
      return r.json().then(function (s) { render(s); setTimeout(poll, s.state === "failed" ? 5000 : 1000); });
    }).catch(function () {
      // between this server closing and the app listening the port answers nothing for a moment
      // (the browser logs each refused attempt)
      document.getElementById("line").textContent = tpl.handover;
      probe = "/signin";
      setTimeout(poll, 500);
    });
  }
  setTimeout(poll, 1000);
})();
</script>
</body>
</html>`;
}

/** The request handler of the starting server: the page, its status, 503 for everything else. */
export function startingHandler(snapshot: () => Snapshot) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const s = snapshot();
    const url = req.url ?? "/";
    res.setHeader("x-tqe-starting", "1");
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "same-origin");
    res.setHeader("X-Frame-Options", "DENY");
    if (req.method === "GET" && url.split("?")[0] === STATUS_PATH) {
      res.writeHead(200, { "Content-Type": "application/json; charset=utf-8" });
      res.end(JSON.stringify({ starting: true, ...s }));
      return;
    }
    const locale = localeOf(req);
    res.setHeader("Retry-After", "5");
    const html = req.method === "GET" && !url.startsWith("/api/") && (req.headers.accept ?? "text/html").includes("text/html");
    if (!html) {
      res.writeHead(503, { "Content-Type": "application/json; charset=utf-8" });
      res.end(JSON.stringify({ error: translator(locale)("api") }));
      return;
    }
    const nonce = randomBytes(16).toString("base64");
    res.setHeader(
      "Content-Security-Policy",
      [
        "default-src 'none'",
        `script-src 'nonce-${nonce}'`,
        `style-src 'nonce-${nonce}'`,
        "connect-src 'self'",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ].join("; "),
    );
    res.writeHead(503, { "Content-Type": "text/html; charset=utf-8" });
    res.end(startingPage(s, locale, nonce));
  };
}
