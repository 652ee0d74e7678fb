/**
 * The first page of a survey as plain HTML, for the answer form to show before SurveyJS has
 * loaded. On a slow phone survey-core takes seconds to arrive and parse; until then the page
 * shows this: the same questions with native controls (radio buttons, a textarea), which
 * work with no script at all. The form reads what was tapped or typed here when SurveyJS
 * mounts, gives it to the model as answers and hides this copy
 * (app/_student/RespondForm.tsx, app/_components/survey/early.ts).
 *
 * The markup is SurveyJS's own for these question types (its class names, with its CSS and
 * the app's theme variables), so the swap does not move anything on the screen; what
 * SurveyJS shows with a class set by script (a chosen option) follows the native control
 * here (app/_components/survey/plain.css).
 *
 * Only what can be shown exactly is rendered: a page of radio groups, rating scales, comment
 * boxes and html elements, with no condition, piping or setting this renderer does not know.
 * Anything else on the first page, or in the survey's settings, gives null and the form shows
 * its skeleton as before; so a survey is never shown differently from how SurveyJS would show it.
 *
 * Content never runs as script: every text is escaped (SurveyJS shows titles, descriptions and
 * choices as text too: no markdown handler is registered), and html elements pass the
 * instruments' allow-list (safeMarkup). The controls sit in no <form>, so nothing can be
 * submitted from here (an answer only ever leaves the device through the sealed submit), and
 * their names are prefixed so they never join SurveyJS's radio groups.
 */
import { safeMarkup } from "@/server/shared/instruments/markup";
import { at } from "@/server/shared/indexed";

export type PlainLocale = "zh" | "en";

/** SurveyJS's own navigation texts (survey-core's zh-cn and en strings; plain.test.ts compares them). */
export const SURVEYJS_TEXTS: Record<PlainLocale, { next: string; complete: string; progress: string }> = {
  zh: { next: "下一页", complete: "提交问卷", progress: "第 {0} 页, 共 {1} 页" },
  en: { next: "Next", complete: "Complete", progress: "Page {0} of {1}" },
};

const SURVEY_KEYS = new Set([
  "title",
  "description",
  "showQuestionNumbers",
  "showProgressBar",
  "pages",
  "completedHtml",
  "completedBeforeHtml",
  "loadingHtml",
  "pageNextText",
  "completeText",
]);
const PAGE_KEYS = new Set(["name", "title", "description", "elements"]);
const QUESTION_KEYS: Record<string, Set<string>> = {
  radiogroup: new Set(["type", "name", "title", "isRequired", "choices", "colCount"]),
  rating: new Set(["type", "name", "title", "isRequired", "rateMin", "rateMax", "rateStep", "minRateDescription", "maxRateDescription"]),
  comment: new Set(["type", "name", "title", "isRequired", "maxLength", "placeholder"]),
  html: new Set(["type", "name", "html"]),
};
/** Prefix of the controls' names: never a SurveyJS radio group's name ("<question>_sq_<n>"). */
export const PLAIN_NAME_PREFIX = "tqe-plain:";

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

class Unsupported extends Error {}
const unsupported = (why: string): never => {
  throw new Unsupported(why);
};

/** A localizable SurveyJS string in the given language, as SurveyJS picks it; text with piping ("{q1}") is not rendered here. */
function text(v: unknown, locale: PlainLocale, what: string): string {
  let s: unknown = v;
  if (isObject(v)) s = (locale === "en" ? v.en : v["zh-cn"]) ?? v.default;
  if (s === undefined || s === null) return "";
  if (typeof s !== "string" && typeof s !== "number") return unsupported(`${what}: not a text`);
  const out = String(s);
  if (out.includes("{")) unsupported(`${what}: piping`);
  return out;
}

const viewer = (s: string, multiline = true) =>
  `<span class="sv-string-viewer${multiline ? " sv-string-viewer--multiline" : ""}">${esc(s)}</span>`;

function onlyKeys(o: Record<string, unknown>, allowed: Set<string>, what: string) {
  for (const k of Object.keys(o)) if (!allowed.has(k)) unsupported(`${what}: ${k}`);
}

type Ctx = { locale: PlainLocale; number: number | null; ids: number };

