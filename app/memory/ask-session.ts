/**
 * One "Ask your notes" exchange at a time: retrieve on the device, build the prompt, stream the
 * answer from the LLM proxy, and keep what the Answer region shows (the sources, the answer so
 * far, and a one-line note when there is no complete answer). Invariants:
 * - The sources are known before anything leaves the device, are painted in the same task as
 *   the request leaves (before any answer can arrive), and stay shown whatever happens to the
 *   LLM (offline, not configured, unreachable, interrupted).
 * - A new question or "Stop" cancels the previous stream; a late event of an old exchange never
 *   changes the current one.
 * - The answer is cut at MAX_ANSWER_CHARS (the stream is stopped and the note says so).
 * - `performance` gets the measure `memos-ask-prepare`: from "Ask" to the request leaving.
 */
import { type Accessor, batch, createSignal } from 'solid-js';
import { buildPrompt, type PromptPreference } from '../../memory/prompt';
import type { LocalMemo } from '../../sync';
import type { AppState } from '../state/app-context';
import { localDay } from './day';
import { type AskFailure, describeAskFailure, type StreamOutcome, streamAnswer } from './llm-client';
import { retrieveMemos } from './retrieve';

export const MAX_ANSWER_CHARS = 8_000;
const PAINT_INTERVAL_MS = 50;
export const ASK_START_MARK = 'memos-ask-start';
export const ASK_PREPARE_MEASURE = 'memos-ask-prepare';

export type AskPhase = 'idle' | 'retrieving' | 'answering' | 'done';

export interface AskSource {
  n: number;
  memo: LocalMemo;
  shortened: boolean;
}

export interface AskSession {
  phase: Accessor<AskPhase>;
  /** the question being (or last) answered */
  question: Accessor<string>;
  answer: Accessor<string>;
  sources: Accessor<readonly AskSource[]>;
  /** retrieved memos that did not fit in the prompt */
  omitted: Accessor<number>;
  note: Accessor<string | undefined>;
  ask(question: string): Promise<void>;
  stop(): void;
}

export interface AskDeps {
  app: Pick<AppState, 'view' | 'recall' | 'sync'>;
  preferences: () => readonly PromptPreference[];
  now?: () => number;
  stream?: typeof streamAnswer;
}

export function createAskSession(deps: AskDeps): AskSession {
  const now = deps.now ?? (() => Date.now());
  const stream = deps.stream ?? streamAnswer;
  const [phase, setPhase] = createSignal<AskPhase>('idle');
  const [question, setQuestion] = createSignal('');
  const [answer, setAnswer] = createSignal('');
  const [sources, setSources] = createSignal<readonly AskSource[]>([]);
  const [omitted, setOmitted] = createSignal(0);
  const [note, setNote] = createSignal<string>();
  let current: AbortController | undefined;

  async function ask(asked: string): Promise<void> {
    const text = asked.trim();
    if (text === '') return;
    current?.abort();
    const controller = new AbortController();
    current = controller;
    const live = () => current === controller;
    performance.clearMarks(ASK_START_MARK);
    performance.mark(ASK_START_MARK);
    batch(() => {
      setPhase('retrieving');
      setQuestion(text);
      setAnswer('');
      setSources([]);
      setOmitted(0);
      setNote(undefined);
    });

    const memos = await retrieveMemos(deps.app, text);
    if (!live()) return;
    const prompt = buildPrompt(text, memos, deps.preferences(), { today: localDay(now()), dayOf: localDay });
    const byName = new Map(memos.map((memo) => [memo.name, memo]));
    const found: AskSource[] = [];
    for (const source of prompt.sources) {
      const memo = byName.get(source.name as LocalMemo['name']);
      if (memo) found.push({ n: source.n, memo, shortened: source.shortened });
    }
    const connection = deps.app.sync.connection();
    const token = connection && connection.serverUrl === '' ? connection.token : undefined;
    let received = '';
    let cut = false;
    let paintTimer: ReturnType<typeof setTimeout> | undefined;
    const paint = () => {
      paintTimer = undefined;
      if (live()) setAnswer(received);
    };
    // The request leaves first (fetch starts synchronously); the sources are painted in the
    // same task, before any answer can arrive.
    const streaming: Promise<StreamOutcome> = navigator.onLine
      ? stream({
          messages: prompt.messages,
          token,
          signal: controller.signal,
          onText: (delta) => {
            if (cut || !live()) return;
            received += delta;
            if (received.length > MAX_ANSWER_CHARS) {
              received = received.slice(0, MAX_ANSWER_CHARS);
              cut = true;
              controller.abort();
            }
            paintTimer ??= setTimeout(paint, PAINT_INTERVAL_MS);
          },
        })
      : Promise.resolve({ ok: false, failure: { kind: 'offline' } satisfies AskFailure });
    performance.measure(ASK_PREPARE_MEASURE, ASK_START_MARK);
    batch(() => {
      setSources(found);
      setOmitted(prompt.omitted);
      setPhase('answering');
    });
    const outcome = await streaming;
    clearTimeout(paintTimer);
    if (!live()) return;
    batch(() => {
      setAnswer(received);
      if (cut) setNote(`The answer was cut at ${MAX_ANSWER_CHARS.toLocaleString('en')} characters.`);
      else if (!outcome.ok) setNote(describeAskFailure(outcome.failure));
      else if (outcome.finishReason === 'length')
        setNote('The answer reached the length limit of the LLM and may be incomplete.');
      else if (received.trim() === '') setNote('The LLM sent an empty answer.');
      setPhase('done');
    });
  }

  return {
    phase,
    question,
    answer,
    sources,
    omitted,
    note,
    ask,
    stop() {
      current?.abort();
    },
  };
}
