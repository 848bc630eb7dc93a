/**
 * Three-way merge of memo content (node-diff3). Line-level first; a region where both
 * sides changed the same lines is retried word by word, so two edits to different parts
 * of one line still merge; lines both sides inserted at the same place are all kept
 * (theirs, then mine). Returns the merged text only when no region conflicts.
 */
import { diff3Merge } from 'node-diff3';

export type MergeOutcome = { ok: true; text: string } | { ok: false };

function words(text: string): string[] {
  return text.match(/\s+|[^\s]+/g) ?? [];
}

function mergeTokens(
  mine: string[],
  base: string[],
  theirs: string[],
  joiner: string,
  retry: boolean,
): string | undefined {
  const regions = diff3Merge(mine, base, theirs, { excludeFalseConflicts: true });
  const out: string[] = [];
  for (const region of regions) {
    if (region.ok) {
      out.push(...region.ok);
      continue;
    }
    const conflict = region.conflict;
    if (!conflict) return undefined;
    if (retry && conflict.o.length === 0) {
      // Both sides inserted lines at the same place (e.g. two devices appended to a list):
      // keep both, the server's first. Nothing of either is lost.
      out.push(...conflict.b, ...conflict.a);
      continue;
    }
    if (!retry) return undefined;
    const merged = mergeTokens(
      words(conflict.a.join(joiner)),
      words(conflict.o.join(joiner)),
      words(conflict.b.join(joiner)),
      '',
      false,
    );
    if (merged === undefined) return undefined;
    out.push(merged);
  }
  return out.join(joiner);
}

export function mergeText(mine: string, base: string, theirs: string): MergeOutcome {
  if (mine === theirs) return { ok: true, text: mine };
  if (mine === base) return { ok: true, text: theirs };
  if (theirs === base) return { ok: true, text: mine };
  const merged = mergeTokens(mine.split('\n'), base.split('\n'), theirs.split('\n'), '\n', true);
  return merged === undefined ? { ok: false } : { ok: true, text: merged };
}
