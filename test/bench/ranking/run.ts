/**
 * `npm run bench -- ranking`: the ranking evaluation. Embeds the notebook of
 * test/fixtures/ranking/ with the app's embedder (cached under .tmp/ranking/), runs every
 * query through keywords alone, meaning alone, the fusion before issue 10 and the app's
 * fusion now, and returns top-1 / top-3 / MRR / recall@10 / targets never listed, per
 * split (tune, heldout) and query kind. Runs in Node: no browser, no build.
 */

import { type Metrics, runRanker, score, slice } from './evaluate';
import { type EvalNotebook, keywordIndexOf, loadNotebook, type QueryKind, type Split } from './fixture';
import { appRankers, type RankerName } from './rankers';
import { cachedVectors } from './vectors';

const KINDS: Array<QueryKind | 'all'> = ['all', 'paraphrase', 'mixed', 'keyword'];
const SPLITS: Split[] = ['tune', 'heldout'];

type Table = Record<
  Split,
  Record<string, Record<RankerName, Omit<Metrics, 'missing'> & { missing: number }>>
>;

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}`.padStart(5);
}

function print(table: Table, notebook: EvalNotebook): void {
  for (const split of SPLITS) {
    console.log(`\n${split} split — top-1 % / top-3 % / MRR / recall@10 % / targets never listed`);
    for (const kind of KINDS) {
      const n = slice(notebook, { kind, split }).length;
      console.log(`  ${kind} (${n} queries)`);
      for (const [ranker, m] of Object.entries(table[split][kind] ?? {})) {
        console.log(
          `    ${ranker.padEnd(13)} ${pct(m.top1)} ${pct(m.top3)}  ${m.mrr.toFixed(3)}  ${pct(m.recall10)}  ${m.missing}`,
        );
      }
    }
  }
}

export async function benchRanking(): Promise<unknown> {
  const notebook = loadNotebook();
  const vectors = await cachedVectors(notebook, (line) => console.log(line));
  const index = await keywordIndexOf(notebook);
  const rankers = appRankers(index, vectors);
  const rankings = Object.fromEntries(
    Object.entries(rankers).map(([name, ranker]) => [name, runRanker(notebook, vectors, ranker)]),
  );
  const table = {} as Table;
  const missing: Record<string, string[]> = {};
  for (const split of SPLITS) {
    table[split] = {};
    for (const kind of KINDS) {
      const queries = slice(notebook, { kind, split });
      const row = {} as Table[Split][string];
      for (const [name, ranking] of Object.entries(rankings)) {
        const m = score(queries, ranking);
        row[name as RankerName] = { ...m, missing: m.missing.length };
        if (kind === 'all' && name !== 'keywords') missing[`${split}.${name}`] = m.missing;
      }
      table[split][kind] = row;
    }
  }
  console.log(
    `\n${notebook.memos.length} memos, ${notebook.queries.length} queries, model ${vectors.modelId}`,
  );
  print(table, notebook);
  return {
    memos: notebook.memos.length,
    queries: notebook.queries.length,
    modelId: vectors.modelId,
    table,
    missing,
  };
}