function titleBlock(q: Record<string, unknown>, ctx: Ctx, id: string): string {
  const title = text(q.title, ctx.locale, `${String(q.name)}.title`) || String(q.name);
  const required = q.isRequired === true;
  if (q.isRequired !== undefined && typeof q.isRequired !== "boolean") unsupported("isRequired");
  // The spaces are SurveyJS's own (a no-break space after the number and before the mark).
  const num =
    ctx.number === null
      ? ""
      : `<span class="sd-element__num" style="position:static" aria-hidden="true">${ctx.number++}.</span><span>&nbsp;</span>`;
  const req = required ? `<span>&nbsp;</span><span class="sd-question__required-text" aria-hidden="true">*</span>` : "";
  return (
    `<div class="sd-question__header sd-element__header sd-question__header--location-top sd-element__header--location-top">` +
    `<div class="sd-title sd-element__title sd-question__title${required ? " sd-question__title--required" : ""}" id="${id}_ariaTitle">` +
    `<div class="sv-title-actions"><span class="sv-title-actions__title">${num}${viewer(title)}${req}</span></div></div></div>`
  );
}

function questionBox(q: Record<string, unknown>, ctx: Ctx, body: (id: string) => string, extraClass = ""): string {
  const id = `tqe-plain-${ctx.ids++}`;
  const head = titleBlock(q, ctx, id);
  return (
    `<div class="sd-row sd-clearfix sd-page__row"><div style="flex-grow:1;flex-shrink:1;flex-basis:100%;min-width:min(100%, 300px);max-width:100%">` +
    `<div id="${id}" class="sd-element--with-frame sd-element sd-question sd-row__question sd-question--title-top${extraClass}" data-plain-question="${esc(String(q.name))}">` +
    head +
    body(id) +
    `</div></div></div>`
  );
}

/** A choice's value as the control carries it: JSON, read back exactly (numbers stay numbers). */
const valueAttr = (v: unknown) => esc(JSON.stringify(v));

function radiogroup(q: Record<string, unknown>, ctx: Ctx): string {
  if (!Array.isArray(q.choices) || q.choices.length === 0) return unsupported("choices");
  const choices = q.choices.map((c: unknown) => {
    const value = isObject(c) ? c.value : c;
    if (typeof value !== "string" && typeof value !== "number") return unsupported("choice value");
    if (isObject(c)) onlyKeys(c, new Set(["value", "text"]), "choice");
    return { value, label: isObject(c) && c.text !== undefined ? text(c.text, ctx.locale, "choice") : String(value) };
  });
  const colCount = q.colCount ?? 1;
  // One column (SurveyJS's default), or one column per choice: SurveyJS's layouts that are
  // certain; other column counts distribute the choices in ways not copied here.
  if (colCount !== 1 && colCount !== choices.length) unsupported("colCount");
  const name = esc(PLAIN_NAME_PREFIX + String(q.name));
  return questionBox(q, ctx, (id) => {
    const item = (c: { value: string | number; label: string }, i: number, colClass: string) =>
      `<div class="sd-item sd-radio sd-selectbase__item${colClass} sd-item--allowhover sd-radio--allowhover" role="presentation">` +
      `<label class="sd-selectbase__label"><input class="sd-visuallyhidden sd-item__control sd-radio__control" id="${id}i_${i}" type="radio" name="${name}" value="${valueAttr(c.value)}"/>` +
      `<span class="sd-item__decorator sd-radio__decorator"></span><span class="sd-item__control-label">${viewer(c.label, false)}</span></label></div>`;
    const items =
      colCount === 1
        ? choices.map((c, i) => item(c, i, " sv-q-col-1")).join("")
        : `<div class="sd-selectbase--multi-column">${choices
            .map((c, i) => `<div class="sd-selectbase__column sv-q-column-${choices.length}" role="presentation">${item(c, i, "")}</div>`)
            .join("")}</div>`;
    return (
      `<div class="sd-element__content sd-question__content" role="presentation">` +
      `<fieldset class="sd-selectbase" role="radiogroup" aria-required="${q.isRequired === true}" aria-labelledby="${id}_ariaTitle">${items}</fieldset></div>`
    );
  });
}

function rating(q: Record<string, unknown>, ctx: Ctx): string {
  const [min, max, step] = [q.rateMin ?? 1, q.rateMax ?? 5, q.rateStep ?? 1];
  if (![min, max, step].every((n) => Number.isInteger(n)) || (step as number) <= 0 || (max as number) < (min as number))
    return unsupported("rate scale");
  const values: number[] = [];
  for (let v = min as number; v <= (max as number); v += step as number) values.push(v);
  if (values.length > 10) unsupported("rate scale: long");
  const name = esc(PLAIN_NAME_PREFIX + String(q.name));
  const minText = text(q.minRateDescription, ctx.locale, "minRateDescription");
  const maxText = text(q.maxRateDescription, ctx.locale, "maxRateDescription");
  return questionBox(q, ctx, (id) => {
    const items = values
      .map(
        (v, i) =>
          `<label class="sd-rating__item sd-rating__item--allowhover${String(v).length <= 2 ? " sd-rating__item--fixed-size" : ""}">` +
          `<input type="radio" class="sv-visuallyhidden" id="${id}i_${i}" name="${name}" value="${valueAttr(v)}"/>` +
          `<span class="sd-rating__item-text" data-text="${v}">${viewer(String(v), false)}</span></label>`,
      )
      .join("");
    const extreme = (s: string, cls: string) => (s ? `<span class="sd-rating__item-text ${cls}">${viewer(s, false)}</span>` : "");
    return (
      `<div class="sd-element__content sd-question__content" role="presentation"><div class="sd-scrollable-container sd-rating sd-rating--wrappable">` +
      `<fieldset role="radiogroup" aria-required="${q.isRequired === true}" aria-labelledby="${id}_ariaTitle"><legend role="presentation" class="sv-hidden"></legend>` +
      extreme(minText, "sd-rating__min-text") +
      items +
      extreme(maxText, "sd-rating__max-text") +
      `</fieldset></div></div>`
    );
  });
}

