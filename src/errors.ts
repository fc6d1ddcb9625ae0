/**
 * One registry of error codes (after fastify's FST_ERR_*): each code knows its
 * HTTP status, the CLI exit code and whether retrying can help.
 */
export const ERROR_CODES = {
  MODEL_INVALID: { status: 422, exit: 1, retryable: false },
  MODEL_NOT_FOUND: { status: 404, exit: 1, retryable: false },
  PROCESS_NOT_FOUND: { status: 404, exit: 1, retryable: false },
  INSTANCE_NOT_FOUND: { status: 404, exit: 1, retryable: false },
  TASK_NOT_FOUND: { status: 404, exit: 1, retryable: false },
  JOB_NOT_FOUND: { status: 404, exit: 1, retryable: false },
  INCIDENT_NOT_FOUND: { status: 404, exit: 1, retryable: false },
  MESSAGE_NOT_CORRELATED: { status: 404, exit: 1, retryable: false },
  ROUTE_NOT_FOUND: { status: 404, exit: 1, retryable: false },
  METHOD_NOT_ALLOWED: { status: 405, exit: 1, retryable: false },
  PAYLOAD_TOO_LARGE: { status: 413, exit: 1, retryable: false },
  SERVER_UNREACHABLE: { status: 503, exit: 1, retryable: true },
  BAD_REQUEST: { status: 400, exit: 2, retryable: false },
  CONFLICT: { status: 409, exit: 1, retryable: false },
  FORM_INVALID: { status: 422, exit: 1, retryable: false },
  LINK_INVALID: { status: 404, exit: 1, retryable: false },
  LINK_EXPIRED: { status: 410, exit: 1, retryable: false },
  FORBIDDEN: { status: 403, exit: 1, retryable: false },
  NOT_A_CANDIDATE: { status: 403, exit: 1, retryable: false },
  SIGNATURE_INVALID: { status: 401, exit: 1, retryable: false },
  MAIL_FAILED: { status: 502, exit: 1, retryable: true },
  GITHUB_FAILED: { status: 502, exit: 1, retryable: true },
  UNAUTHORIZED: { status: 401, exit: 1, retryable: false },
  EXPRESSION_FAILED: { status: 422, exit: 1, retryable: false },
  SCRIPT_NOT_FOUND: { status: 422, exit: 1, retryable: false },
  PATH_ESCAPES_REPO: { status: 422, exit: 1, retryable: false },
  SIDECAR_INVALID: { status: 422, exit: 1, retryable: false },
  CONFIG_INVALID: { status: 500, exit: 2, retryable: false },
  IMAGE_MISSING: { status: 503, exit: 1, retryable: false },
  DOCKER_UNREACHABLE: { status: 503, exit: 1, retryable: true },
  JOB_FAILED: { status: 500, exit: 1, retryable: true },
  JOB_TIMED_OUT: { status: 500, exit: 1, retryable: true },
  JOB_OUT_OF_MEMORY: { status: 500, exit: 1, retryable: true },
  STORE_FAILED: { status: 500, exit: 1, retryable: true },
  GIT_FAILED: { status: 502, exit: 1, retryable: true },
  REVISION_NOT_FOUND: { status: 404, exit: 2, retryable: false },
  SCHEDULE_NOT_FOUND: { status: 404, exit: 1, retryable: false },
  INTERNAL: { status: 500, exit: 1, retryable: false },
} as const satisfies Record<string, { status: number; exit: number; retryable: boolean }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface PipelaneErrorOptions {
  elementId?: string;
  file?: string;
  cause?: unknown;
}

export class PipelaneError extends Error {
  readonly code: ErrorCode;
  readonly elementId: string | undefined;
  readonly file: string | undefined;

  constructor(code: ErrorCode, message: string, options: PipelaneErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PipelaneError';
    this.code = code;
    this.elementId = options.elementId;
    this.file = options.file;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }

  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
  }
}

/** Normalises whatever a catch clause received into a PipelaneError. */
export function toError(value: unknown): PipelaneError {
  if (value instanceof PipelaneError) return value;
  if (value instanceof Error) return new PipelaneError('INTERNAL', value.message, { cause: value });
  return new PipelaneError('INTERNAL', String(value));
}
