// The architecture's arrows as lint rules (see README "Architecture" and server/shared/README.md):
//
//   architecture/layers   server/<domain> never imports server/api or app/ (tests excepted:
//                         they stand above the layers); db/ never imports
//                         server/ or app/; server/shared/ is isomorphic: it imports values only
//                         from itself and from packages (no node:* builtins, no server-only).
//   architecture/client   client code (a "use client" file, and every app/ module such a file
//                         imports, transitively) imports from server/ and db/ types only, values
//                         only from server/shared/ (and db/schema/enums.ts, plain constants).
//   architecture/no-cycle no cycle of value imports between the project's modules (type-only
//                         imports are erased and do not count).
//
// Imports are resolved as TypeScript does here: "@/x" is the project root (tsconfig paths),
// "./x" and "../x" relative, with .ts/.tsx/index.ts(x). The project's import graph (for the
// client closure and the cycles) is parsed once per lint run from the files under the root.
import fs from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import ts from "typescript";

const SOURCE_DIRS = ["app", "server", "db", "surveys", "e2e", "bench"];
const SKIP_DIRS = new Set(["node_modules", ".next", ".data", "migrations"]);
const EXTENSIONS = [".ts", ".tsx"];

/** The project root: settings.architecture.root, else the directory ESLint runs in. */
function rootOf(context) {
  return path.resolve(context.settings?.architecture?.root ?? context.cwd);
}

function isFile(p) {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The project file an import specifier names (relative to the root, "/"-separated), or null for a package. */
export function resolveImport(root, fromFile, spec) {
  let base;
  if (spec.startsWith("@/")) base = path.join(root, spec.slice(2));
  else if (spec === "." || spec === ".." || spec.startsWith("./") || spec.startsWith("../"))
    base = path.resolve(path.dirname(fromFile), spec);
  else return null;
  const candidates = [base, ...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => path.join(base, "index" + e))];
  if (/\.js$/.test(base)) candidates.push(...EXTENSIONS.map((e) => base.replace(/\.js$/, e)));
  const found = candidates.find(isFile);
  return path
    .relative(root, found ?? base)
    .split(path.sep)
    .join("/");
}

function listSources(root) {
  const out = [];
  const walk = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith(".")) walk(`${dir}/${e.name}`);
      } else if (/\.(ts|tsx)$/.test(e.name) && !e.name.endsWith(".d.ts")) out.push(`${dir}/${e.name}`);
    }
  };
  for (const d of SOURCE_DIRS) walk(d);
  return out;
}

/** A file's imports, parsed without type information: [{ target, typeOnly }] for project files. */
function importsOf(root, file) {
  const abs = path.join(root, file);
  const sf = ts.createSourceFile(
    abs,
    fs.readFileSync(abs, "utf8"),
    ts.ScriptTarget.Latest,
    false,
    file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const out = [];
  let useClient = false;
  for (const st of sf.statements) {
    if (ts.isExpressionStatement(st) && ts.isStringLiteral(st.expression) && st.expression.text === "use client") useClient = true;
    let spec = null;
    let typeOnly = false;
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      spec = st.moduleSpecifier.text;
      const c = st.importClause;
      typeOnly =
        !!c &&
        (c.isTypeOnly ||
          (!c.name &&
            !!c.namedBindings &&
            ts.isNamedImports(c.namedBindings) &&
            c.namedBindings.elements.length > 0 &&
            c.namedBindings.elements.every((e) => e.isTypeOnly)));
    } else if (ts.isExportDeclaration(st) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
      spec = st.moduleSpecifier.text;
      typeOnly =
        st.isTypeOnly ||
        (!!st.exportClause &&
          ts.isNamedExports(st.exportClause) &&
          st.exportClause.elements.length > 0 &&
          st.exportClause.elements.every((e) => e.isTypeOnly));
    }
    if (spec === null) continue;
    const target = resolveImport(root, abs, spec);
    if (target) out.push({ target, typeOnly });
  }
  return { useClient, imports: out };
}

const graphs = new Map();

