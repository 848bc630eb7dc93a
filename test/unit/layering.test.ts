/**
 * [Layering] The UI and the workers reach `sync/` only through its public entry points
 * (sync/index.ts, and sync/background.ts for the service worker): biome.json's
 * noRestrictedImports rule says so, and `npm run lint` enforces it. This test keeps the
 * rule itself from quietly disappearing: it lints probe files with the project's own
 * configuration in a scratch directory.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const biome = join(process.cwd(), 'node_modules', '.bin', 'biome');
const scratch = mkdtempSync(join(tmpdir(), 'layering-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function lint(files: Record<string, string>): string {
  const config = JSON.parse(readFileSync('biome.json', 'utf8')) as Record<string, unknown>;
  delete config.$schema;
  config.vcs = { enabled: false };
  writeFileSync(join(scratch, 'biome.json'), JSON.stringify(config));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(scratch, path, '..'), { recursive: true });
    writeFileSync(join(scratch, path), text);
  }
  try {
    return execFileSync(biome, ['lint', ...Object.keys(files)], {
      cwd: scratch,
      encoding: 'utf8',
      stdio: 'pipe',
    });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return `${failed.stdout ?? ''}${failed.stderr ?? ''}`;
  }
}

describe('layering', () => {
  it('[Layering] app/ and workers/ may not import sync internals; the public entries and tests may', () => {
    const output = lint({
      'app/state/deep.ts': "import { a } from '../../sync/core/ids';\n\nexport const x = a;\n",
      'workers/recall/deep.ts': "import { b } from '../../sync/db/schema';\n\nexport const y = b;\n",
      'app/state/public.ts': "import { c } from '../../sync';\n\nexport const z = c;\n",
      'workers/background-sync/public.ts':
        "import { d } from '../../sync/background';\n\nexport const w = d;\n",
      'test/unit/deep.ts': "import { e } from '../../sync/core/ids';\n\nexport const v = e;\n",
    });
    const flagged = [...output.matchAll(/^(\S+\.ts):\d+:\d+ lint\/style\/noRestrictedImports/gm)].map(
      (m) => m[1],
    );
    expect(flagged.sort()).toEqual(['app/state/deep.ts', 'workers/recall/deep.ts']);
  });
});
