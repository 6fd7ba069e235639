// mermaid_check.mjs DIR FILE - parse FILE with mermaid's own parser
// (mermaid.parse, jsdom standing in for the browser it expects), from the
// packages installed under DIR by scripts/install-deps.sh.  Prints the
// diagram type; exits 1 with the parser's message when FILE does not parse.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [dir, file] = process.argv.slice(2);
const require = createRequire(dir + '/package.json');
const { JSDOM } = require('jsdom');
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
globalThis.Element = dom.window.Element;
const { default: mermaid } = await import(pathToFileURL(require.resolve('mermaid')).href);
mermaid.initialize({ startOnLoad: false });
try {
	const r = await mermaid.parse(readFileSync(file, 'utf8'));
	console.log(r.diagramType);
} catch (err) {
	console.error('mermaid: ' + (err.message || err));
	process.exit(1);
}
