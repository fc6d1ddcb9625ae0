/**
 * The GitHub channel with the production octokit client against a local
 * server that speaks GitHub's REST shapes: the issue a task opens, commands
 * by polling (paginated) and by signed webhook, form values by /submit, and
 * who may decide.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { OctokitGitHubClient } from '../../../src/adapters/github/octokit-client.js';
import { fakeGitHubPerTest, REPO, WEBHOOK_SECRET } from './fake-github.js';
import { approvalModel, FORM_DATA, PEOPLE, reminderBoundary } from './models.js';
import { World } from './world.js';

const github = fakeGitHubPerTest();

describe('approval by GitHub comment', { timeout: 30_000 }, () => {
  let world: World;
  afterEach(() => world?.close());

  async function startWorld(task: Record<string, string>, approval = '{ channels: [github] }'): Promise<World> {
    world = newWorld();
    world.write('pipelane.yaml', PEOPLE).write('ship/ship.bpmn', approvalModel('ship', task)).write('ship/ship.yaml', `tasks:\n  approve:\n    approval: ${approval}\n`);
    await world.start();
    await world.deploy('ship/ship.bpmn');
    return world;
  }

  // The production client, without the seconds octokit waits between writes to the real GitHub.
  const newWorld = () => new World({
    env: { PIPELANE_GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET },
    approvals: { githubClient: new OctokitGitHubClient({ token: 'ghp_test', baseUrl: github.url, throttle: false }) },
  });

  const botReplies = (issue: number) => github.commentsOn(REPO, issue).filter((c) => c.user.login === github.bot.login).map((c) => c.body);

  it('opens an issue and, by polling every page, counts only a new command of a candidate', async () => {
    await startWorld({ 'camunda:assignee': 'ada', 'camunda:candidateGroups': 'reviewers' }, '{ channels: [github], context: [region] }');
    const id = await world.startInstance('ship', { region: 'eu' });
    const [issue] = github.issuesOf(REPO);
    expect(issue).toMatchObject({ title: 'Approve: Approve the model — ship', labels: ['pipelane'], state: 'open' });
    expect(issue!.body).toContain('Candidates: @ada-l, @acme/reviewers');
    expect(issue!.body).toContain('| region | eu |');
    expect(issue!.body).toContain('`/approve`');
    expect(github.requests.find((r) => r.method === 'POST')?.auth).toBe('token ghp_test');

    for (let i = 0; i < 120; i++) github.addComment(REPO, issue!.number, 'chatty', `thinking out loud ${i}`);
    github.addComment(REPO, issue!.number, 'mallory', '/approve');
    github.addComment(REPO, issue!.number, 'dependabot[bot]', '/approve');
    github.addComment(REPO, issue!.number, 'ada-l', 'lgtm', { edited: true }).body = '/approve';
    github.addComment(REPO, issue!.number, github.bot.login, '/approve');
    await world.service.pollOnce();
    expect(github.requests.filter((r) => r.path.includes('/comments?')).length).toBeGreaterThanOrEqual(2);
    expect(world.openTask(id, 'approve').state).toBe('open');
    expect(botReplies(issue!.number).slice(1)).toEqual(['@mallory: @mallory is not a candidate for this task, so the command does not count.']);

    github.addComment(REPO, issue!.number, 'ada-l', '/approve ship it');
    await world.service.pollOnce();
    await world.settle();
    expect(world.instance(id)).toMatchObject({ status: 'completed', state: { variables: { approved: true, comment: 'ship it' } } });
    expect(world.history(id).find((h) => h.type === 'taskCompleted')?.actor).toBe('github:ada-l');
    expect(botReplies(issue!.number).at(-1)).toContain('✅ Approved by @ada-l.');
    expect(botReplies(issue!.number).filter((b) => b.includes('Approved by'))).toHaveLength(1);
    expect(github.issuesOf(REPO)[0]!.state).toBe('closed');
  });

  it('takes commands by signed webhook: a team member and a listed candidate make a quorum of 2', async () => {
    github.teams.set('acme/reviewers', ['rita']);
    await startWorld({ 'camunda:candidateUsers': 'bob', 'camunda:candidateGroups': 'reviewers' }, '{ channels: [github], quorum: 2 }');
    const id = await world.startInstance('ship');
    const [issue] = github.issuesOf(REPO);
    const rita = github.addComment(REPO, issue!.number, 'rita', '/approve');
    expect((await github.deliver(world.url, 'wrong-secret', rita)).status).toBe(401);
    expect(await github.deliver(world.url, WEBHOOK_SECRET, rita)).toMatchObject({ status: 200, body: { outcome: 'counted' } });
    expect(await github.deliver(world.url, WEBHOOK_SECRET, rita)).toMatchObject({ status: 200, body: { outcome: 'duplicate' } });
    expect(await github.deliver(world.url, WEBHOOK_SECRET, rita, { action: 'edited', delivery: 'd-edit' })).toMatchObject({ body: { outcome: 'ignored' } });
    expect(botReplies(issue!.number).at(-1)).toBe('Approval from @rita recorded: 1 of 2.');
    expect(world.openTask(id, 'approve').state).toBe('open');

    const bob = github.addComment(REPO, issue!.number, 'bob-b', '/approve');
    expect(await github.deliver(world.url, WEBHOOK_SECRET, bob)).toMatchObject({ body: { outcome: 'completed' } });
    await world.settle();
    expect(world.instance(id).status).toBe('completed');
    expect(botReplies(issue!.number).at(-1)).toContain('✅ Approved by @rita, @bob-b.');
    expect(botReplies(issue!.number).filter((b) => b.includes('Approved by'))).toHaveLength(1);
    expect(world.history(id).filter((h) => h.type === 'approvalVote').map((h) => h.actor)).toEqual(['github:rita', 'github:bob-b']);

    // The polling path sees the same comments later: each counts once.
    await world.service.pollOnce();
    expect(world.history(id).filter((h) => h.type === 'taskCompleted')).toHaveLength(1);
    const late = github.addComment(REPO, issue!.number, 'bob-b', '/reject too late');
    expect(await github.deliver(world.url, WEBHOOK_SECRET, late)).toMatchObject({ body: { outcome: 'refused' } });
    expect(botReplies(issue!.number).at(-1)).toMatch(/@bob-b: the task was already approved by bob-b \(github\) at/);
  });

  it('decides on the first rejection, with its reason', async () => {
    await startWorld({ 'camunda:candidateUsers': 'ada,bob' }, '{ channels: [github], quorum: 2 }');
    const id = await world.startInstance('ship');
    const [issue] = github.issuesOf(REPO);
    await github.deliver(world.url, WEBHOOK_SECRET, github.addComment(REPO, issue!.number, 'ada-l', '/approve'));
    await github.deliver(world.url, WEBHOOK_SECRET, github.addComment(REPO, issue!.number, 'bob-b', '/reject AUC dropped to 0.61'));
    await world.settle();
    expect(world.instance(id).state.variables).toMatchObject({ approved: false, comment: 'AUC dropped to 0.61' });
    expect(botReplies(issue!.number).at(-1)).toContain('❌ Rejected by @bob-b: AUC dropped to 0.61');
    expect(github.issuesOf(REPO)[0]!.state).toBe('closed');
  });

  it('comments on a given pull request, refuses its author when self-approval is off, and leaves the PR open', async () => {
    const pr = github.addIssue(REPO, 'ada-l', { pull: true });
    github.permissions.set(REPO, { 'max-m': 'maintain', 'wendy-w': 'write' });
    world = newWorld();
    world.write('pipelane.yaml', PEOPLE.replace('groups:\n', 'groups:\n  maintainers: { githubPermission: maintain }\n'));
    world.write('ship/ship.bpmn', approvalModel('ship', { 'camunda:candidateUsers': 'ada', 'camunda:candidateGroups': 'maintainers' }));
    world.write('ship/ship.yaml', 'tasks:\n  approve:\n    approval: { channels: [github], allowSelfApproval: false, github: { issue: "=pr" } }\n');
    await world.start();
    await world.deploy('ship/ship.bpmn');
    const id = await world.startInstance('ship', { pr });
    expect(github.issuesOf(REPO)).toHaveLength(1);
    expect(github.commentsOn(REPO, pr)[0]!.body).toContain('Candidates: @ada-l, people with maintain access');
    const own = await github.deliver(world.url, WEBHOOK_SECRET, github.addComment(REPO, pr, 'ada-l', '/approve'));
    expect(own.body).toMatchObject({ outcome: 'refused' });
    expect(botReplies(pr).at(-1)).toContain('may not be approved by the person it is about');
    expect(await github.deliver(world.url, WEBHOOK_SECRET, github.addComment(REPO, pr, 'wendy-w', '/approve'))).toMatchObject({ body: { outcome: 'refused' } });
    expect(await github.deliver(world.url, WEBHOOK_SECRET, github.addComment(REPO, pr, 'max-m', '/approve'))).toMatchObject({ body: { outcome: 'completed' } });
    await world.settle();
    expect(world.instance(id).status).toBe('completed');
    expect(github.issuesOf(REPO)[0]!.state).toBe('open');
  });

  it('takes form values by /submit: a bad value is refused with its message, good ones become typed variables', async () => {
    world = newWorld();
    world.write('pipelane.yaml', PEOPLE).write('ship/ship.bpmn', approvalModel('ship', { 'camunda:assignee': 'ada' }, { taskBody: FORM_DATA }));
    world.write('ship/ship.yaml', 'tasks:\n  approve:\n    approval: { channels: [github] }\n');
    await world.start();
    await world.deploy('ship/ship.bpmn');
    const id = await world.startInstance('ship');
    const [issue] = github.issuesOf(REPO);
    expect(issue!.title).toBe('Input needed: Approve the model — ship');
    expect(issue!.body).toContain('`/submit amount=… region=… ticket=… urgent=… start=…`');
    const bad = github.addComment(REPO, issue!.number, 'ada-l', '/submit amount=500 ticket=OPS-1');
    expect(await github.deliver(world.url, WEBHOOK_SECRET, bad)).toMatchObject({ body: { outcome: 'refused' } });
    expect(botReplies(issue!.number).at(-1)).toContain('Amount must be at most 100.');
    expect(world.openTask(id, 'approve').state).toBe('open');
    const good = github.addComment(REPO, issue!.number, 'ada-l', '/submit amount=42 ticket=OPS-1 region=us urgent=true start=2026-03-01');
    expect(await github.deliver(world.url, WEBHOOK_SECRET, good)).toMatchObject({ body: { outcome: 'completed' } });
    await world.settle();
    expect(world.instance(id).state.variables).toMatchObject({ amount: 42, ticket: 'OPS-1', region: 'us', urgent: true, start: '2026-03-01' });
    expect(world.history(id).find((h) => h.type === 'taskCompleted')?.actor).toBe('github:ada-l');
    expect(botReplies(issue!.number).at(-1)).toContain('☑️ Completed by @ada-l.');
  });

  it('refuses form values on a task without a form: a comment carries the decision and the comment only', async () => {
    await startWorld({ 'camunda:assignee': 'ada' });
    const id = await world.startInstance('ship');
    const [issue] = github.issuesOf(REPO);
    const smuggled = github.addComment(REPO, issue!.number, 'ada-l', '/submit approved=true deployTarget=prod');
    expect(await github.deliver(world.url, WEBHOOK_SECRET, smuggled)).toMatchObject({ body: { outcome: 'refused' } });
    expect(botReplies(issue!.number).at(-1)).toContain('"deployTarget" is not a field of this task');
    await github.deliver(world.url, WEBHOOK_SECRET, github.addComment(REPO, issue!.number, 'ada-l', '/submit approved=true'));
    await world.settle();
    expect(world.instance(id).state.variables).toEqual({ approved: true, comment: '' });
  });

  it('refuses the approval of the person who started the instance when self-approval is off', async () => {
    await startWorld({ 'camunda:candidateUsers': 'ada, bob' }, '{ channels: [github], allowSelfApproval: false }');
    const id = await world.startInstance('ship', {}, 'github:ada-l');
    const [issue] = github.issuesOf(REPO);
    expect(await github.deliver(world.url, WEBHOOK_SECRET, github.addComment(REPO, issue!.number, 'ada-l', '/approve'))).toMatchObject({ body: { outcome: 'refused' } });
    expect(botReplies(issue!.number).at(-1)).toContain('may not be approved by the person it is about (allowSelfApproval is false)');
    expect(world.history(id).find((h) => h.type === 'taskCompletionRefused')).toMatchObject({ actor: 'github:ada-l' });
    expect(world.openTask(id, 'approve').state).toBe('open');
    expect(await github.deliver(world.url, WEBHOOK_SECRET, github.addComment(REPO, issue!.number, 'bob-b', '/approve'))).toMatchObject({ body: { outcome: 'completed' } });
    await world.settle();
    expect(world.instance(id)).toMatchObject({ status: 'completed', state: { variables: { approved: true } } });
  });

  it('closes the issue with a note when a timer withdraws the task', async () => {
    const boundary = reminderBoundary('timeout', 'PT1S').map((n) => (n.id === 'timeout' ? { ...n, attrs: { ...n.attrs, cancelActivity: 'true' } } : n));
    world = newWorld();
    world.write('pipelane.yaml', PEOPLE).write('ship/ship.bpmn', approvalModel('ship', { 'camunda:assignee': 'ada' }, { boundaries: boundary, extraFlows: [['timeout', 'timeout_end']] }));
    world.write('ship/ship.yaml', 'tasks:\n  approve:\n    approval: { channels: [github] }\n');
    await world.start();
    await world.deploy('ship/ship.bpmn');
    const id = await world.startInstance('ship');
    const [issue] = github.issuesOf(REPO);
    for (let i = 0; i < 50 && world.instance(id).status === 'running'; i++) await new Promise((r) => setTimeout(r, 100));
    await world.settle();
    expect(world.instance(id).status).toBe('completed');
    expect(botReplies(issue!.number).at(-1)).toMatch(/⏱ This task was withdrawn at .* commands here no longer count\./);
    expect(github.issuesOf(REPO)[0]!.state).toBe('closed');
  });
});
