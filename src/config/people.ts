/**
 * `pipelane.yaml` at the repository root (or nearer a model, in a directory
 * of its own): the people who take part in
 * processes, their groups, and the channels that reach them. Secrets (the
 * SMTP password, the GitHub token) never go here: they come from the
 * daemon's environment through config.ts.
 *
 * ```yaml
 * people:
 *   ada: { name: Ada Lovelace, email: ada@example.com, github: ada-l }
 *   bob: { email: bob@example.com }
 * groups:
 *   data-team: [ada, bob]                       # members by person key
 *   reviewers: { members: [ada], github: acme/reviewers }   # and/or a GitHub team (org/slug)
 *   maintainers: { githubPermission: maintain } # everyone with at least that permission on the repository
 * channels:
 *   email: { from: "Pipelane <pipelane@example.com>" }
 *   github: { repo: acme/models, issue: 12 }    # issue: comment on this issue or PR instead of opening one
 *   publicUrl: https://pipelane.example.com     # where emailed links point (PIPELANE_PUBLIC_URL wins)
 * ```
 */
import { readFile } from 'node:fs/promises';
import { join, posix, sep } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { PipelaneError } from '../errors.js';

export const PEOPLE_FILE = 'pipelane.yaml';

const key = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'is not a key (letters, digits, _ . -)');
const login = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'is not a GitHub login');
const email = z.string().regex(/^[^@\s<>]+@[^@\s<>]+$/, 'is not an email address');
const team = z.string().regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9_.-]+$/, 'is not a GitHub team (org/team-slug)');
const permission = z.enum(['read', 'triage', 'write', 'maintain', 'admin']);

const person = z.strictObject({ name: z.string().min(1).optional(), email: email.optional(), github: login.optional() });

const group = z.union([
  z.array(key).transform((members) => ({ members })),
  z.strictObject({ members: z.array(key).default([]), github: team.optional(), githubPermission: permission.optional(), email: email.optional() }),
]);

const schema = z.strictObject({
  people: z.record(key, person).default({}),
  groups: z.record(key, group).default({}),
  channels: z
    .strictObject({
      email: z.strictObject({ from: z.string().min(3).optional() }).optional(),
      github: z.strictObject({ repo: z.string().regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9_.-]+$/, 'is not owner/name').optional(), issue: z.number().int().positive().optional() }).optional(),
      publicUrl: z.url().optional(),
    })
    .default({}),
  defaults: z.record(z.string(), z.unknown()).optional(),
});

export type GitHubPermission = z.output<typeof permission>;
export type Person = z.output<typeof person> & { key: string };
export interface Group {
  key: string;
  members: string[];
  github?: string;
  githubPermission?: GitHubPermission;
  email?: string;
}
export type Channels = z.output<typeof schema>['channels'];

export interface PeopleDirectory {
  /** The file it came from, or undefined when the repository has none. */
  file?: string;
  people: Record<string, Person>;
  groups: Record<string, Group>;
  channels: Channels;
}

export const EMPTY_DIRECTORY: PeopleDirectory = Object.freeze({ people: {}, groups: {}, channels: {} });

/** Reads the YAML text of pipelane.yaml; throws CONFIG_INVALID naming the key and what is wrong. */
export function parsePeople(text: string, file = PEOPLE_FILE): PeopleDirectory {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) throw new PipelaneError('CONFIG_INVALID', `${file} is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}.`, { file });
  const parsed = schema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(top level)'}: ${i.message}`).join('; ');
    throw new PipelaneError('CONFIG_INVALID', `${file} is invalid: ${problems}.`, { file });
  }
  const people = Object.fromEntries(Object.entries(parsed.data.people).map(([k, p]) => [k, { key: k, ...p }]));
  const groups: Record<string, Group> = {};
  const problems: string[] = [];
  for (const [k, g] of Object.entries(parsed.data.groups)) {
    if (people[k]) problems.push(`"${k}" is both a person and a group`);
    for (const m of g.members) if (!people[m]) problems.push(`groups.${k} lists "${m}", who is not under people`);
    groups[k] = { key: k, ...g };
  }
  if (problems.length > 0) throw new PipelaneError('CONFIG_INVALID', `${file} is invalid: ${problems.join('; ')}.`, { file });
  return { file, people, groups, channels: parsed.data.channels };
}

/**
 * The pipelane.yaml that governs a model file of a repository (a
 * deployment's pinned checkout): the nearest one from the model's directory
 * up to the repository root, so a directory of a monorepo may have its own.
 * An empty directory when there is none.
 */
export async function loadPeople(repoDir: string, modelFile = ''): Promise<PeopleDirectory> {
  const dirs: string[] = [];
  for (let dir = posix.dirname(modelFile.split(sep).join('/')); ; dir = posix.dirname(dir)) {
    dirs.push(dir === '.' ? '' : dir);
    if (dir === '.' || dir === '/' || dir === '') break;
  }
  for (const dir of dirs) {
    const file = dir === '' ? PEOPLE_FILE : `${dir}/${PEOPLE_FILE}`;
    let text: string;
    try {
      text = await readFile(join(repoDir, file), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    return parsePeople(text, file);
  }
  return EMPTY_DIRECTORY;
}

/**
 * A person named by their key, email address or GitHub login (with or
 * without `@`), case-insensitively for the last two.
 */
export function findPerson(directory: PeopleDirectory, name: string): Person | undefined {
  const wanted = name.trim();
  const direct = directory.people[wanted];
  if (direct) return direct;
  const lower = wanted.replace(/^@/, '').toLowerCase();
  return Object.values(directory.people).find((p) => p.email?.toLowerCase() === lower || p.github?.toLowerCase() === lower);
}

export function findGroup(directory: PeopleDirectory, name: string): Group | undefined {
  return directory.groups[name.trim()];
}
