// The asset forms' fields as API bodies (issue 21): an asset's attributes and documents, its
// measurements and what each reads, an asset made from a model (bindings by pattern or by hand), and
// a model's measurements and default rules. Rows left empty are dropped; the shared schemas check the
// rest. Pure functions of the form's values, so they are tested without a browser.

/** A form's text values (FormData's strings; files are never sent by these forms). */
export type FormValues = Map<string, string>;

export const formValues = (form: FormData): FormValues => {
  const values: FormValues = new Map();
  for (const [name, value] of form.entries()) if (typeof value === 'string') values.set(name, value);
  return values;
};

const text = (values: FormValues, name: string) => (values.get(name) ?? '').trim();

/** How many rows a repeated part of a form had (its hidden count), within 0..max. */
const rowCount = (values: FormValues, name: string, max: number) => {
  const n = Number(values.get(name));
  return Number.isInteger(n) && n > 0 ? Math.min(n, max) : 0;
};

/** A row's fields, by index, for the rows where any of `fields` was filled in. */
function filledRows(values: FormValues, prefix: string, fields: readonly string[], max: number) {
  const rows: { index: number; row: Record<string, string> }[] = [];
  for (let index = 0; index < rowCount(values, `${prefix}Rows`, max); index++) {
    const row = Object.fromEntries(
      fields.map((field) => [field, text(values, `${prefix}.${index}.${field}`)]),
    );
    if (Object.values(row).some((value) => value !== '')) rows.push({ index, row });
  }
  return rows;
}

export const MAX_DOCUMENT_ROWS = 50;
export const MAX_MEASUREMENT_ROWS = 200;

/** An asset's own fields: name, level, make, model, serial, install date and documents. */
export function attributesBody(values: FormValues) {
  return {
    name: text(values, 'name'),
    level: text(values, 'level'),
    make: text(values, 'make'),
    model: text(values, 'model'),
    serial: text(values, 'serial'),
    installDate: text(values, 'installDate') || null,
    documents: filledRows(values, 'documents', ['title', 'url'], MAX_DOCUMENT_ROWS).map(({ row }) => ({
      title: row.title ?? '',
      url: row.url ?? '',
    })),
  };
}

/** The measurements list (replacing the asset's): a tag or derived tag id, or '' for none yet. */
export function measurementsBody(values: FormValues) {
  return {
    measurements: filledRows(values, 'measurements', ['name', 'unit', 'tagId'], MAX_MEASUREMENT_ROWS).map(
      ({ row }) => ({ name: row.name ?? '', unit: row.unit ?? '', tagId: row.tagId || null }),
    ),
  };
}

/** What "bind by hand" says for one measurement: its pattern, no tag at all, or a tag's id. */
export const BY_PATTERN = '';
export const UNBOUND = 'none';

/** An asset made from a model: where, its name and {key}, each measurement's binding, and whether to make the rules. */
export function fromModelBody(values: FormValues, siteId: string, measurementNames: readonly string[]) {
  const bindings: Record<string, string | null> = {};
  measurementNames.forEach((name, index) => {
    const choice = text(values, `bindings.${index}`);
    if (choice === BY_PATTERN) return;
    bindings[name] = choice === UNBOUND ? null : choice;
  });
  return {
    siteId,
    parentId: text(values, 'parentId') || null,
    name: text(values, 'name'),
    key: text(values, 'key'),
    bindings,
    alarmRules: values.get('alarmRules') === 'on',
  };
}

/** How a model's default rules are written (shown in the hint and in a refusal). */
export const RULES_SHAPE = '[{ "measurement": "Fault", "rule": { "kind": "digital", … } }]';

/**
 * A model's fields. Default rules are alarm-rule bodies without tagId, written as JSON (an array of
 * `{ measurement, rule }`); text that is not such an array is refused here, naming the field.
 */
export function modelBody(values: FormValues): { body: Record<string, unknown>; rulesError?: 'json' } {
  const measurements = filledRows(
    values,
    'measurements',
    ['name', 'unit', 'tagPattern'],
    MAX_MEASUREMENT_ROWS,
  ).map(({ row }) => ({ name: row.name ?? '', unit: row.unit ?? '', tagPattern: row.tagPattern ?? '' }));
  const body: Record<string, unknown> = {
    name: text(values, 'name'),
    description: text(values, 'description'),
    level: text(values, 'level'),
    measurements,
  };
  const rulesText = text(values, 'alarmRules');
  if (rulesText === '') return { body: { ...body, alarmRules: [] } };
  try {
    const rules: unknown = JSON.parse(rulesText);
    if (!Array.isArray(rules)) return { body, rulesError: 'json' };
    return { body: { ...body, alarmRules: rules } };
  } catch {
    return { body, rulesError: 'json' };
  }
}

/** An issue's path (API `body.documents[0].url` or schema `documents.0.url`) as the form field it is about. */
export function fieldOfIssue(path: string): string {
  const field = path
    .replace(/^body\./, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/^\./, '');
  if (field.startsWith('alarmRules')) return 'alarmRules';
  if (/^bindings\./.test(field)) return 'bindings';
  return field || 'form';
}

export function assetFieldErrors(
  issues: readonly { path: string; message: string }[],
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) errors[fieldOfIssue(issue.path)] ??= issue.message;
  return errors;
}

/** The ids of an asset and everything under it: where it may not be moved. */
export function subtreeIds(
  all: readonly { id: string; parentId: string | null }[],
  rootId: string,
): Set<string> {
  const under = new Set([rootId]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const asset of all) {
      if (asset.parentId && under.has(asset.parentId) && !under.has(asset.id)) {
        under.add(asset.id);
        grew = true;
      }
    }
  }
  return under;
}

/** Every asset of a site as "Inlet works / Pumping / Pump 1", sorted by that path (the choices of a parent). */
export function assetPaths(
  all: readonly { id: string; parentId: string | null; name: string }[],
): { id: string; path: string }[] {
  const byId = new Map(all.map((asset) => [asset.id, asset]));
  const pathOf = (id: string): string => {
    const names: string[] = [];
    for (let at = byId.get(id), hops = 0; at && hops < 100; at = byId.get(at.parentId ?? ''), hops++)
      names.unshift(at.name);
    return names.join(' / ');
  };
  return all
    .map((asset) => ({ id: asset.id, path: pathOf(asset.id) }))
    .sort((a, b) => a.path.localeCompare(b.path));
}
