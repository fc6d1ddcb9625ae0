/**
 * A light outline of the XML as written: every start tag with its line, its
 * attributes and its nesting. Moddle keeps neither positions nor what it
 * could not place (a second loop marker, a duplicate id), so rules that need
 * the text as written read this outline instead.
 */
export interface SourceTag {
  /** The qualified name as written, e.g. `bpmn2:task`. */
  name: string;
  /** The name without its prefix, e.g. `task`. */
  local: string;
  attributes: Readonly<Record<string, string>>;
  line: number;
  parent: SourceTag | undefined;
  children: SourceTag[];
}

export interface SourceOutline {
  tags: readonly SourceTag[];
  /** Every tag carrying an `id` attribute, by id (duplicates keep all). */
  byId: ReadonlyMap<string, readonly SourceTag[]>;
}

const TOKEN = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<\/([^\s>]+)\s*>|<([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
const ATTRIBUTE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export function outlineOf(xml: string): SourceOutline {
  const tags: SourceTag[] = [];
  const byId = new Map<string, SourceTag[]>();
  const open: SourceTag[] = [];
  let line = 1;
  let scanned = 0;
  for (const match of xml.matchAll(TOKEN)) {
    line += countNewlines(xml, scanned, match.index);
    scanned = match.index;
    const [, closing, name, rawAttributes, selfClosing] = match;
    if (closing !== undefined) {
      const index = open.map((t) => t.name).lastIndexOf(closing);
      if (index >= 0) open.length = index;
      continue;
    }
    if (name === undefined) continue;
    const tag: SourceTag = {
      name,
      local: name.includes(':') ? name.slice(name.indexOf(':') + 1) : name,
      attributes: attributesOf(rawAttributes ?? ''),
      line,
      parent: open.at(-1),
      children: [],
    };
    tag.parent?.children.push(tag);
    tags.push(tag);
    const id = tag.attributes['id'];
    if (id !== undefined) byId.set(id, [...(byId.get(id) ?? []), tag]);
    if (selfClosing !== '/') open.push(tag);
  }
  return { tags, byId };
}

function attributesOf(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of raw.matchAll(ATTRIBUTE)) out[m[1]!] = m[2] ?? m[3] ?? '';
  return out;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** The first tag below `root` (depth first) with the given local name. */
export function findBelow(root: SourceTag, local: string): SourceTag | undefined {
  for (const child of root.children) {
    if (child.local === local) return child;
    const found = findBelow(child, local);
    if (found) return found;
  }
  return undefined;
}
