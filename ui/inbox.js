// The task inbox: every open user task with its assignment, the variables
// it was opened with, and its form; approve/reject for approvals, submit
// for forms. POST /api/v1/tasks/{id}/complete decides it.
import { enc, get, post } from './api.js';
import { append, h, json, link, toast, when } from './dom.js';
import { fieldInput, fieldValues } from './form.js';

export async function inboxView(view) {
  const { items } = await get('/api/v1/tasks?state=open&limit=1000');
  view.append(h('h1', null, 'Inbox'));
  if (items.length === 0) view.append(h('p', { class: 'muted' }, 'No open tasks.'));
  view.append(...(await Promise.all(items.map(taskCard))));
}

async function taskCard(task) {
  const card = h('section', { class: 'card task', dataset: { task: task.id } });
  const assignment = Object.entries(task.assignment);
  append(card, [
    h('h2', null, task.name ?? task.element),
    h('p', { class: 'muted' }, `${task.process} · `, link(`instance ${task.instanceId.slice(0, 8)}`, 'instances', task.instanceId), ` · opened ${when(task.createdAt)}`),
    assignment.length > 0
      ? h('dl', { class: 'assignment' }, assignment.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]))
      : h('p', { class: 'muted' }, 'Not assigned: anyone may decide it.'),
    h('details', null, h('summary', null, 'Variables'), json(task.variables)),
  ]);
  const message = h('p', { class: 'error', role: 'alert' });
  let form;
  try {
    form = await get(`/api/v1/tasks/${enc(task.id)}/form`);
  } catch (error) {
    card.append(h('p', { class: 'error' }, `This task's form cannot be shown: ${error.message}`));
    return card;
  }
  const el = h('form', { class: 'task-form', novalidate: true }, form.fields.map((f) => fieldInput(f, task.variables[f.id])));
  const submit = async (extra) => {
    message.textContent = '';
    for (const b of el.querySelectorAll('button')) b.disabled = true;
    try {
      await post(`/api/v1/tasks/${enc(task.id)}/complete`, { variables: { ...fieldValues(el, form.fields), ...extra } });
      toast(`${task.name ?? task.element} is done.`);
      card.replaceChildren(h('p', { class: 'done' }, `${task.name ?? task.element}: done.`));
    } catch (error) {
      message.textContent = error.message;
      for (const b of el.querySelectorAll('button')) b.disabled = false;
    }
  };
  if (form.approval) {
    const comment = h('textarea', { name: 'comment', rows: 2, id: `comment-${task.id}` });
    el.append(
      h('div', { class: 'field' }, h('label', { for: comment.id }, 'Comment'), comment),
      h('button', { type: 'button', class: 'approve', onclick: () => submit({ approved: true, ...commentOf(comment) }) }, 'Approve'), ' ',
      h('button', { type: 'button', class: 'danger reject', onclick: () => submit({ approved: false, ...commentOf(comment) }) }, 'Reject'));
  } else {
    el.append(h('button', { type: 'submit', class: 'submit' }, 'Submit'));
    el.addEventListener('submit', (event) => {
      event.preventDefault();
      void submit({});
    });
  }
  card.append(el, message);
  return card;
}

const commentOf = (textarea) => (textarea.value.trim() === '' ? {} : { comment: textarea.value.trim() });
