/**
 * The UI's in-memory, reactive view of the notebook. First paint reads just the first
 * page of the timeline through an index; the whole notebook then loads in chunks in the
 * background, feeding the sorted lists, tag counts and the keyword index. Afterwards it
 * follows the change feed (this tab, other tabs, the sync engine) and re-reads only the
 * memos named in each change. Nothing here writes to the database.
 */
import { type Accessor, createMemo, createSignal, untrack } from 'solid-js';
import type { ChangeFeed, LocalMemo, MemoName, MemosDatabase } from '../../sync';
import { KeywordIndex } from '../search/keyword-index';
import { SortedMemos } from './sorted-memos';
import { buildTagGroups, type TagGroups } from './tag-tree';

export interface TagCount {
  tag: string;
  count: number;
}

export interface NotebookView {
  /** True once every memo is in memory and indexed for keyword search. */
  ready: Accessor<boolean>;
  /** True once every memo is in memory (the lists are complete; keyword search may still be indexing). */
  loaded: Accessor<boolean>;
  normal: Accessor<readonly LocalMemo[]>;
  archived: Accessor<readonly LocalMemo[]>;
  /** Exact tags of the normal memos with how many memos carry each (for suggestions; a moment behind `normal`). */
  tagCounts: Accessor<readonly TagCount[]>;
  /** The tag tree of the normal memos, counts matching the timeline's tag filter (a moment behind `normal`). */
  tagGroups: Accessor<TagGroups>;
  /** Bumps whenever any memo changes (for consumers such as search results). */
  version: Accessor<number>;
  get(name: MemoName): LocalMemo | undefined;
  /**
   * Shows a memo being saved before its transaction commits (capture feels instant); the
   * returned function takes it away again if the save fails. The committed row replaces it.
   */
  provisional(memo: LocalMemo): () => void;
  keyword: KeywordIndex;
  dispose(): void;
}

const FIRST_PAGE = 30;
const LOAD_CHUNK = 1000;
const BATCH_RESET_THRESHOLD = 200;
/**
 * Tag counts and the tag tree walk every memo: they are recomputed this long after a change
 * (once for a burst of changes), never inside it, so a capture's card appears without
 * waiting for 10,000 memos' tags to be counted.
 */
const TAGS_DELAY_MS = 60;

