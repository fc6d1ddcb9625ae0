import { PipelaneError } from '../errors.js';
import { correlateMessage, evaluateConditions } from '../runtime/router.js';
import type { Api } from './context.js';
import { isObject, readJson, variablesOf } from './request.js';
import { json } from './respond.js';
import type { Route } from './router.js';

/**
 * `POST /api/v1/messages`: to the instance that waits for it, else a process
 * that starts with it. `POST /api/v1/conditions`: starts the processes whose
 * conditional start events the variables satisfy.
 */
export function messageRoutes(api: Api): Route[] {
  const { runtime } = api;
  return [
    {
      method: 'POST',
      pattern: '/api/v1/messages',
      handler: async ({ req, actor }) => {
        const body = await readJson(req);
        const variables = variablesOf(body);
        const name = isObject(body) ? body['name'] : undefined;
        if (typeof name !== 'string' || name === '') throw new PipelaneError('BAD_REQUEST', '"name" must be the message name, for example {"name": "PaymentReceived"}.');
        const key = isObject(body) ? body['correlationKey'] : undefined;
        if (key !== undefined && key !== null && typeof key !== 'string' && typeof key !== 'number') {
          throw new PipelaneError('BAD_REQUEST', '"correlationKey" must be a string (or a number).');
        }
        const correlationKey = key === undefined || key === null ? undefined : String(key);
        const result = correlateMessage(runtime, { name, variables, ...(correlationKey !== undefined ? { correlationKey } : {}) }, actor);
        if (!result) {
          const keyText = correlationKey === undefined ? '' : ` with correlation key "${correlationKey}"`;
          throw new PipelaneError('MESSAGE_NOT_CORRELATED', `no running instance waits for message "${name}"${keyText}, and no deployed process starts with it.`);
        }
        return json(result.kind === 'started' ? 201 : 200, { result: result.kind, instanceId: result.instanceId });
      },
    },
    {
      method: 'POST',
      pattern: '/api/v1/conditions',
      handler: async ({ req, actor }) => {
        const body = await readJson(req);
        const processId = isObject(body) ? body['processId'] : undefined;
        if (processId !== undefined && typeof processId !== 'string') throw new PipelaneError('BAD_REQUEST', '"processId" must be a process id, or left out for every process.');
        const outcome = evaluateConditions(runtime, variablesOf(body), actor, processId);
        return json(200, outcome);
      },
    },
  ];
}
