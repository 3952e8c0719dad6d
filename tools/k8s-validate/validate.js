#!/usr/bin/env node
// Validates every object of rendered Kubernetes manifests (the output of
// `kubectl kustomize`) against the API schema of its apiVersion and kind,
// offline, with unknown fields rejected.
//
//   node validate.js FILE.yaml...        (multi-document YAML; "-" is stdin)
//
// Exit status 0 when every object is valid, 1 otherwise (every error is
// printed, naming the file, the object and the field), 2 on bad usage.
//
// Two checks, both from the pinned npm packages in package.json, so the
// result never depends on a cluster or on the network:
//
//  1. The JSON-schema validator that `kubernetes-models` compiles from the
//     Kubernetes OpenAPI document (and `@kubernetes-models/prometheus-operator`
//     from the prometheus-operator CRDs): types, integer vs. number, enums,
//     required fields, formats. It does NOT reject unknown fields (the
//     upstream schemas have no additionalProperties: false), which is the
//     mistake that matters most in hand-written YAML: a misspelled field is
//     silently dropped by the API server (`imagePullPolcy`, `readinesProbe`).
//  2. So each object is also type-checked as a TypeScript object literal
//     against the same package's interface (IDeployment, IServiceMonitor...).
//     TypeScript's excess-property check rejects every field the interface
//     does not declare, at any depth, and its type check catches wrong types.
//
// Objects whose apiVersion/kind no pinned package knows are errors too:
// nothing goes unchecked.
"use strict";

const fs = require("fs");
const path = require("path");
const YAML = require("yaml");
const ts = require("typescript");

// Packages that carry models, in lookup order. Each has one module per kind
// at <package>/<group>/<version>/<Kind> (core group: <package>/<version>/<Kind>)
// exporting the class <Kind> (with validate()) and the interface I<Kind>.
const SCHEMA_PACKAGES = ["kubernetes-models", "@kubernetes-models/prometheus-operator"];

function modelModule(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string" ||
      !/^[A-Za-z0-9]+$/.test(kind)) {
    return null;
  }
  // "apps/v1" -> apps/v1/Deployment; the core group's "v1" -> v1/ConfigMap.
  const suffix = `${apiVersion}/${kind}`;
  for (const pkg of SCHEMA_PACKAGES) {
    const id = `${pkg}/${suffix}`;
    try {
      const declarations = require.resolve(id).replace(/\.js$/, ".d.ts");
      // The models' index files re-export other kinds; the per-kind module
      // must itself declare the interface.
      if (!fs.readFileSync(declarations, "utf8").includes(`export interface I${kind} `)) {
        continue;
      }
      return id;
    } catch (e) {
      // Not in this package.
    }
  }
  return null;
}

function describe(obj, index) {
  const name = obj && obj.metadata && obj.metadata.name;
  const kind = (obj && obj.kind) || "?";
  return `${kind}/${name || "?"} (document ${index + 1})`;
}

function readDocuments(file, errors) {
  const text = file === "-" ? fs.readFileSync(0, "utf8") : fs.readFileSync(file, "utf8");
  const objects = [];
  // uniqueKeys: a duplicated key is an error, not "last one wins".
  const docs = YAML.parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true });
  docs.forEach((doc, i) => {
    for (const e of doc.errors) errors.push(`${file}: document ${i + 1}: YAML: ${e.message}`);
    if (doc.errors.length) return;
    const obj = doc.toJS();
    if (obj === null || obj === undefined) return; // an empty document
    if (typeof obj !== "object" || Array.isArray(obj)) {
      errors.push(`${file}: document ${i + 1}: not a Kubernetes object (a mapping)`);
      return;
    }
    // A List (kubectl's output format for several objects) is its items.
    if (obj.kind === "List" && Array.isArray(obj.items)) {
      obj.items.forEach((item) => objects.push({ file, index: i, obj: item }));
    } else {
      objects.push({ file, index: i, obj });
    }
  });
  return objects;
}

// Check 1: the compiled JSON-schema validators.
function schemaCheck(entry, moduleId, errors) {
  const kind = entry.obj.kind;
  const Model = require(moduleId)[kind];
  try {
    Model.prototype.validate.call(entry.obj);
  } catch (e) {
    const details = Array.isArray(e.errors) && e.errors.length
      ? e.errors.map((x) => `${x.instancePath || "/"} ${x.message}`)
      : [e.message];
    for (const d of details) {
      errors.push(`${entry.file}: ${describe(entry.obj, entry.index)}: schema: ${d}`);
    }
  }
}

