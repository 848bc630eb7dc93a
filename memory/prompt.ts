/**
 * The prompt for "Ask your notes": the question, the user's current preferences and the
 * retrieved memos, numbered so the answer can cite them as `[1]`, `[2]`, … Pure (no DOM, no
 * clock: the caller passes today's date and `dayOf`), so a memory service on the server can
 * build the same context bundle later.
 * Invariants:
 * - The whole prompt (the sum of every message's content) stays within `budget.totalChars`;
 *   the question, the preferences block and each memo have their own caps inside it.
 * - Memos are taken in the order given (best first); a memo that does not fit is shortened
 *   when at least MIN_MEMO_CHARS still fit, otherwise it and every later memo are left out.
 * - Citation numbers are 1..n in the order the memos appear in the prompt, and `sources`
 *   maps each number to its memo; nothing else can be cited.
 */

export interface PromptBudget {
  /** everything sent: instructions, preferences, memos and the question */
  totalChars: number;
  questionChars: number;
  preferencesChars: number;
  memoChars: number;
}

/** About 3,000 tokens of context for a 4k-context model, with room left for the answer. */
export const DEFAULT_PROMPT_BUDGET: PromptBudget = {
  totalChars: 12_000,
  questionChars: 1_000,
  preferencesChars: 2_000,
  memoChars: 2_500,
};

const MIN_MEMO_CHARS = 200;
const CUT = ' …';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface PromptMemo {
  name: string;
  content: string;
  createTime: number;
}

export interface PromptPreference {
  key: string;
  value: string;
}

export interface PromptSource {
  /** the citation number */
  n: number;
  name: string;
  /** only the start of the memo fitted */
  shortened: boolean;
}

export interface BuiltPrompt {
  messages: ChatMessage[];
  sources: PromptSource[];
  /** preferences that fitted in the prompt */
  preferences: number;
  /** retrieved memos left out for lack of room */
  omitted: number;
  /** characters used of `budget.totalChars` */
  chars: number;
}

export interface PromptContext {
  /** `YYYY-MM-DD`, the user's today */
  today: string;
  dayOf: (time: number) => string;
  budget?: PromptBudget;
}

const INSTRUCTIONS = [
  "You answer questions about the user's own notes (memos), which are your memory of them.",
  'Use only the numbered notes and the preferences given here. Cite every note you use with its',
  'number in square brackets, like [1] or [2][3], right after the statement it supports. If the',
  'notes do not answer the question, say so briefly instead of guessing. Answer in Markdown, concisely.',
].join('\n');

function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - CUT.length)).trimEnd()}${CUT}`;
}

/** A memo as it appears in the prompt: blank lines squeezed, trimmed. */
function memoText(content: string): string {
  return content
    .replace(/\r/g, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function preferencesBlock(preferences: readonly PromptPreference[], max: number): [string, number] {
  if (preferences.length === 0) return ['', 0];
  const header = "\n\nThe user's current preferences:";
  let block = header;
  let count = 0;
  for (const preference of preferences) {
    const line = `\n- ${preference.key.replace(/\s+/g, ' ')}: ${preference.value.replace(/\s+/g, ' ')}`;
    if (block.length + line.length > max) break;
    block += line;
    count++;
  }
  return count === 0 ? ['', 0] : [block, count];
}

/** Room for the instructions, the date and the labels around the question and the notes. */
const FIXED_CHARS = INSTRUCTIONS.length + 200;

export function buildPrompt(
  question: string,
  memos: readonly PromptMemo[],
  preferences: readonly PromptPreference[],
  context: PromptContext,
): BuiltPrompt {
  const budget = context.budget ?? DEFAULT_PROMPT_BUDGET;
  if (budget.questionChars + budget.preferencesChars + FIXED_CHARS > budget.totalChars) {
    throw new RangeError(
      'prompt budget: the question and preferences caps leave no room for the instructions',
    );
  }
  const asked = cut(question.trim(), budget.questionChars);
  const [prefs, preferenceCount] = preferencesBlock(preferences, budget.preferencesChars);
  const system = `${INSTRUCTIONS}\nToday is ${context.today}.${prefs}`;
  const head = 'Notes:';
  const tail = `\n\nQuestion: ${asked}`;
  const room = budget.totalChars - system.length - head.length - tail.length;

  const sources: PromptSource[] = [];
  let notes = '';
  let omitted = 0;
  let full = false;
  for (const memo of memos) {
    const n = sources.length + 1;
    const label = `\n\n[${n}] (${context.dayOf(memo.createTime)})\n`;
    const text = memoText(memo.content);
    const fits = Math.min(budget.memoChars, room - notes.length - label.length);
    if (text === '') continue;
    if (full || fits < Math.min(MIN_MEMO_CHARS, text.length)) {
      full = true;
      omitted++;
      continue;
    }
    const body = cut(text, fits);
    notes += `${label}${body}`;
    sources.push({ n, name: memo.name, shortened: body.length < text.length });
  }

  const messages: ChatMessage[] = [
    { role: 'system', content: system },
    { role: 'user', content: `${head}${notes === '' ? ' none matched.' : notes}${tail}` },
  ];
  return {
    messages,
    sources,
    preferences: preferenceCount,
    omitted,
    chars: messages.reduce((sum, message) => sum + message.content.length, 0),
  };
}
