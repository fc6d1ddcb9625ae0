/**
 * The form of a user task: its fields, read from `camunda:formData` or from a
 * form-js JSON schema (Camunda Forms), and the server-side check of a
 * submission. Pure: the caller reads files.
 */
import type { ModdleElement } from 'bpmn-moddle';

export type FieldType = 'string' | 'long' | 'number' | 'boolean' | 'date' | 'enum';

export interface FormField {
  /** The variable the value is stored in. */
  id: string;
  label: string;
  type: FieldType;
  defaultValue?: string | number | boolean;
  required: boolean;
  readonly?: boolean;
  /** Numbers: the value's bounds. */
  min?: number;
  max?: number;
  /** Strings: the length's bounds, and a regular expression the whole value must match. */
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  /** Enums: the allowed values. */
  values?: { id: string; label: string }[];
  multiline?: boolean;
}

export interface FormDefinition {
  source: 'camunda:formData' | 'form-js';
  fields: FormField[];
}

export type FormResult = { ok: true; form: FormDefinition } | { ok: false; message: string };

/** The fields of a `camunda:FormData` extension element. */
export function camundaForm(formData: ModdleElement): FormResult {
  const fields: FormField[] = [];
  for (const f of list(formData.fields)) {
    const id = str(f.id);
    if (!id) return { ok: false, message: 'a camunda:formField has no id' };
    const rawType = (str(f.type) ?? 'string').toLowerCase();
    if (!isFieldType(rawType)) return { ok: false, message: `field "${id}" has type "${rawType}"; use string, long, boolean, date or enum` };
    const field: FormField = { id, label: str(f.label) ?? id, type: rawType, required: false };
    const validation = f.validation as ModdleElement | undefined;
    for (const c of list(validation?.constraints)) {
      const problem = applyConstraint(field, String(c.name ?? '').toLowerCase(), str(c.config));
      if (problem) return { ok: false, message: `field "${id}": ${problem}` };
    }
    if (rawType === 'enum') field.values = list(f.values).map((v) => ({ id: String(v.id), label: str(v.name) ?? String(v.id) }));
    const defaultValue = str(f.defaultValue);
    if (defaultValue !== undefined) field.defaultValue = defaultValue;
    fields.push(field);
  }
  return { ok: true, form: { source: 'camunda:formData', fields } };
}

function applyConstraint(field: FormField, name: string, config: string | undefined): string | undefined {
  const number = () => (config !== undefined && Number.isFinite(Number(config)) ? Number(config) : undefined);
  switch (name) {
    case 'required':
      field.required = true;
      return undefined;
    case 'readonly':
      field.readonly = true;
      return undefined;
    case 'min':
    case 'max':
    case 'minlength':
    case 'maxlength': {
      const value = number();
      if (value === undefined) return `constraint ${name} needs a number as its config, not "${config ?? ''}"`;
      const key = ({ min: 'min', max: 'max', minlength: 'minLength', maxlength: 'maxLength' } as const)[name];
      field[key] = value;
      return undefined;
    }
    case 'pattern':
    case 'regex':
      if (config === undefined || !isRegex(config)) return `constraint ${name} needs a regular expression, not "${config ?? ''}"`;
      field.pattern = config;
      return undefined;
    default:
      return `constraint "${name}" is not supported; use required, readonly, min, max, minlength, maxlength or pattern`;
  }
}

const FORM_JS_STATIC = new Set(['text', 'html', 'image', 'button', 'spacer', 'separator', 'iframe', 'table', 'expression', 'filepicker', 'documentPreview']);

/** The input fields of a form-js schema (`{ components: [...] }`), groups flattened. */
export function formJsForm(schema: unknown): FormResult {
  if (!isObject(schema) || !Array.isArray(schema.components)) return { ok: false, message: 'a form-js schema is an object with a "components" array' };
  const fields: FormField[] = [];
  const walk = (components: unknown[]): string | undefined => {
    for (const c of components) {
      if (!isObject(c) || typeof c.type !== 'string') return 'a component has no type';
      if (Array.isArray(c.components) && (c.type === 'group' || c.type === 'dynamiclist')) {
        const problem = walk(c.components);
        if (problem) return problem;
        continue;
      }
      if (FORM_JS_STATIC.has(c.type)) continue;
      if (typeof c.key !== 'string' || c.key === '') return `the ${c.type} component "${String(c.label ?? c.id ?? '')}" has no key`;
      const field = formJsField(c, c.type, c.key);
      if (typeof field === 'string') return field;
      fields.push(field);
    }
    return undefined;
  };
  const problem = walk(schema.components);
  return problem ? { ok: false, message: problem } : { ok: true, form: { source: 'form-js', fields } };
}

