// The log of an instance's jobs, live: GET …/logs?follow=1 sends the stored
// lines, then new ones, and ends when no job is queued or running. The
// instance page starts it again when a retry queues a new job.
import { enc, stream } from './api.js';
import { h } from './dom.js';

export class LogPane {
  constructor(instanceId, signal) {
    this.instanceId = instanceId;
    this.signal = signal;
    this.lines = h('div', { class: 'log', role: 'log' });
    this.status = h('p', { class: 'muted log-status' });
    this.element = h('div', null, this.lines, this.status);
    this.running = false;
  }

  /** (Re)starts the stream from the first stored line. */
  follow() {
    if (this.running || this.signal.aborted) return;
    this.running = true;
    this.lines.replaceChildren();
    this.status.textContent = 'following…';
    stream(`/api/v1/instances/${enc(this.instanceId)}/logs?follow=1`, (event, data) => {
      if (event === 'log') this.append(data);
      else if (event === 'end') this.status.textContent = this.lines.childElementCount === 0 ? 'No log lines.' : '';
    }, this.signal)
      .catch((error) => (this.status.textContent = `The log stream broke: ${error.message}`))
      .finally(() => (this.running = false));
  }

  append(entry) {
    const stick = this.lines.scrollTop + this.lines.clientHeight >= this.lines.scrollHeight - 4;
    this.lines.append(h('div', { class: `line ${entry.stream}`, dataset: { element: entry.element } },
      h('span', { class: 'element' }, entry.element), ' ', entry.text));
    if (stick) this.lines.scrollTop = this.lines.scrollHeight;
  }
}