/** The project's value-import graph, the client closure and the cycles, computed once per root. */
function graphOf(root) {
  let g = graphs.get(root);
  if (g) return g;
  const files = listSources(root);
  const edges = new Map();
  const clientRoots = [];
  for (const f of files) {
    const { useClient, imports } = importsOf(root, f);
    edges.set(
      f,
      imports.filter((i) => !i.typeOnly).map((i) => i.target),
    );
    if (useClient) clientRoots.push(f);
  }
  // Client code: the "use client" files and the app/ modules they import as values.
  const client = new Set();
  const stack = [...clientRoots];
  while (stack.length > 0) {
    const f = stack.pop();
    if (f === undefined || client.has(f)) continue;
    client.add(f);
    for (const t of edges.get(f) ?? []) if (t.startsWith("app/")) stack.push(t);
  }
  // Strongly connected components (Tarjan): a file in a component of two or more is in a cycle.
  const component = new Map();
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const s = [];
  let next = 0;
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    s.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!edges.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const members = [];
      let w;
      do {
        w = s.pop();
        onStack.delete(w);
        members.push(w);
      } while (w !== v);
      if (members.length > 1) for (const m of members) component.set(m, members);
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  g = { edges, client, component };
  graphs.set(root, g);
  return g;
}

/** One path of value imports from `from` back to `to` inside their component, for the message. */
function cyclePath(g, from, to) {
  const members = new Set(g.component.get(from) ?? []);
  const prev = new Map([[from, null]]);
  const queue = [from];
  while (queue.length > 0) {
    const v = queue.shift();
    if (v === to) break;
    for (const w of g.edges.get(v) ?? []) {
      if (members.has(w) && !prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  const chain = [];
  for (let v = to; v !== null && v !== undefined; v = prev.get(v)) chain.unshift(v);
  return chain;
}

/** Calls check(node, spec, typeOnly) for every static import, re-export and dynamic import(). */
function eachImport(check) {
  const typeOnlyImport = (node) =>
    node.importKind === "type" ||
    (node.specifiers.length > 0 && node.specifiers.every((s) => s.type === "ImportSpecifier" && s.importKind === "type"));
  const typeOnlyExport = (node) =>
    node.exportKind === "type" || (node.specifiers?.length > 0 && node.specifiers.every((s) => s.exportKind === "type"));
  return {
    ImportDeclaration: (node) => check(node, node.source.value, typeOnlyImport(node)),
    ExportNamedDeclaration: (node) => node.source && check(node, node.source.value, typeOnlyExport(node)),
    ExportAllDeclaration: (node) => check(node, node.source.value, node.exportKind === "type"),
    ImportExpression: (node) =>
      node.source.type === "Literal" && typeof node.source.value === "string" && check(node, node.source.value, false),
  };
}

function fileOf(context) {
  const root = rootOf(context);
  return { root, file: path.relative(root, context.filename).split(path.sep).join("/") };
}

const inDir = (file, dir) => file === dir || file.startsWith(dir + "/");

/**
 * Modules outside server/shared/ that client code may import values from, each with its reason.
 * They must stay import-free (the layers rule checks it), so they stay browser-safe.
 */
const BROWSER_SAFE = new Map([
  // The schema's plain constants (roles, kinds).
  ["db/schema/enums.ts", "plain constants"],
  // Beijing time: pure date arithmetic with a fixed offset, used by server code, SQL helpers
  // and the pages' date pickers alike; it belongs to the kernel, not to the isomorphic layer.
  ["server/kernel/time.ts", "pure Beijing-time arithmetic"],
]);

/** @type {import("eslint").Rule.RuleModule} */
const layers = {
  meta: {
    type: "problem",
    docs: { description: "The architecture's arrows: app → server/api → server/<domain> → db; server/shared is isomorphic." },
    schema: [],
    messages: {
      domainUp: "server/<domain> must not import {{target}}: domains do not depend on server/api or app/ (arrows point down).",
      dbUp: "db/ must not import {{target}}: db/ imports nothing from server/ or app/ (inject what it needs).",
      sharedValue: "server/shared/ is isomorphic: import values only from server/shared/ and packages, not {{target}} (types are fine).",
      sharedNode: "server/shared/ runs in the browser too: no {{target}}.",
      browserSafeValue: "{{file}} is imported by client code ({{reason}}): it imports no values, not {{target}}.",
    },
  },
  create(context) {
    const { root, file } = fileOf(context);
    // A domain: a folder under server/ other than api/ and test/ (the composition roots
    // server/*.ts and the test helpers wire the layers together).
    // Tests stand above the layers too (an integration test may call through the router).
    const isTest = /\.test\.tsx?$/.test(file);
    const isDomain =
      inDir(file, "server") && !inDir(file, "server/api") && !inDir(file, "server/test") && file.split("/").length > 2 && !isTest;
    return eachImport((node, spec, typeOnly) => {
      if (inDir(file, "server/shared")) {
        if (spec.startsWith("node:") || builtinModules.includes(spec) || spec === "server-only") {
          context.report({ node, messageId: "sharedNode", data: { target: spec } });
          return;
        }
      }
      const target = resolveImport(root, context.filename, spec);
      if (!target) return;
      if (isDomain && (inDir(target, "server/api") || inDir(target, "app")))
        context.report({ node, messageId: "domainUp", data: { target } });
      else if (inDir(file, "db") && (inDir(target, "server") || inDir(target, "app")))
        context.report({ node, messageId: "dbUp", data: { target } });
      else if (BROWSER_SAFE.has(file) && !typeOnly)
        context.report({ node, messageId: "browserSafeValue", data: { file, reason: BROWSER_SAFE.get(file), target } });
      else if (inDir(file, "server/shared") && !typeOnly && !inDir(target, "server/shared"))
        context.report({ node, messageId: "sharedValue", data: { target } });
    });
  },
};

/** @type {import("eslint").Rule.RuleModule} */
const client = {
  meta: {
    type: "problem",
    docs: { description: "Client code imports types only from server/ and db/, values only from server/shared/." },
    schema: [],
    messages: {
      serverValue:
        'client code (a "use client" file or an app/ module one imports) must not import values from {{target}}: use `import type`, or move isomorphic code to server/shared/.',
    },
  },
  create(context) {
    const { root, file } = fileOf(context);
    const g = graphOf(root);
    const useClient = context.sourceCode.ast.body.some((s) => s.type === "ExpressionStatement" && s.directive === "use client");
    if (!useClient && !g.client.has(file)) return {};
    return eachImport((node, spec, typeOnly) => {
      if (typeOnly) return;
      const target = resolveImport(root, context.filename, spec);
      if (!target) return;
      if (((inDir(target, "server") && !inDir(target, "server/shared")) || inDir(target, "db")) && !BROWSER_SAFE.has(target))
        context.report({ node, messageId: "serverValue", data: { target } });
    });
  },
};

/** @type {import("eslint").Rule.RuleModule} */
const noCycle = {
  meta: {
    type: "problem",
    docs: { description: "No cycle of value imports between the project's modules." },
    schema: [],
    messages: { cycle: "import cycle: {{chain}}. Move what both sides need into a module both import." },
  },
  create(context) {
    const { root, file } = fileOf(context);
    const g = graphOf(root);
    const members = g.component.get(file);
    if (!members) return {};
    return eachImport((node, spec, typeOnly) => {
      if (typeOnly) return;
      const target = resolveImport(root, context.filename, spec);
      if (!target || !members.includes(target)) return;
      context.report({ node, messageId: "cycle", data: { chain: [file, ...cyclePath(g, target, file)].join(" → ") } });
    });
  },
};

export const plugin = { meta: { name: "architecture" }, rules: { layers, client, "no-cycle": noCycle } };

/**
 * The flat-config block that turns the three rules on (root: where app/, server/, db/ are).
 * @param {string} root
 * @returns {import("eslint").Linter.Config}
 */
export function architecture(root) {
  return {
    files: ["**/*.{ts,tsx}"],
    plugins: { architecture: plugin },
    settings: { architecture: { root } },
    rules: { "architecture/layers": "error", "architecture/client": "error", "architecture/no-cycle": "error" },
  };
}
