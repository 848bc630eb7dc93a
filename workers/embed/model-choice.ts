/**
 * Which embedding model the app uses: its folder under `models/` and its output width.
 * Shared by the browser embedder, the build (model digests) and the home server. Pure.
 */
export const MODEL_NAME = 'Xenova/all-MiniLM-L6-v2';
export const MODEL_DIM = 384;
