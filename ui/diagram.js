// An instance on its diagram: bpmn-js (the prebuilt NavigatedViewer the
// daemon serves as window.BpmnJS) draws the deployment's XML; markers show
// what was completed, what is active and what failed, and an overlay under
// a failed element holds the incident's message (as text, never HTML).
import { enc, getText } from './api.js';
import { h } from './dom.js';

export class Diagram {
  constructor(container) {
    this.container = container;
    this.marked = [];
  }

  /** Loads and draws the deployment's diagram; returns how it was laid out. */
  async load(deploymentId) {
    const { text, headers } = await getText(`/api/v1/deployments/${enc(deploymentId)}/diagram`);
    if (!window.BpmnJS) throw new Error('the diagram viewer (bpmn-js) did not load.');
    this.viewer = new window.BpmnJS({ container: this.container });
    const { warnings } = await this.viewer.importXML(text);
    this.viewer.get('canvas').zoom('fit-viewport', 'auto');
    return { layout: headers.get('x-pipelane-layout'), file: headers.get('x-pipelane-file'), warnings: warnings.length };
  }

  /** Replaces the markers with those of the instance's element states. */
  mark(states) {
    if (!this.viewer) return;
    const canvas = this.viewer.get('canvas');
    const registry = this.viewer.get('elementRegistry');
    const overlays = this.viewer.get('overlays');
    for (const [id, marker] of this.marked) canvas.removeMarker(id, marker);
    overlays.remove({ type: 'pl-incident' });
    this.marked = [];
    const add = (id, marker) => {
      if (!registry.get(id)) return;
      canvas.addMarker(id, marker);
      this.marked.push([id, marker]);
    };
    for (const id of states.completed) add(id, 'pl-completed');
    for (const id of states.flows) add(id, 'pl-taken');
    for (const id of states.active) add(id, 'pl-active');
    for (const incident of states.incidents) {
      add(incident.element, 'pl-failed');
      if (!registry.get(incident.element)) continue;
      overlays.add(incident.element, 'pl-incident', {
        position: { bottom: -8, left: -20 },
        html: h('div', { class: 'pl-incident-note', title: incident.message }, incident.message),
      });
    }
  }
}
