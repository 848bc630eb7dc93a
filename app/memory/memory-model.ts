/**
 * The Memory page's data: preferences, learned lines, conversations by day and system notes,
 * derived from the memory memos with the pure parsers (memory/parse.ts). Each memo is parsed
 * once per version: a memo object is immutable (an edit replaces it), so the per-memo results
 * are cached by object and a change re-parses only the memos that changed.
 */
import { type Accessor, createMemo } from 'solid-js';
import {
  type ConversationDay,
  collectLearned,
  collectPreferences,
  collectSystem,
  groupConversations,
  type LearnedItem,
  learnedItems,
  type MemoryMemo,
  type Preference,
  type PreferenceEntry,
  parseTurns,
  preferenceEntries,
  type SystemNote,
  systemNote,
  type Turn,
} from '../../memory/parse';
import type { LocalMemo } from '../../sync';
import { localDay } from './day';

export interface MemoryModel {
  preferences: Accessor<readonly Preference[]>;
  learned: Accessor<readonly LearnedItem[]>;
  conversations: Accessor<readonly ConversationDay[]>;
  system: Accessor<readonly SystemNote[]>;
}

function cached<T>(parse: (memo: MemoryMemo) => T): (memo: MemoryMemo) => T {
  const cache = new WeakMap<MemoryMemo, T>();
  return (memo) => {
    const hit = cache.get(memo);
    if (hit !== undefined) return hit;
    const value = parse(memo);
    cache.set(memo, value);
    return value;
  };
}

export interface MemoryParsers {
  entriesOf(memo: MemoryMemo): PreferenceEntry[];
  itemsOf(memo: MemoryMemo): LearnedItem[];
  turnsOf(memo: MemoryMemo): Turn[];
  noteOf(memo: MemoryMemo): SystemNote;
}

/**
 * The parsers, each remembering its result per memo object. A memo object is never changed
 * (an edit or a sync replaces it), so a result stays right for as long as its memo is alive.
 */
export function createMemoryParsers(): MemoryParsers {
  return {
    entriesOf: cached(preferenceEntries),
    itemsOf: cached(learnedItems),
    turnsOf: cached((memo) => parseTurns(memo.content)),
    noteOf: cached(systemNote),
  };
}

/**
 * Shared by every Memory page and Ask panel of this page, so coming back to the Memory page
 * parses nothing again. Only a cache of pure results (weakly keyed): nothing observable.
 */
export const sharedParsers: MemoryParsers = createMemoryParsers();

export function createMemoryModel(
  memos: Accessor<readonly LocalMemo[]>,
  parsers: MemoryParsers = sharedParsers,
): MemoryModel {
  return {
    preferences: createMemo(() => collectPreferences(memos(), parsers.entriesOf)),
    learned: createMemo(() => collectLearned(memos(), parsers.itemsOf)),
    conversations: createMemo(() => groupConversations(memos(), localDay, parsers.turnsOf)),
    system: createMemo(() => collectSystem(memos(), parsers.noteOf)),
  };
}