function formJsField(c: Record<string, unknown>, type: string, key: string): FormField | string {
  const validate = isObject(c.validate) ? c.validate : {};
  const fieldType: FieldType | undefined = ({
    textfield: 'string', textarea: 'string', password: 'string', number: c.decimalDigits === 0 ? 'long' : 'number',
    checkbox: 'boolean', select: 'enum', radio: 'enum', datetime: c.subtype === 'date' ? 'date' : 'string',
  } as Record<string, FieldType>)[type];
  if (!fieldType) return `the component type "${type}" (key "${key}") is not supported; use textfield, textarea, number, checkbox, select, radio or datetime`;
  const field: FormField = { id: key, label: typeof c.label === 'string' && c.label !== '' ? c.label : key, type: fieldType, required: validate.required === true };
  if (type === 'textarea') field.multiline = true;
  if (c.readonly === true || c.disabled === true) field.readonly = true;
  for (const k of ['min', 'max', 'minLength', 'maxLength'] as const) if (typeof validate[k] === 'number') field[k] = validate[k];
  const pattern = typeof validate.pattern === 'string' ? validate.pattern : validate.validationType === 'email' ? EMAIL : undefined;
  if (pattern !== undefined) {
    if (!isRegex(pattern)) return `field "${key}": "${pattern}" is not a regular expression`;
    field.pattern = pattern;
  }
  if (fieldType === 'enum') {
    if (!Array.isArray(c.values)) return `field "${key}": a ${type} needs static "values" (dynamic values are not supported)`;
    field.values = c.values.filter(isObject).map((v) => ({ id: String(v.value), label: String(v.label ?? v.value) }));
  }
  if (typeof c.defaultValue === 'string' || typeof c.defaultValue === 'number' || typeof c.defaultValue === 'boolean') field.defaultValue = c.defaultValue;
  return field;
}

const EMAIL = '[^@\\s]+@[^@\\s]+\\.[^@\\s]+';

export interface FieldError {
  field: string;
  message: string;
}

export type Submission = { ok: true; values: Record<string, unknown> } | { ok: false, errors: FieldError[] };

export interface SubmissionOptions {
  /** Field names accepted besides the form's own (an approval's `approved` and `comment`). */
  extra?: readonly string[];
  /** A rejection: required fields may stay empty; given values are still checked. */
  lenient?: boolean;
}

/**
 * Checks raw values (text from an HTML form or a comment, or JSON values from
 * the API) against the form: types, required, bounds, patterns, enum values.
 * Values come back typed, with defaults for fields left out; every bad field
 * gets its own message.
 */
export function validateSubmission(form: FormDefinition, raw: Record<string, unknown>, options: SubmissionOptions = {}): Submission {
  const errors: FieldError[] = [];
  const values: Record<string, unknown> = {};
  const known = new Set([...form.fields.map((f) => f.id), ...(options.extra ?? [])]);
  for (const name of Object.keys(raw)) if (!known.has(name)) errors.push({ field: name, message: `"${name}" is not a field of this form.` });
  for (const field of form.fields) {
    const given = raw[field.id];
    const empty = given === undefined || given === null || given === '';
    if (field.readonly || empty) {
      if (field.defaultValue !== undefined) {
        const typed = coerce(field, field.defaultValue);
        if (typed.ok) values[field.id] = typed.value;
      } else if (field.required && !options.lenient && !field.readonly) errors.push({ field: field.id, message: `${field.label} is required.` });
      continue;
    }
    const typed = coerce(field, given);
    if (!typed.ok) {
      errors.push({ field: field.id, message: `${field.label} ${typed.message}.` });
      continue;
    }
    const problem = checkBounds(field, typed.value);
    if (problem) errors.push({ field: field.id, message: `${field.label} ${problem}.` });
    else values[field.id] = typed.value;
  }
  for (const name of options.extra ?? []) if (raw[name] !== undefined && !form.fields.some((f) => f.id === name)) values[name] = raw[name];
  return errors.length > 0 ? { ok: false, errors } : { ok: true, values };
}

type Coerced = { ok: true; value: string | number | boolean } | { ok: false; message: string };