export function createNotebookView(db: MemosDatabase, feed: ChangeFeed, onLoaded?: () => void): NotebookView {
  const normalList = new SortedMemos();
  const archivedList = new SortedMemos();
  const keyword = new KeywordIndex();
  const [version, setVersion] = createSignal(0);
  const [ready, setReady] = createSignal(false);
  const [loaded, setLoaded] = createSignal(false);
  /** Tag counts and the tag tree follow `version` a moment later (see TAGS_DELAY_MS). */
  const [tagsVersion, setTagsVersion] = createSignal(0);
  let tagsTimer: ReturnType<typeof setTimeout> | undefined;
  const bump = () => {
    setVersion((v) => v + 1);
    tagsTimer ??= setTimeout(() => {
      tagsTimer = undefined;
      if (!disposed) setTagsVersion((v) => v + 1);
    }, TAGS_DELAY_MS);
  };
  let pending: MemoName[] | undefined = [];
  let disposed = false;
  /** Memos shown before their save committed (see `provisional`). */
  const provisionals = new Set<MemoName>();

  const listFor = (memo: LocalMemo) => (memo.state === 'ARCHIVED' ? archivedList : normalList);

  function applyChanges(names: readonly MemoName[], fresh: ReadonlyArray<LocalMemo | undefined>): void {
    const large = names.length > BATCH_RESET_THRESHOLD;
    if (large) {
      const all = new Map<MemoName, LocalMemo>();
      for (const memo of [...normalList.items(), ...archivedList.items()]) all.set(memo.name, memo);
      names.forEach((name, i) => {
        const memo = fresh[i];
        if (memo) all.set(name, memo);
        else all.delete(name);
      });
      normalList.reset([...all.values()].filter((m) => m.state === 'NORMAL'));
      archivedList.reset([...all.values()].filter((m) => m.state === 'ARCHIVED'));
    }
    names.forEach((name, i) => {
      const memo = fresh[i];
      provisionals.delete(name);
      if (!large) {
        normalList.remove(name);
        archivedList.remove(name);
        if (memo) listFor(memo).upsert(memo);
      }
      if (memo) keyword.upsert(memo);
      else keyword.remove(name);
    });
    bump();
  }

  async function refresh(names: readonly MemoName[], rows?: ReadonlyArray<LocalMemo | null>): Promise<void> {
    if (pending) {
      pending.push(...names);
      return;
    }
    if (rows && rows.length === names.length) {
      // Committed rows from this thread: no need to read them back.
      applyChanges(
        names,
        rows.map((row) => row ?? undefined),
      );
      return;
    }
    const unique = [...new Set(names)];
    const fresh = await db.memos.bulkGet(unique);
    if (!disposed) applyChanges(unique, fresh);
  }

  async function loadFirstPage(): Promise<void> {
    const first = await db.memos
      .where('[state+pinRank+createTime]')
      .between(['NORMAL', 0, -Infinity], ['NORMAL', 1, Infinity])
      .reverse()
      .limit(FIRST_PAGE)
      .toArray();
    if (disposed || normalList.size > 0) return;
    normalList.reset(first);
    bump();
  }

  async function loadAll(): Promise<void> {
    pending = pending ?? [];
    const all: LocalMemo[] = [];
    let lastKey: MemoName | undefined;
    for (;;) {
      const chunk =
        lastKey === undefined
          ? await db.memos.orderBy('name').limit(LOAD_CHUNK).toArray()
          : await db.memos.where('name').above(lastKey).limit(LOAD_CHUNK).toArray();
      all.push(...chunk);
      const last = chunk[chunk.length - 1];
      if (!last || chunk.length < LOAD_CHUNK) break;
      lastKey = last.name;
    }
    if (disposed) return;
    normalList.reset(all.filter((m) => m.state === 'NORMAL'));
    archivedList.reset(all.filter((m) => m.state === 'ARCHIVED'));
    setLoaded(true);
    bump();
    const queued = pending;
    pending = undefined;
    if (queued.length > 0) await refresh(queued);
    await keyword.addAll(all);
    if (disposed) return;
    setReady(true);
    bump();
    onLoaded?.();
  }

  const unsubscribe = feed.subscribe((change) => {
    if (change.type === 'memos') void refresh(change.names, change.rows);
    else if (change.type === 'reset') {
      setReady(false);
      setLoaded(false);
      void loadAll();
    }
  });

  void loadFirstPage().then(loadAll);

  const normal = createMemo(
    () => {
      version();
      return normalList.items();
    },
    undefined,
    { equals: false },
  );
  const archived = createMemo(
    () => {
      version();
      return archivedList.items();
    },
    undefined,
    { equals: false },
  );
  /** The normal memos as of the last tag update (read without following `version`). */
  const normalForTags = () => {
    tagsVersion();
    return untrack(() => normalList.items());
  };
  const tagCounts = createMemo(() => {
    const counts = new Map<string, number>();
    for (const memo of normalForTags())
      for (const tag of memo.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
    return [...counts.entries()]
      .map(([tag, count]) => ({ tag, count }))
      .sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
  });

  const tagGroups = createMemo(() => buildTagGroups(normalForTags()));

  return {
    ready,
    loaded,
    normal,
    archived,
    tagCounts,
    tagGroups,
    version,
    get: (name) => normalList.get(name) ?? archivedList.get(name),
    provisional(memo) {
      if (normalList.get(memo.name) || archivedList.get(memo.name)) return () => undefined;
      provisionals.add(memo.name);
      normalList.upsert(memo);
      bump();
      return () => {
        if (!provisionals.delete(memo.name)) return;
        normalList.remove(memo.name);
        bump();
      };
    },
    keyword,
    dispose() {
      disposed = true;
      if (tagsTimer !== undefined) clearTimeout(tagsTimer);
      unsubscribe();
    },
  };
}
