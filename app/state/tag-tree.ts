/**
 * The tag tree shown in the sidebar, the phone's tag row and the Tags page. A tag `a/b`
 * sits under `a`. Invariant: a node's count is the number of memos the timeline shows when
 * filtered by that tag (`matchesTag`: the tag itself or any tag under it), each memo
 * counted once however many of its tags fall under the node. Date-like tags (`2024`,
 * `2024-01`, `2024-01-15`) are grouped apart from topics, newest first. Pure.
 */

export interface TagNode {
  /** the full tag, e.g. `home/garden` */
  tag: string;
  /** the last segment, e.g. `garden` */
  label: string;
  count: number;
  children: TagNode[];
}

export interface TagGroups {
  topics: TagNode[];
  dates: TagNode[];
}

/** True when `tag` is the tag `filter` or lies under it (`home` matches `home/garden`). */
export function matchesTag(tags: readonly string[], filter: string): boolean {
  return tags.some((t) => t === filter || t.startsWith(`${filter}/`));
}

const DATE_TAG = /^\d{4}(?:[-_.]\d{1,2}(?:[-_.]\d{1,2})?)?$/;

/** A tag whose top level is a year or a date (`2024`, `2024-01-15`, `2024/01`). */
export function isDateTag(tag: string): boolean {
  return DATE_TAG.test(tag.split('/')[0] ?? '');
}

/** `home/garden/beds` → `home`, `home/garden`, `home/garden/beds`. */
function prefixesOf(tag: string): string[] {
  const parts = tag.split('/').filter((part) => part !== '');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

function byCountThenName(a: TagNode, b: TagNode): number {
  return b.count - a.count || a.tag.localeCompare(b.tag);
}

export function buildTagGroups(memos: ReadonlyArray<{ tags: readonly string[] }>): TagGroups {
  const counts = new Map<string, number>();
  for (const memo of memos) {
    const seen = new Set<string>();
    for (const tag of memo.tags) for (const prefix of prefixesOf(tag)) seen.add(prefix);
    for (const prefix of seen) counts.set(prefix, (counts.get(prefix) ?? 0) + 1);
  }
  const nodes = new Map<string, TagNode>();
  const roots: TagNode[] = [];
  for (const tag of [...counts.keys()].sort((a, b) => a.split('/').length - b.split('/').length)) {
    const slash = tag.lastIndexOf('/');
    const node: TagNode = { tag, label: tag.slice(slash + 1), count: counts.get(tag) ?? 0, children: [] };
    nodes.set(tag, node);
    const parent = slash > 0 ? nodes.get(tag.slice(0, slash)) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const sortDeep = (list: TagNode[]) => {
    list.sort(byCountThenName);
    for (const node of list) sortDeep(node.children);
  };
  const topics = roots.filter((node) => !isDateTag(node.tag));
  sortDeep(topics);
  const dates = roots.filter((node) => isDateTag(node.tag)).sort((a, b) => b.tag.localeCompare(a.tag));
  for (const node of dates) sortDeep(node.children);
  return { topics, dates };
}

/** Every tag in the groups, depth first (for suggestions and flat lists). */
export function flattenTags(nodes: readonly TagNode[]): TagNode[] {
  return nodes.flatMap((node) => [node, ...flattenTags(node.children)]);
}