function coerce(field: FormField, value: unknown): Coerced {
  const text = typeof value === 'string' ? value.trim() : undefined;
  switch (field.type) {
    case 'string':
      return typeof value === 'string' || typeof value === 'number' ? { ok: true, value: String(value) } : { ok: false, message: 'must be text' };
    case 'long': {
      const n = typeof value === 'number' ? value : text !== undefined && /^[-+]?\d+$/.test(text) ? Number(text) : NaN;
      return Number.isSafeInteger(n) ? { ok: true, value: n } : { ok: false, message: `must be a whole number, not "${String(value)}"` };
    }
    case 'number': {
      const n = typeof value === 'number' ? value : text !== undefined && text !== '' ? Number(text) : NaN;
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, message: `must be a number, not "${String(value)}"` };
    }
    case 'boolean': {
      if (typeof value === 'boolean') return { ok: true, value };
      const word = text?.toLowerCase();
      if (word === 'true' || word === 'on' || word === 'yes') return { ok: true, value: true };
      if (word === 'false' || word === 'off' || word === 'no') return { ok: true, value: false };
      return { ok: false, message: `must be true or false, not "${String(value)}"` };
    }
    case 'date':
      return text !== undefined && isIsoDate(text) ? { ok: true, value: text } : { ok: false, message: `must be a date such as 2026-03-01, not "${String(value)}"` };
    case 'enum': {
      const match = field.values?.find((v) => v.id === String(value));
      const allowed = (field.values ?? []).map((v) => v.id).join(', ');
      return match ? { ok: true, value: match.id } : { ok: false, message: `must be one of ${allowed}, not "${String(value)}"` };
    }
  }
}

function checkBounds(field: FormField, value: string | number | boolean): string | undefined {
  if (typeof value === 'number') {
    if (field.min !== undefined && value < field.min) return `must be at least ${field.min}`;
    if (field.max !== undefined && value > field.max) return `must be at most ${field.max}`;
  }
  if (typeof value === 'string' && field.type !== 'enum') {
    if (field.minLength !== undefined && value.length < field.minLength) return `must have at least ${field.minLength} characters`;
    if (field.maxLength !== undefined && value.length > field.maxLength) return `must have at most ${field.maxLength} characters`;
    if (field.pattern !== undefined && !new RegExp(`^(?:${field.pattern})$`, 'u').test(value)) return `must match the pattern ${field.pattern}`;
  }
  return undefined;
}

function isIsoDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(text);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.getUTCFullYear() === Number(m[1]) && date.getUTCMonth() === Number(m[2]) - 1 && date.getUTCDate() === Number(m[3]);
}

function isRegex(source: string): boolean {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}

function isFieldType(type: string): type is FieldType {
  return ['string', 'long', 'boolean', 'date', 'enum'].includes(type);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): ModdleElement[] {
  return Array.isArray(value) ? (value as ModdleElement[]) : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The form a user task element carries in the BPMN file itself:
 * `camunda:formData`, or a Zeebe form embedded in the process
 * (`zeebe:formDefinition formKey="camunda-forms:bpmn:<id>"` pointing at a
 * `zeebe:userTaskForm`). A form in a separate file (`camunda:formKey`,
 * `zeebe:formId`) is read at run time from the deployment's files.
 */
export function embeddedForm(task: ModdleElement, process: ModdleElement): { form?: FormDefinition; formProblem?: string } {
  const extensions = list((task.extensionElements as ModdleElement | undefined)?.values);
  const formData = extensions.find((v) => v.$type === 'camunda:FormData');
  const definition = extensions.find((v) => v.$type === 'zeebe:FormDefinition');
  const key = str(definition?.formKey);
  let result: FormResult | undefined;
  if (formData) result = camundaForm(formData);
  else if (key?.startsWith('camunda-forms:bpmn:')) {
    const id = key.slice('camunda-forms:bpmn:'.length);
    const body = list((process.extensionElements as ModdleElement | undefined)?.values).find((v) => v.$type === 'zeebe:UserTaskForm' && v.id === id)?.body;
    if (typeof body !== 'string') return { formProblem: `the form ${key} is not embedded in the process (no zeebe:userTaskForm with id "${id}")` };
    try {
      result = formJsForm(JSON.parse(body));
    } catch (err) {
      result = { ok: false, message: `the embedded form "${id}" is not JSON: ${(err as Error).message}` };
    }
  }
  if (!result) return {};
  return result.ok ? { form: result.form } : { formProblem: result.message };
}
