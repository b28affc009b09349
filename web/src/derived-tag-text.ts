// The derived-tag editor's pure parts (issue 17): the references offered to a formula, and putting
// one into the formula where the cursor is. Tested without a browser.

/** A reference a formula may use: `${device:tag}` or `${derivedKey}`, with its name and unit. */
export interface FormulaChoice {
  reference: string;
  label: string;
  unit: string;
  derived?: boolean;
}

/**
 * The formula with `reference` put in place of the selection [start, end) (the cursor when equal),
 * and where the cursor goes after it. Out-of-range positions put it at the end.
 */
export function insertReference(
  formula: string,
  reference: string,
  start: number,
  end: number,
): { formula: string; cursor: number } {
  const from = Number.isInteger(start) && start >= 0 && start <= formula.length ? start : formula.length;
  const to = Number.isInteger(end) && end >= from && end <= formula.length ? end : from;
  return {
    formula: formula.slice(0, from) + reference + formula.slice(to),
    cursor: from + reference.length,
  };
}

/**
 * A whole-seconds field (the evaluation period, the staleness): empty is null (off); a number is sent
 * as one, anything else as typed so the API's schema names the field; absent from the form: not sent.
 */
function secondsField(value: string | undefined): number | string | null | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return null;
  const number = Number(text);
  return Number.isFinite(number) ? number : text;
}

/** The derived-tag form's fields as the API's create body (key and site only when creating). */
export function derivedTagBody(
  fields: Readonly<Record<string, string | undefined>>,
  creating: { siteId: string } | null,
): Record<string, unknown> {
  const text = (name: string) => fields[name]?.trim() ?? '';
  const body: Record<string, unknown> = {
    name: text('name'),
    description: text('description'),
    formula: text('formula'),
    unit: text('unit'),
  };
  // ADR 0051: the timer's period and when a quiet input makes the result uncertain.
  for (const name of ['periodSeconds', 'staleAfterSeconds']) {
    const seconds = secondsField(fields[name]);
    if (seconds !== undefined) body[name] = seconds;
  }
  return creating ? { siteId: creating.siteId, key: text('key'), ...body } : body;
}
