// Prints @packyard/client's generated types for an OpenAPI document: a file path or a URL
// (e.g. http://localhost:8080/docs-json). Run through `npm run client:types`.
import { readFileSync } from 'node:fs';
import openapiTS, { astToString } from 'openapi-typescript';

const HEADER = "// Generated from Packyard's OpenAPI document (/docs-json) by `npm run client:types`. Do not edit.\n\n";

const source = process.argv[2];
if (!source) {
  console.error('usage: node scripts/generate-client-types.mjs <openapi.json | http://host/docs-json>');
  process.exit(2);
}
const document = /^https?:/.test(source)
  ? await (await fetch(source)).json()
  : JSON.parse(readFileSync(source, 'utf8'));
process.stdout.write(
  HEADER +
    astToString(await openapiTS(document, { alphabetize: true, defaultNonNullable: false, emptyObjectsUnknown: true })),
);