function comment(q: Record<string, unknown>, ctx: Ctx): string {
  const max = q.maxLength;
  if (max !== undefined && !(Number.isInteger(max) && (max as number) > 0)) unsupported("maxLength");
  const placeholder = text(q.placeholder, ctx.locale, "placeholder");
  // No maxlength attribute: the form refuses a longer text rather than cutting it
  // (app/_components/survey/lengthLimit.ts); the counter shows the limit as SurveyJS's does.
  return questionBox(
    q,
    ctx,
    (id) =>
      `<div class="sd-comment__content sd-question__content" role="presentation">` +
      `<textarea id="${id}i" name="${esc(PLAIN_NAME_PREFIX + String(q.name))}" class="sd-input sd-comment" rows="4"${placeholder ? ` placeholder="${esc(placeholder)}"` : ""}` +
      ` aria-required="${q.isRequired === true}" aria-labelledby="${id}_ariaTitle" style="resize:vertical"></textarea>` +
      (max ? `<div class="sd-remaining-character-counter">0/${max as number}</div>` : "") +
      `</div>`,
    " sd-row__question--small",
  );
}

function html(q: Record<string, unknown>, ctx: Ctx): string {
  const markup = text(q.html, ctx.locale, "html");
  return (
    `<div class="sd-row sd-clearfix sd-page__row"><div style="flex-grow:1;flex-shrink:1;flex-basis:100%;min-width:min(100%, 300px);max-width:100%">` +
    `<div id="tqe-plain-${ctx.ids++}" class="sd-element sd-question sd-row__question sd-question--html">` +
    `<div class="sd-element__content sd-question__content" role="presentation"><div class="sd-html">${safeMarkup(markup)}</div></div></div></div></div>`
  );
}

const RENDER: Record<string, (q: Record<string, unknown>, ctx: Ctx) => string> = { radiogroup, rating, comment, html };

export type PlainOptions = {
  locale: PlainLocale;
  /** CSS custom properties of the form's SurveyJS theme, set on the root as SurveyJS's applyTheme does. */
  cssVariables?: Record<string, string>;
};

/**
 * The survey's first page as SurveyJS would render it, in plain HTML with native controls, or
 * null when the survey has anything this renderer does not show exactly (see the header).
 */
