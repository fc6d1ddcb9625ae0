/**
 * The BPMN XML of a deployment, for bpmn-js: the model file as the
 * deployment saw it, with a left-to-right layout generated (bpmn-auto-layout)
 * when the file has no diagram interchange (a model written by hand or by a
 * program rather than drawn in a modeler).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { layoutProcess } from 'bpmn-auto-layout';
import { PipelaneError } from '../../errors.js';
import type { DeploymentRecord } from '../../ports/store.js';

export interface Diagram {
  xml: string;
  /** `file`: the file's own layout; `generated`: laid out here. */
  layout: 'file' | 'generated';
  /** False when the file on disk is no longer the deployed version (a --models directory edited since). */
  current: boolean;
}

/** Generated layouts by deployment id: a deployment never changes, and a layout takes tens of ms. */
const cache = new Map<string, Diagram>();
const CACHE_SIZE = 64;

export async function diagramOf(deployment: DeploymentRecord): Promise<Diagram> {
  const cached = cache.get(deployment.id);
  if (cached) return cached;
  const path = join(deployment.repoDir, deployment.file);
  const xml = await readFile(path, 'utf8').catch((error: unknown) => {
    throw new PipelaneError('MODEL_NOT_FOUND', `the model file ${deployment.file} of deployment ${deployment.id} cannot be read: ${(error as Error).message}.`, { file: deployment.file, cause: error });
  });
  const current = (await hashOf(deployment, xml)) === deployment.hash;
  if (hasLayout(xml)) return { xml, layout: 'file', current };
  let laidOut: string;
  try {
    laidOut = await layoutProcess(xml);
  } catch (error) {
    throw new PipelaneError('MODEL_INVALID', `no layout could be generated for ${deployment.file}: ${(error as Error).message}. Draw it in a BPMN modeler to add one.`, { file: deployment.file, cause: error });
  }
  const diagram: Diagram = { xml: laidOut, layout: 'generated', current };
  if (current) {
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(deployment.id, diagram);
  }
  return diagram;
}

/** A file drawn in a modeler has shapes (`bpmndi:BPMNShape`, whatever the prefix). */
export function hasLayout(xml: string): boolean {
  return /<(?:[\w.-]+:)?BPMNShape[\s>/]/.test(xml);
}

/** The deployment hash as src/gitops/discover.ts computes it: the .bpmn text, NUL, the sidecar text. */
async function hashOf(deployment: DeploymentRecord, xml: string): Promise<string> {
  const sidecar = join(deployment.repoDir, dirname(deployment.file), `${basename(deployment.file, '.bpmn')}.yaml`);
  const sidecarText = await readFile(sidecar, 'utf8').catch(() => undefined);
  return createHash('sha256').update(xml).update('\0').update(sidecarText ?? '').digest('hex');
}