// Check 2: every object as a typed literal in one in-memory TypeScript file,
// type-checked in one program (a few seconds for all objects together).
function typeCheck(entries, errors) {
  // The virtual file lives in this directory so that module resolution finds
  // ./node_modules; it is never written to disk.
  const virtualFile = path.join(__dirname, "__rendered_manifests__.ts");
  const lines = [];
  const spans = []; // [firstLine, lastLine, entry] of each object's literal
  entries.forEach((entry, i) => {
    lines.push(`import type { I${entry.obj.kind} as T${i} } from ${JSON.stringify(entry.moduleId)};`);
  });
  entries.forEach((entry, i) => {
    const body = JSON.stringify(entry.obj, null, 2).split("\n");
    const first = lines.length;
    lines.push(`export const o${i}: T${i} = ${body[0]}`);
    for (let k = 1; k < body.length; k++) lines.push(body[k]);
    lines[lines.length - 1] += ";";
    spans.push([first, lines.length - 1, entry]);
  });
  const source = lines.join("\n") + "\n";

  const options = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2020,
    lib: ["lib.es2020.d.ts"],
    types: [],
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
  };
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) =>
    path.resolve(fileName) === virtualFile
      ? ts.createSourceFile(fileName, source, languageVersion, true)
      : getSourceFile(fileName, languageVersion, onError, shouldCreate);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (f) => path.resolve(f) === virtualFile || fileExists(f);
  const readFile = host.readFile.bind(host);
  host.readFile = (f) => (path.resolve(f) === virtualFile ? source : readFile(f));

  const program = ts.createProgram([virtualFile], options, host);
  const sourceFile = program.getSourceFile(virtualFile);
  const checker = program.getTypeChecker();
  const where = (node) => {
    const line = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line;
    const span = spans.find(([a, b]) => line >= a && line <= b);
    return { line, entry: span && span[2] };
  };

  // Unknown fields: TypeScript's own excess-property error stops at the first
  // unknown field of an object (and hides the type errors next to it), so walk
  // every object literal and look each key up in its contextual type.
  const visit = (node) => {
    if (ts.isObjectLiteralExpression(node)) checkKeys(node);
    ts.forEachChild(node, visit);
  };
  const checkKeys = (literal) => {
    const contextual = checker.getContextualType(literal);
    if (!contextual) return;
    const type = checker.getNonNullableType(contextual);
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return; // free-form
    const members = type.isUnion() ? type.types : [type];
    if (members.some((m) => m.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown) ||
                            m.getStringIndexType())) {
      return; // a map (labels, data, limits...) or a free-form object
    }
    for (const prop of literal.properties) {
      if (!ts.isPropertyAssignment(prop)) continue;
      const key = prop.name.text;
      if (members.some((m) => checker.getPropertyOfType(m, key))) continue;
      const known = [...new Set(members.flatMap((m) => checker.getPropertiesOfType(m).map((p) => p.name)))];
      const { entry } = where(prop);
      const at = fieldPath(prop);
      const hint = closest(key, known);
      errors.push(`${entry.file}: ${describe(entry.obj, entry.index)}: unknown field ` +
                  `${at}` + (hint ? ` (did you mean "${hint}"?)` : ""));
    }
  };
  visit(sourceFile);

  // Everything else TypeScript finds (wrong types, missing required fields);
  // its excess-property errors (2353, 2561) are the walk's, reported above.
  const diagnostics = ts.getPreEmitDiagnostics(program)
    .filter((d) => d.code !== 2353 && d.code !== 2561);
  for (const d of diagnostics) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n    ");
    if (!d.file || path.resolve(d.file.fileName) !== virtualFile) {
      errors.push(`typescript: ${message}`);
      continue;
    }
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    const span = spans.find(([a, b]) => line >= a && line <= b);
    if (!span) {
      errors.push(`typescript (line ${line + 1} of the generated file): ${message}`);
      continue;
    }
    const entry = span[2];
    errors.push(`${entry.file}: ${describe(entry.obj, entry.index)}: ` +
                `at \`${lines[line].trim()}\`: ${message}`);
  }
}

// spec.template.spec.containers[0].imagePullPolcy, from the literal's nesting.
function fieldPath(node) {
  const parts = [];
  let n = node;
  while (n && !ts.isVariableDeclaration(n)) {
    if (ts.isPropertyAssignment(n)) {
      parts.unshift(`.${n.name.text}`);
    } else if (ts.isArrayLiteralExpression(n.parent) && !ts.isPropertyAssignment(n)) {
      parts.unshift(`[${n.parent.elements.indexOf(n)}]`);
    }
    n = n.parent;
  }
  return parts.join("").replace(/^\./, "");
}

// The known field nearest to a misspelled one (edit distance <= 2, or equal
// ignoring case), for the error message.
function closest(key, known) {
  const distance = (a, b) => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1,
                           d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
    }
    return d[a.length][b.length];
  };
  let best = null;
  let bestDistance = 3;
  for (const k of known) {
    const dist = k.toLowerCase() === key.toLowerCase() ? 0 : distance(key, k);
    if (dist < bestDistance) {
      best = k;
      bestDistance = dist;
    }
  }
  return best;
}

function main(argv) {
  const files = argv.slice(2);
  if (files.length === 0 || files.includes("-h") || files.includes("--help")) {
    process.stderr.write("usage: node validate.js FILE.yaml... (\"-\": stdin)\n");
    return 2;
  }
  const errors = [];
  const entries = [];
  const counts = new Map();
  for (const file of files) {
    counts.set(file, 0);
    for (const entry of readDocuments(file, errors)) {
      const { apiVersion, kind } = entry.obj;
      const moduleId = modelModule(apiVersion, kind);
      if (!moduleId) {
        errors.push(`${file}: ${describe(entry.obj, entry.index)}: no schema for ` +
                    `apiVersion ${JSON.stringify(apiVersion)} kind ${JSON.stringify(kind)} ` +
                    `in ${SCHEMA_PACKAGES.join(", ")}`);
        continue;
      }
      entry.moduleId = moduleId;
      entries.push(entry);
      counts.set(file, counts.get(file) + 1);
      schemaCheck(entry, moduleId, errors);
    }
  }
  if (entries.length) typeCheck(entries, errors);

  for (const e of errors) process.stdout.write(`ERROR ${e}\n`);
  for (const [file, n] of counts) {
    process.stdout.write(`${file}: ${n} objects checked\n`);
  }
  if (errors.length) {
    process.stdout.write(`validate: ${errors.length} error(s)\n`);
    return 1;
  }
  process.stdout.write("validate: all objects valid (unknown fields rejected)\n");
  return 0;
}

process.exitCode = main(process.argv);
