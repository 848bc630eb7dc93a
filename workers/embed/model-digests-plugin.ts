/**
 * Vite plugin: the virtual module `virtual:model-digests`, the digests of the model files
 * the build ships (public/models, server/embed-identity.ts), keyed `<name>@<dtype>`. The
 * app's embedder puts the digest into its model id, so its vectors carry the identity of
 * the files they were made with, exactly as the home server computes it from the same files.
 * Build time only (Node).
 */
import { join } from 'node:path';
import type { Plugin } from 'vite';
import { modelDigests } from '../../server/embed-identity';
import { MODEL_NAME } from './model-choice';

const ID = 'virtual:model-digests';
const RESOLVED = `\0${ID}`;

export function modelDigestsModule(): Plugin {
  let publicDir = 'public';
  return {
    name: 'memos-offline-model-digests',
    configResolved(config) {
      publicDir = config.publicDir || join(config.root, 'public');
    },
    resolveId: (id) => (id === ID ? RESOLVED : undefined),
    load(id) {
      if (id !== RESOLVED) return undefined;
      const digests = modelDigests(join(publicDir, 'models'), MODEL_NAME);
      return `export default ${JSON.stringify(digests)};\n`;
    },
  };
}
