// A task's form fields as inputs, and the values read back. The daemon
// checks a submission against the form (types, required, bounds), so the
// browser only collects: text goes as text, checkboxes as booleans.
import { h } from './dom.js';

export function fieldInput(field, current) {
  const id = `field-${field.id}`;
  const value = current ?? field.defaultValue;
  const common = { id, name: field.id, disabled: field.readonly === true, 'aria-required': field.required ? 'true' : null };
  let input;
  switch (field.type) {
    case 'boolean':
      input = h('input', { ...common, type: 'checkbox', checked: value === true || value === 'true' });
      break;
    case 'long':
    case 'number':
      input = h('input', { ...common, type: 'number', step: field.type === 'long' ? '1' : 'any', min: field.min, max: field.max, value: value === undefined ? '' : String(value) });
      break;
    case 'date':
      input = h('input', { ...common, type: 'date', value: typeof value === 'string' ? value.slice(0, 10) : '' });
      break;
    case 'enum':
      input = h('select', common,
        field.required ? null : h('option', { value: '' }, '—'),
        (field.values ?? []).map((v) => h('option', { value: v.id, selected: String(value) === v.id }, v.label)));
      break;
    default:
      input = field.multiline
        ? h('textarea', { ...common, rows: 3, value: value === undefined ? '' : String(value) })
        : h('input', { ...common, type: 'text', value: value === undefined ? '' : String(value) });
  }
  return h('div', { class: `field field-${field.type}` },
    h('label', { for: id }, field.label, field.required ? h('span', { class: 'required', title: 'required' }, ' *') : null),
    input);
}

/** The values of the form's inputs: empty ones left out, read-only ones too. */
export function fieldValues(form, fields) {
  const values = {};
  for (const field of fields) {
    if (field.readonly) continue;
    const input = form.elements.namedItem(field.id);
    if (!input) continue;
    if (field.type === 'boolean') values[field.id] = input.checked;
    else if (input.value !== '') values[field.id] = input.value;
  }
  return values;
}
