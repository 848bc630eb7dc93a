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

/** The parsers, each remembering its result per memo object. */
export function createMemoryParsers(): MemoryParsers {
  return {
    entriesOf: cached(preferenceEntries),
    itemsOf: cached(learnedItems),
    turnsOf: cached((memo) => parseTurns(memo.content)),
    noteOf: cached(systemNote),
  };
}

export function createMemoryModel(
  memos: Accessor<readonly LocalMemo[]>,
  parsers: MemoryParsers = createMemoryParsers(),
): MemoryModel {
  return {
    preferences: createMemo(() => collectPreferences(memos(), parsers.entriesOf)),
    learned: createMemo(() => collectLearned(memos(), parsers.itemsOf)),
    conversations: createMemo(() => groupConversations(memos(), localDay, parsers.turnsOf)),
    system: createMemo(() => collectSystem(memos(), parsers.noteOf)),
  };
}
