/**
 * GitHub threads beyond the happy path, with the production octokit client
 * against the local GitHub-shaped server: several tasks asking on one
 * repository-wide issue, an issue that could not be opened (502), and an
 * issue that could not be closed after the outcome was posted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { OctokitGitHubClient } from '../../../src/adapters/github/octokit-client.js';
import { taskRef } from '../../../src/approvals/github-commands.js';
import { fakeGitHubPerTest, REPO, WEBHOOK_SECRET } from './fake-github.js';
import { approvalModel, PEOPLE } from './models.js';
import { World } from './world.js';

const github = fakeGitHubPerTest();

describe('GitHub threads', { timeout: 30_000 }, () => {
  let world: World;
  afterEach(() => world?.close());

  // Octokit's own retry (three more tries over ~14 s) is off, so one 502 reaches the approvals.
  async function startWorld(people = PEOPLE): Promise<World> {
    world = new World({
      env: { PIPELANE_GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET },
      approvals: { githubClient: new OctokitGitHubClient({ token: 'ghp_test', baseUrl: github.url, throttle: false, retry: false }), retryDelaysMs: [100] },
    });
    world.write('pipelane.yaml', people).write('ship/ship.bpmn', approvalModel('ship', { 'camunda:candidateUsers': 'ada, bob' }));
    world.write('ship/ship.yaml', 'tasks:\n  approve:\n    approval: { channels: [github] }\n');
    await world.start();
    await world.deploy('ship/ship.bpmn');
    return world;
  }

  const botReplies = (issue: number) => github.commentsOn(REPO, issue).filter((c) => c.user.login === github.bot.login).map((c) => c.body);

  async function until(condition: () => boolean): Promise<void> {
    for (let i = 0; i < 100 && !condition(); i++) await new Promise((r) => setTimeout(r, 50));
    await world.settle();
  }

  it('on a repository-wide issue with two tasks waiting, ignores a command without a task reference and takes one with it', async () => {
    const shared = github.addIssue(REPO, 'someone', { title: 'Model approvals' });
    await startWorld(PEOPLE.replace('github: { repo: acme/models }', `github: { repo: acme/models, issue: ${shared} }`));
    const first = await world.startInstance('ship');
    const second = await world.startInstance('ship');
    const [a, b] = [world.openTask(first, 'approve'), world.openTask(second, 'approve')];
    expect(github.issuesOf(REPO)).toHaveLength(1);
    const requests = botReplies(shared);
    expect(requests).toHaveLength(2);
    expect(requests[0]).toContain(`Reply with \`/approve ${taskRef(a.id)}\` (optionally followed by a comment) or \`/reject ${taskRef(a.id)} <reason>\`.`);
    expect(requests[1]).toContain(`\`/approve ${taskRef(b.id)}\``);

    const bare = await github.deliver(world.url, WEBHOOK_SECRET, github.addComment(REPO, shared, 'ada-l', '/approve'));
    expect(bare.body).toMatchObject({ outcome: 'ambiguous' });
    expect(botReplies(shared).at(-1)).toContain('@ada-l: 2 tasks wait on this thread, so a command without a task reference was ignored.');
    expect(botReplies(shared).at(-1)).toContain(`\`/approve ${taskRef(b.id)}\``);
    expect([world.openTask(first, 'approve').state, world.openTask(second, 'approve').state]).toEqual(['open', 'open']);

    const wrong = await github.deliver(world.url, WEBHOOK_SECRET, github.addComment(REPO, shared, 'ada-l', '/approve t-00000000'));
    expect(wrong.body).toMatchObject({ outcome: 'refused' });
    expect(botReplies(shared).at(-1)).toContain('@ada-l: no task t-00000000 asked on this thread, so the command was ignored.');

    const named = await github.deliver(world.url, WEBHOOK_SECRET, github.addComment(REPO, shared, 'ada-l', `/reject ${taskRef(b.id)} wrong data`));
    expect(named.body).toMatchObject({ outcome: 'completed' });
    await world.settle();
    expect(world.instance(second).state.variables).toMatchObject({ approved: false, comment: 'wrong data' });
    expect(world.openTask(first, 'approve').state).toBe('open');
    expect(botReplies(shared).at(-1)).toContain(`**Approve the model** (\`${taskRef(b.id)}\`): ❌ Rejected by @ada-l: wrong data`);

    // One task waits now: a bare command is for it; the shared issue stays open.
    expect((await github.deliver(world.url, WEBHOOK_SECRET, github.addComment(REPO, shared, 'bob-b', '/approve'))).body).toMatchObject({ outcome: 'completed' });
    await world.settle();
    expect(world.instance(first)).toMatchObject({ status: 'completed', state: { variables: { approved: true } } });
    expect(github.issuesOf(REPO)[0]!.state).toBe('open');
  });

  it('opens the issue again after GitHub answered 502, and the task can be decided there', async () => {
    github.failNext('POST', /^\/repos\/acme\/models\/issues$/, 502);
    await startWorld();
    const id = await world.startInstance('ship');
    expect(world.history(id).find((h) => h.type === 'notificationFailed')?.data['message']).toMatch(/was not posted to GitHub: .*HTTP 502.* It is tried again while the task is open\./);
    await until(() => github.issuesOf(REPO).length > 0);
    const issues = github.issuesOf(REPO);
    expect(issues).toHaveLength(1);
    expect(github.requests.filter((r) => r.method === 'POST' && r.path === '/repos/acme/models/issues')).toHaveLength(2);
    await github.deliver(world.url, WEBHOOK_SECRET, github.addComment(REPO, issues[0]!.number, 'ada-l', '/approve'));
    await world.settle();
    expect(world.instance(id).status).toBe('completed');
  });

  it('posts the outcome once when closing the issue failed, and closes it on the next poll', async () => {
    await startWorld();
    const id = await world.startInstance('ship');
    const [issue] = github.issuesOf(REPO);
    github.failNext('PATCH', new RegExp(`^/repos/acme/models/issues/${issue!.number}$`), 502);
    expect((await github.deliver(world.url, WEBHOOK_SECRET, github.addComment(REPO, issue!.number, 'ada-l', '/approve'))).body).toMatchObject({ outcome: 'completed' });
    await world.settle();
    expect(world.instance(id).status).toBe('completed');
    expect(github.issuesOf(REPO)[0]!.state).toBe('open');
    await world.service.pollOnce();
    await world.service.pollOnce();
    expect(github.issuesOf(REPO)[0]!.state).toBe('closed');
    expect(botReplies(issue!.number).filter((b) => b.includes('✅ Approved by @ada-l.'))).toHaveLength(1);
    expect(world.history(id).filter((h) => h.type === 'taskNotified' && h.data['kind'] === 'outcome')).toHaveLength(1);
  });
});
