/**
 * The build-time patch of hnswlib-wasm (workers/index/hnswlib-csp-plugin.ts): the patched
 * glue must work with string code generation disabled, as under the app's CSP (no
 * 'unsafe-eval'). A child Node process runs it with --disallow-code-generation-from-strings:
 * build, filtered search, write, read back. The unpatched glue fails there, which shows
 * the check is real.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { patchHnswlibGlue } from '../../workers/index/hnswlib-csp-plugin';

const require = createRequire(import.meta.url);
const dist = dirname(require.resolve('hnswlib-wasm/dist/hnswlib.js'));
const glueName = 'hnswlib-317962d7.js';
const fakeIdb = pathToFileURL(require.resolve('fake-indexeddb/auto')).href;
const dir = mkdtempSync(join(tmpdir(), 'hnswlib-csp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCRIPT = `
import '${fakeIdb}';
globalThis.window = globalThis;
const log = console.log;
console.log = () => {};
const { loadHnswlib, syncFileSystem } = await import('./hnswlib.js');
const lib = await loadHnswlib();
const index = new lib.HierarchicalNSW('ip', 4, '');
index.initIndex(8, 16, 50, 1);
const rows = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0.9, 0.1, 0, 0]];
rows.forEach((row, label) => index.addPoint(Float32Array.from(row), label, false));
const all = index.searchKnn(Float32Array.from([1, 0, 0, 0]), 2, undefined).neighbors;
const odd = index.searchKnn(Float32Array.from([1, 0, 0, 0]), 1, (label) => label % 2 === 1).neighbors;
index.writeIndex('csp.bin');
await syncFileSystem('write');
const again = new lib.HierarchicalNSW('ip', 4, '');
await again.readIndex('csp.bin', 8);
log(JSON.stringify({ all, odd, count: again.getCurrentCount() }));
`;

function run(glue: string): string {
  writeFileSync(join(dir, glueName), glue);
  copyFileSync(join(dist, 'hnswlib.js'), join(dir, 'hnswlib.js'));
  writeFileSync(join(dir, 'run.mjs'), SCRIPT);
  return execFileSync(process.execPath, ['--disallow-code-generation-from-strings', join(dir, 'run.mjs')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

describe('hnswlib-wasm without string code generation', () => {
  const original = readFileSync(join(dist, glueName), 'utf8');

  it('works once patched', () => {
    const output = run(patchHnswlibGlue(original)).split('\n').pop() ?? '';
    expect(JSON.parse(output)).toEqual({ all: [0, 3], odd: [3], count: 4 });
  });

  it('fails unpatched (so the check above means something)', () => {
    expect(() => run(original)).toThrow();
  });

  it('refuses glue it does not recognize', () => {
    expect(() => patchHnswlibGlue('var x = 1;')).toThrow(/expected/);
  });
});