export function plainFirstPage(survey: unknown, opts: PlainOptions): string | null {
  try {
    return render(survey, opts);
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}

function render(survey: unknown, { locale, cssVariables = {} }: PlainOptions): string {
  if (!isObject(survey)) return unsupported("survey");
  onlyKeys(survey, SURVEY_KEYS, "survey");
  const pages = survey.pages;
  if (!Array.isArray(pages) || pages.length === 0 || !pages.every(isObject)) return unsupported("pages");
  for (const p of pages) onlyKeys(p, PAGE_KEYS, "page");
  const page = at(pages, 0);
  const elements = page.elements;
  if (!Array.isArray(elements) || elements.length === 0) return unsupported("elements");

  const numbers = survey.showQuestionNumbers ?? "on";
  if (!["on", "off", "onPage", true, false].includes(numbers as string | boolean)) unsupported("showQuestionNumbers");
  const ctx: Ctx = { locale, number: numbers === "off" || numbers === false ? null : 1, ids: 0 };
  const rows = elements
    .map((e) => {
      if (!isObject(e) || typeof e.type !== "string" || typeof e.name !== "string") return unsupported("element");
      const draw = RENDER[e.type];
      const keys = QUESTION_KEYS[e.type];
      if (!draw || !keys) return unsupported(`type ${e.type}`);
      onlyKeys(e, keys, e.type);
      return draw(e, ctx);
    })
    .join("");

  const progress = survey.showProgressBar ?? "off";
  if (!["off", "top", false].includes(progress as string | boolean)) unsupported("showProgressBar");
  const showProgress = progress === "top" && pages.length > 1;
  const progressText = SURVEYJS_TEXTS[locale].progress.replace("{0}", "1").replace("{1}", String(pages.length));
  const title = text(survey.title, locale, "title");
  const description = text(survey.description, locale, "description");
  const pageTitle = text(page.title, locale, "page.title");
  const pageDescription = text(page.description, locale, "page.description");
  const last = pages.length === 1;
  const navText =
    text(last ? survey.completeText : survey.pageNextText, locale, "navigation") || SURVEYJS_TEXTS[locale][last ? "complete" : "next"];
  const style = Object.entries(cssVariables)
    .filter(([k]) => /^--[A-Za-z0-9-]+$/.test(k))
    .map(([k, v]) => `${k}:${v.replace(/[;"<>{}]/g, "")}`)
    .join(";");

  const header =
    title || description
      ? `<div class="sd-title sd-container-modern__title"><div class="sd-header__text">` +
        (title ? `<div class="sd-title">${viewer(title, false)}</div>` : "") +
        (description ? `<div class="sd-description">${viewer(description)}</div>` : "") +
        `</div></div>`
      : "";
  const dots = pages
    .map(
      (_, i) =>
        `<li class="${i === 0 ? "sd-progress-buttons__list-element--current" : ""}"><div class="sd-progress-buttons__connector"></div>` +
        `<div class="sd-progress-buttons__button"><div class="sd-progress-buttons__button-background"></div><div class="sd-progress-buttons__button-content"></div><span></span></div></li>`,
    )
    .join("");
  const progressBar = showProgress
    ? `<div class="sv-components-column sv-components-container-center"><div class="sd-progress-buttons__container-center sd-progress-buttons sd-progress-buttons--top sd-progress-buttons--no-titles" style="--sd-progress-buttons-pages-count:${pages.length}" aria-hidden="true">` +
      `<div class="sd-progress-buttons__container"><div class="sd-progress-buttons__image-button-left sd-progress-buttons__image-button--hidden"></div>` +
      `<div class="sd-progress-buttons__list-container"><ul class="sd-progress-buttons__list">${dots}</ul></div>` +
      `<div class="sd-progress-buttons__image-button-right sd-progress-buttons__image-button--hidden"></div></div>` +
      `<div class="sd-progress-buttons__footer"><div class="sd-progress-buttons__page-title">${esc(progressText)}</div></div></div></div>`
    : "";
  const pageHead =
    (pageTitle ? `<div class="sd-title sd-page__title">${viewer(pageTitle)}</div>` : "") +
    (pageDescription ? `<div class="sd-description sd-page__description">${viewer(pageDescription)}</div>` : "");
  // The button is SurveyJS's (the same <input type="button">), in a label with a radio: a tap
  // checks the radio natively, so it is kept in the page before any script has run, shows as
  // pending (plain.css), and is carried out when SurveyJS mounts (SurveyFormImpl). The button
  // itself takes no pointer or focus: the tap goes to the label, the keyboard to the radio.
  const navKind = last ? "complete" : "next";
  const nav =
    `<div class="sv-components-column sv-components-container-contentBottom"><div class="sd-action-bar sd-footer sd-body__navigation sd-clearfix">` +
    `<div class="sv-action"><div class="sv-action__content"><label class="tqe-plain__nav">` +
    `<input type="radio" class="sd-visuallyhidden" name="tqe-plain-nav" value="${navKind}" data-plain-nav-request="${navKind}" aria-label="${esc(navText)}"/>` +
    `<input class="sd-btn${last ? " sd-btn--action sd-navigation__complete-btn" : " sd-navigation__next-btn"}" type="button" tabindex="-1" aria-hidden="true" data-plain-nav="${navKind}" value="${esc(navText)}"/>` +
    `</label></div></div></div></div>`;

  return (
    `<div class="sd-root-modern${showProgress ? " sd-progress--pages" : ""} sd-root-modern--full-container" lang="${locale === "en" ? "en" : "zh-cn"}" style="${esc(style)}">` +
    `<div class="sv-scroll__wrapper"><div class="sv-scroll__scroller"><div class="sv-scroll__container"><div class="sd-root-modern__wrapper"><div class="tqe-plain__form">` +
    `<div class="sd-container-modern">${header}<div class="sv-components-row"><div class="sv-components-column sv-components-column--expandable">${progressBar}` +
    `<div class="sd-body sd-body--static"><div class="sd-page${pageHead ? "" : " sd-page__empty-header"}">${pageHead}${rows}</div>${nav}</div></div></div></div>` +
    `</div></div></div></div></div></div>`
  );
}
