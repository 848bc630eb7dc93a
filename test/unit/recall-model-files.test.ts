/**
 * Loading the model from the app's origin (workers/embed/model-files.ts, failure.ts):
 * byte progress that never goes backwards or past the total, a 404 named as a missing
 * model file, refusal of any other origin (before a request is made), the in-memory fetch
 * handed to transformers.js, and the user-facing sentences for each failure.
 */
import { describe, expect, it } from 'vitest';
import {
  CrossOriginRequestError,
  classifyLoadError,
  ModelFileMissingError,
} from '../../workers/embed/failure';
import { downloadFiles, originOnlyFetch } from '../../workers/embed/model-files';

const ORIGIN = 'https://notes.example';

/** A fetch over fixed files that streams each body in 3 parts and records every URL. */
function fakeFetch(files: Record<string, Uint8Array>) {
  const requested: string[] = [];
  const fetch = async (input: string | URL): Promise<Response> => {
    const url = String(input);
    requested.push(url);
    const bytes = files[new URL(url).pathname];
    if (!bytes) return new Response('missing', { status: 404 });
    const third = Math.ceil(bytes.length / 3);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += third) controller.enqueue(bytes.slice(i, i + third));
        controller.close();
      },
    });
    return new Response(body, { headers: { 'content-length': String(bytes.length) } });
  };
  return { fetch, requested };
}

describe('downloading model files', () => {
  it('reports monotonic byte progress up to the exact total and returns every file', async () => {
    const files = {
      '/models/a.onnx': new Uint8Array(3000).fill(1),
      '/assets/ort.wasm': new Uint8Array(900).fill(2),
    };
    const { fetch } = fakeFetch(files);
    const seen: Array<{ loaded: number; total: number }> = [];
    const result = await downloadFiles(['/models/a.onnx', '/assets/ort.wasm'], {
      origin: ORIGIN,
      fetch,
      onProgress: (p) => seen.push(p),
    });
    expect(result.get(`${ORIGIN}/models/a.onnx`)).toEqual(files['/models/a.onnx']);
    expect(result.get(`${ORIGIN}/assets/ort.wasm`)?.length).toBe(900);
    expect(seen.every((p) => p.loaded <= p.total && p.total === 3900)).toBe(true);
    expect(seen.map((p) => p.loaded)).toEqual([...seen.map((p) => p.loaded)].sort((a, b) => a - b));
    expect(seen[seen.length - 1]).toEqual({ loaded: 3900, total: 3900 });
  });

  it('names a missing file, and refuses other origins without requesting them', async () => {
    const { fetch, requested } = fakeFetch({});
    await expect(
      downloadFiles(['/models/x/onnx/model_quantized.onnx'], { origin: ORIGIN, fetch }),
    ).rejects.toThrow(ModelFileMissingError);
    await expect(
      downloadFiles(['https://cdn.jsdelivr.net/npm/onnxruntime-web/dist/ort.wasm'], {
        origin: ORIGIN,
        fetch,
      }),
    ).rejects.toThrow(CrossOriginRequestError);
    expect(requested).toEqual([`${ORIGIN}/models/x/onnx/model_quantized.onnx`]);
  });

  it('serves downloaded files from memory and passes other same-origin URLs on', async () => {
    const { fetch, requested } = fakeFetch({
      '/models/m/generation_config.json': new Uint8Array([123, 125]),
    });
    const memory = new Map([[`${ORIGIN}/models/m/config.json`, new Uint8Array([1, 2, 3])]]);
    const guarded = originOnlyFetch(memory, ORIGIN, fetch);
    expect(new Uint8Array(await (await guarded('/models/m/config.json')).arrayBuffer())).toEqual(
      new Uint8Array([1, 2, 3]),
    );
    expect((await guarded('/models/m/generation_config.json')).status).toBe(200);
    await expect(
      guarded('https://huggingface.co/Xenova/all-MiniLM-L6-v2/resolve/main/config.json'),
    ).rejects.toThrow(CrossOriginRequestError);
    expect(requested).toEqual([`${ORIGIN}/models/m/generation_config.json`]);
  });
});

describe('model failures', () => {
  it('become one clear sentence with a closed reason', () => {
    expect(classifyLoadError(new ModelFileMissingError('/models/m/onnx/model_quantized.onnx'))).toMatchObject(
      {
        reason: 'model-missing',
        message: expect.stringMatching(
          /missing from this app \(\/models\/m\/onnx\/model_quantized\.onnx\).*Keyword search still works/,
        ),
      },
    );
    expect(classifyLoadError(new Error('Load model failed: Protobuf parsing failed.'))).toMatchObject({
      reason: 'model-corrupt',
    });
    expect(classifyLoadError(new SyntaxError('Unexpected token < in JSON at position 0'))).toMatchObject({
      reason: 'model-corrupt',
    });
    expect(classifyLoadError(new Error('out of memory'))).toMatchObject({ reason: 'failed' });
  });
});
