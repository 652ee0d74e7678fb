import { Serializer, type JsonObjectProperty } from "survey-core";

/**
 * Walks a plain SurveyJS JSON definition the way survey-core reads it, so that checks can
 * look at the raw JSON (with exact paths such as `survey.pages[0].elements[2].choices[1]`)
 * while knowing which SurveyJS class each object becomes and which properties are
 * localizable. Unknown properties and types are skipped here (survey-core reports them).
 */

export type Json = Record<string, unknown>;

export type WalkNode = {
  /** The JSON value: an object, or a primitive shorthand for an item value (`"a"`, `3`). */
  value: unknown;
  /** SurveyJS class name: "survey", "page", "radiogroup", "choiceitem", "matrixdropdowncolumn", … */
  className: string;
  path: string;
  /** The property of the parent that holds this node ("pages", "elements", "choices", …). */
  via?: string;
  parent?: WalkNode;
  /** Localizable properties present on this object. */
  localizable: { key: string; value: unknown; path: string }[];
};

export function isJsonObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Array.isArray, narrowing to `unknown[]` (JSON's elements are not known yet), not `any[]`. */
export function isJsonArray(v: unknown): v is unknown[] {
  return Array.isArray(v);
}

const hasClass = (name: string) => !!Serializer.findClass(name);

function findProperty(className: string, key: string, node: Json, parent?: WalkNode): JsonObjectProperty | null {
  const own = Serializer.findProperty(className, key);
  if (own) return own;
  // Matrix (dropdown/dynamic) columns take the properties of their cell question.
  if (className === "matrixdropdowncolumn") {
    const cell = columnCellType(node, parent);
    return Serializer.findProperty(cell, key);
  }
  return null;
}

/** The cell type a matrixdropdown/matrixdynamic column renders ("dropdown" unless set). */
export function columnCellType(column: Json, matrix?: WalkNode): string {
  const own = typeof column.cellType === "string" ? column.cellType : "default";
  if (own !== "default") return own.toLowerCase();
  const m = matrix && isJsonObject(matrix.value) ? matrix.value : {};
  return typeof m.cellType === "string" && m.cellType !== "default" ? m.cellType.toLowerCase() : "dropdown";
}

function classForElement(prop: JsonObjectProperty, value: unknown): string | undefined {
  let name = prop.className || (isJsonObject(value) && typeof value.type === "string" ? value.type : undefined);
  if (!name) return undefined;
  name = name.toLowerCase();
  const part = prop.classNamePart;
  if (part && !name.includes(part)) name += part;
  return hasClass(name) ? name : undefined;
}

/** Calls `visit` for every object of the definition, parents before children. */
export function walkSurvey(survey: Json, visit: (node: WalkNode) => void): void {
  walkObject(survey, "survey", "survey", undefined, undefined, visit);
}

function walkObject(
  obj: unknown,
  className: string,
  path: string,
  via: string | undefined,
  parent: WalkNode | undefined,
  visit: (node: WalkNode) => void,
) {
  const node: WalkNode = { value: obj, className, path, via, parent, localizable: [] };
  if (!isJsonObject(obj)) {
    visit(node);
    return;
  }
  const children: [JsonObjectProperty, string, unknown][] = [];
  for (const [key, value] of Object.entries(obj)) {
    const prop = findProperty(className, key, obj, parent);
    if (!prop) continue;
    if (prop.isLocalizable) {
      node.localizable.push({ key, value, path: `${path}.${key}` });
      continue;
    }
    children.push([prop, key, value]);
  }
  visit(node);
  for (const [prop, key, value] of children) {
    if (Array.isArray(value)) {
      if (!prop.className && !prop.baseClassName && !prop.classNamePart) continue;
      value.forEach((el, i) => {
        const cls = classForElement(prop, el);
        if (cls) walkObject(el, cls, `${path}.${key}[${i}]`, key, node, visit);
      });
    } else if (isJsonObject(value) && prop.className && hasClass(prop.className)) {
      walkObject(value, prop.className.toLowerCase(), `${path}.${key}`, key, node, visit);
    }
  }
}

export type SurveyQuestion = {
  name: string;
  /** SurveyJS question type, lower case ("radiogroup", "matrix", …). */
  type: string;
  path: string;
  json: Json;
};

const CONTAINER_TYPES = new Set(["panel", "paneldynamic"]);

/**
 * The questions of a SurveyJS JSON definition in document order, walking pages, elements,
 * `questions` and panels (also the template of dynamic panels) recursively. Panels
 * themselves are not listed; dynamic panels are (they hold a value).
 */
export function surveyQuestions(survey: unknown): SurveyQuestion[] {
  const out: SurveyQuestion[] = [];
  if (!isJsonObject(survey)) return out;
  const elements = (container: Json, path: string) => {
    for (const key of ["elements", "questions", "templateElements"]) {
      const list = container[key];
      if (!Array.isArray(list)) continue;
      list.forEach((el, i) => {
        if (!isJsonObject(el)) return;
        const p = `${path}.${key}[${i}]`;
        const type = typeof el.type === "string" ? el.type.toLowerCase() : "";
        if (type !== "panel" && typeof el.name === "string") out.push({ name: el.name, type, path: p, json: el });
        if (CONTAINER_TYPES.has(type)) elements(el, p);
      });
    }
  };
  elements(survey, "survey");
  if (Array.isArray(survey.pages)) {
    survey.pages.forEach((page, i) => {
      if (isJsonObject(page)) elements(page, `survey.pages[${i}]`);
    });
  }
  return out;
}

/** An item value given either as an object `{ value, text }` or as a primitive shorthand. */
export function itemValue(v: unknown): unknown {
  return isJsonObject(v) ? v.value : v;
}
