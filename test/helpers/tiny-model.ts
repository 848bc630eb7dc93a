/**
 * A tiny, generated stand-in for all-MiniLM-L6-v2, for fast unit tests of code that runs a
 * transformers.js feature-extraction pipeline. Never a substitute for the real model in
 * fidelity or end-to-end tests.
 * Owns: the files written under `<dir>/<modelId>/`: config.json (model_type "bert"), a WordPiece
 * tokenizer.json + tokenizer_config.json, and onnx/model.onnx (same bytes as
 * onnx/model_quantized.onnx, so both dtype 'fp32' and 'q8' load it).
 * Invariants: the graph is `last_hidden_state = Gather(E, input_ids)` with inputs input_ids,
 * attention_mask, token_type_ids (int64 [batch, sequence]) and output float
 * [batch, sequence, dim]; E is a deterministic function of (vocabulary, dim), so the same text
 * always gets the same vector; every lower-case ASCII word tokenizes (letters and `##` letters
 * are in the vocabulary), and common words have their own rows, so different texts differ.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

// A few hundred common English words, plus some home-assistant vocabulary.
const WORDS = `the be to of and a in that have i it for not on with he as you do at this but his by from
they we say her she or an will my one all would there their what so up out if about who get which go me
when make can like time no just him know take people into year your good some could them see other than
then now look only come its over think also back after use two how our work first well way even new want
because any these give day most us is are was were been has had did does said made went got am
home house room kitchen bed bedroom bath bathroom garden door window light lights lamp heating heat cold
warm hot water coffee tea milk oat sugar bread butter egg eggs cheese apple banana dinner lunch breakfast
soup pasta rice meat fish chicken vegetables fruit shopping buy list groceries store market money pay
bill bills rent price cheap expensive car bus train bike walk run drive road street city town school work
office meeting call phone email message note notes remind reminder tomorrow today yesterday morning
evening night week weekend month monday tuesday wednesday thursday friday saturday sunday hour minute
clock alarm sleep wake tired happy sad angry love like hate prefer favourite favorite music song movie
book read write play game watch tv news weather rain sun snow wind cloud summer winter spring autumn
family mother father mom dad sister brother child children kid kids baby friend friends dog cat pet
doctor dentist medicine health sick allergy allergic birthday party holiday trip travel beach mountain
sea lake river park forest tree flower plant plants password wifi computer server backup update code
bug fix test file folder photo picture video plan plans idea project task done open close start stop
turn set change move keep leave put find lose lost need help ask tell talk speak listen learn teach
big small long short old young high low right left next last early late fast slow easy hard best
better more less many much very really always never often sometimes again still here where why yes
please thanks thank sorry hello hi ok okay`;

const PUNCTUATION = '.,!?;:\'"()[]{}#@&*+-=/\\%$€°_<>|~^`';
const LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** The vocabulary: special tokens first (ids 0..4), then words, characters and `##` pieces. */
function buildVocab(): string[] {
  const tokens: string[] = [...SPECIAL];
  const seen = new Set<string>(tokens);
  const add = (t: string): void => {
    if (!seen.has(t)) {
      seen.add(t);
      tokens.push(t);
    }
  };
  for (const w of WORDS.split(/\s+/)) if (w) add(w);
  for (const c of LETTERS) add(c);
  for (const c of PUNCTUATION) add(c);
  for (const suffix of ['s', 'ed', 'ing', 'er', 'ly']) add(`##${suffix}`);
  for (const c of LETTERS) add(`##${c}`);
  return tokens;
}

/** Deterministic float32 matrix [rows, dim], little-endian bytes, values in [-1, 1). */
function embeddingMatrix(rows: number, dim: number): Uint8Array {
  const bytes = new Uint8Array(rows * dim * 4);
  const view = new DataView(bytes.buffer);
  let state = 0x9e3779b9; // xorshift32, fixed seed
  for (let i = 0; i < rows * dim; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    view.setFloat32(i * 4, state / 2 ** 31 - 1, true);
  }
  return bytes;
}

function onnxModel(vocabSize: number, dim: number): Uint8Array {
  const T = onnx.TensorProto.DataType;
  const dims = (...d: (string | number)[]) => ({
    dim: d.map((x) => (typeof x === 'string' ? { dimParam: x } : { dimValue: x })),
  });
  const int64Input = (name: string) => ({
    name,
    type: { tensorType: { elemType: T.INT64, shape: dims('batch', 'sequence') } },
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'memos-offline test/helpers/tiny-model.ts',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny_bert',
      initializer: [
        { name: 'E', dataType: T.FLOAT, dims: [vocabSize, dim], rawData: embeddingMatrix(vocabSize, dim) },
      ],
      node: [
        {
          name: 'lookup',
          opType: 'Gather',
          input: ['E', 'input_ids'],
          output: ['last_hidden_state'],
          attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }],
        },
      ],
      input: [int64Input('input_ids'), int64Input('attention_mask'), int64Input('token_type_ids')],
      output: [
        {
          name: 'last_hidden_state',
          type: { tensorType: { elemType: T.FLOAT, shape: dims('batch', 'sequence', dim) } },
        },
      ],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

function tokenizerJson(vocab: string[]): unknown {
  const id = (t: string): number => vocab.indexOf(t);
  const special = (t: string) => ({
    id: id(t),
    content: t,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const piece = (kind: 'SpecialToken' | 'Sequence', name: string, typeId: number) => ({
    [kind]: { id: name, type_id: typeId },
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map(special),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        piece('SpecialToken', '[CLS]', 0),
        piece('Sequence', 'A', 0),
        piece('SpecialToken', '[SEP]', 0),
      ],
      pair: [
        piece('SpecialToken', '[CLS]', 0),
        piece('Sequence', 'A', 0),
        piece('SpecialToken', '[SEP]', 0),
        piece('Sequence', 'B', 1),
        piece('SpecialToken', '[SEP]', 1),
      ],
      special_tokens: Object.fromEntries(
        ['[CLS]', '[SEP]'].map((t) => [t, { id: t, ids: [id(t)], tokens: [t] }]),
      ),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((t, i) => [t, i])),
    },
  };
}

/**
 * Writes the tiny model into `dir/<modelId>/` and returns what to put in
 * `env.localModelPath` (the absolute `dir`) and the id to pass to `pipeline()`.
 */
export async function writeTinyModel(
  dir: string,
  opts?: { dim?: number },
): Promise<{ modelId: string; localModelPath: string }> {
  const dim = opts?.dim ?? 384;
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`tiny model: bad dim ${dim}`);
  const localModelPath = resolve(dir);
  const modelId = `tiny/bert-d${dim}`;
  const root = join(localModelPath, modelId);
  await mkdir(join(root, 'onnx'), { recursive: true });

  const vocab = buildVocab();
  const config = {
    model_type: 'bert',
    architectures: ['BertModel'],
    hidden_size: dim,
    vocab_size: vocab.length,
    max_position_embeddings: 512,
    pad_token_id: 0,
  };
  const tokenizerConfig = {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: 256,
    unk_token: '[UNK]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    cls_token: '[CLS]',
    mask_token: '[MASK]',
  };
  const graph = onnxModel(vocab.length, dim);
  await Promise.all([
    writeFile(join(root, 'config.json'), JSON.stringify(config, null, 2)),
    writeFile(join(root, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig, null, 2)),
    writeFile(join(root, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab))),
    writeFile(join(root, 'onnx', 'model.onnx'), graph),
    writeFile(join(root, 'onnx', 'model_quantized.onnx'), graph),
  ]);
  return { modelId, localModelPath };
}
