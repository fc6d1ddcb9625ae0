// The REST API from the browser. The token the operator pastes is kept in
// sessionStorage (gone when the tab closes) and sent as a bearer header;
// without tokens configured (loopback only) none is needed.
const KEY = 'pipelane.token';

export const token = {
  get: () => sessionStorage.getItem(KEY) ?? '',
  set: (value) => sessionStorage.setItem(KEY, value.trim()),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const enc = encodeURIComponent;

function headers(extra = {}) {
  const t = token.get();
  return { ...(t ? { authorization: `Bearer ${t}` } : {}), ...extra };
}

async function failure(res) {
  const text = await res.text();
  let body = {};
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  const error = new ApiError(res.status, body.code ?? `HTTP_${res.status}`, body.message ?? (text || res.statusText));
  if (res.status === 401) window.dispatchEvent(new CustomEvent('pipelane:unauthorized', { detail: error.message }));
  return error;
}

/** A JSON request; throws ApiError with the API's code and message. */
export async function request(method, path, body) {
  const init = { method, headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(path, init);
  if (!res.ok) throw await failure(res);
  return res.status === 204 ? undefined : res.json();
}

export const get = (path) => request('GET', path);
export const post = (path, body = {}) => request('POST', path, body);

/** A text answer (the diagram XML) with its headers. */
export async function getText(path) {
  const res = await fetch(path, { headers: headers() });
  if (!res.ok) throw await failure(res);
  return { text: await res.text(), headers: res.headers };
}

/**
 * A server-sent event stream read with fetch, because EventSource cannot
 * send the Authorization header. Calls onEvent(name, data) per event;
 * resolves when the server ends the stream or the signal aborts it.
 */
export async function stream(path, onEvent, signal) {
  const res = await fetch(path, { headers: headers({ accept: 'text/event-stream' }), signal });
  if (!res.ok) throw await failure(res);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let name = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) name = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (data.length > 0) onEvent(name, JSON.parse(data.join('\n')));
      }
    }
  } catch (error) {
    if (signal?.aborted) return;
    throw error;
  }
}
