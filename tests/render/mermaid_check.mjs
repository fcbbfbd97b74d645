// Parse Mermaid diagrams with the real Mermaid parser, under Node with jsdom as the DOM.
//
// Usage: node tests/render/mermaid_check.mjs FILE...
//   A FILE ending in .md is searched for ```mermaid fenced blocks (each one is checked);
//   any other FILE is one Mermaid diagram. Prints "ok FILE" or "FAIL FILE[#block]: error"
//   per diagram. Exit 0 when all parse, 1 when one does not, 2 on usage or read errors.
// Install the pinned parser first: npm ci --prefix tests/render

import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });

/** The diagrams in one file: [label, source] pairs. */
function diagrams(path, text) {
  if (!path.endsWith(".md")) return [[path, text]];
  const found = [];
  const fence = /^(`{3,}|~{3,})mermaid[ \t]*\n([\s\S]*?)^\1[ \t]*$/gm;
  let match;
  while ((match = fence.exec(text)) !== null) {
    found.push([`${path}#${found.length + 1}`, match[2]]);
  }
  return found;
}

const paths = process.argv.slice(2);
if (paths.length === 0) {
  console.error("usage: node mermaid_check.mjs FILE...");
  process.exit(2);
}
let failed = 0;
let checked = 0;
for (const path of paths) {
  let text;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    console.error(`${path}: cannot read: ${err.message}`);
    process.exit(2);
  }
  const found = diagrams(path, text);
  if (found.length === 0) {
    console.log(`FAIL ${path}: no mermaid diagram found`);
    failed += 1;
  }
  for (const [label, source] of found) {
    checked += 1;
    try {
      const result = await mermaid.parse(source);
      console.log(`ok ${label} (${result.diagramType})`);
    } catch (err) {
      failed += 1;
      console.log(`FAIL ${label}: ${String(err.message ?? err).replace(/\n/g, " | ")}`);
    }
  }
}
console.log(`${checked} diagrams checked, ${failed} failed`);
process.exit(failed ? 1 : 0);
