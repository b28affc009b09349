// Derived-tag formulas (issue 17, ADR 0039): `${inlet:flow} - ${outlet:flow}` parsed by jsep (a parser
// only: it never evaluates) and walked by the small interpreter below, which knows numbers, arithmetic,
// comparisons, && || !, ?: and the functions min, max, abs, avg. Nothing reaches an object, a property
// or a JavaScript function, so a formula cannot run code or touch a prototype.
import jsep from 'jsep';
import type { Quality, TelemetryValue } from './telemetry.ts';

export const MAX_FORMULA_LENGTH = 2_000;
export const MAX_FORMULA_REFERENCES = 50;
const MAX_DEPTH = 64;

/** `${device:tag}` names a tag of a device of the site; `${key}` another derived tag of the site. */
export type FormulaReference =
  | { kind: 'tag'; deviceKey: string; tagKey: string; text: string }
  | { kind: 'derived'; key: string; text: string };

export class FormulaError extends Error {
  override name = 'FormulaError';
  /** Character offset in the formula as written, when known. */
  readonly index: number | undefined;
  constructor(message: string, index?: number) {
    super(message);
    this.index = index;
  }
}

export const formulaFunctions = ['min', 'max', 'abs', 'avg'] as const;
const binaryOperators = new Set([
  '+',
  '-',
  '*',
  '/',
  '%',
  '**',
  '<',
  '<=',
  '>',
  '>=',
  '==',
  '!=',
  '===',
  '!==',
  '&&',
  '||',
]);
const unaryOperators = new Set(['-', '+', '!']);

/** A value an input holds, as the interpreter sees it. */
type Operand = number;

/** What one evaluation needs of an input: its newest value and quality (none yet: undefined). */
export interface FormulaInput {
  value: TelemetryValue;
  quality: Quality;
}

export type FormulaResult =
  | { value: number; quality: 'good' | 'uncertain' }
  | { value: null; quality: 'bad'; reason: string };

class EvaluationError extends Error {}

type Compiled = (inputs: readonly Operand[]) => Operand;

const KEY = '[A-Za-z0-9][A-Za-z0-9_.-]{0,63}';
const referencePattern = new RegExp(`\\$\\{\\s*(${KEY})\\s*(?::\\s*(${KEY})\\s*)?\\}`, 'y');

function truth(value: Operand): boolean {
  return value !== 0;
}

function compileNode(node: jsep.Expression, depth: number): Compiled {
  if (depth > MAX_DEPTH) throw new FormulaError(`the formula nests deeper than ${MAX_DEPTH} levels`);
  switch (node.type) {
    case 'Literal': {
      const value = (node as jsep.Literal).value;
      if (typeof value === 'number' && Number.isFinite(value)) return () => value;
      if (typeof value === 'boolean') {
        const number = value ? 1 : 0;
        return () => number;
      }
      throw new FormulaError(`${String((node as jsep.Literal).raw)} is not a number`);
    }
    case 'Identifier': {
      const name = (node as jsep.Identifier).name;
      const match = /^\$r(\d+)$/.exec(name);
      if (match) {
        const index = Number(match[1]);
        return (inputs) => inputs[index] as number;
      }
      throw new FormulaError(
        `unknown name "${name}": refer to a tag as \${device:tag} or to a derived tag as \${key}`,
      );
    }
    case 'UnaryExpression': {
      const unary = node as jsep.UnaryExpression;
      if (!unaryOperators.has(unary.operator)) {
        throw new FormulaError(`operator "${unary.operator}" is not allowed`);
      }
      const argument = compileNode(unary.argument, depth + 1);
      if (unary.operator === '-') return (inputs) => -argument(inputs);
      if (unary.operator === '+') return argument;
      return (inputs) => (truth(argument(inputs)) ? 0 : 1);
    }
    case 'BinaryExpression': {
      const binary = node as jsep.BinaryExpression;
      if (!binaryOperators.has(binary.operator)) {
        throw new FormulaError(`operator "${binary.operator}" is not allowed`);
      }
      const left = compileNode(binary.left, depth + 1);
      const right = compileNode(binary.right, depth + 1);
      switch (binary.operator) {
        case '+':
          return (inputs) => left(inputs) + right(inputs);
        case '-':
          return (inputs) => left(inputs) - right(inputs);
        case '*':
          return (inputs) => left(inputs) * right(inputs);
        case '/':
        case '%': {
          const divide = binary.operator === '/';
          return (inputs) => {
            const divisor = right(inputs);
            if (divisor === 0) throw new EvaluationError('division by zero');
            const dividend = left(inputs);
            return divide ? dividend / divisor : dividend % divisor;
          };
        }
        case '**':
          return (inputs) => left(inputs) ** right(inputs);
        case '<':
          return (inputs) => (left(inputs) < right(inputs) ? 1 : 0);
        case '<=':
          return (inputs) => (left(inputs) <= right(inputs) ? 1 : 0);
        case '>':
          return (inputs) => (left(inputs) > right(inputs) ? 1 : 0);
        case '>=':
          return (inputs) => (left(inputs) >= right(inputs) ? 1 : 0);
        case '==':
        case '===':
          return (inputs) => (left(inputs) === right(inputs) ? 1 : 0);
        case '!=':
        case '!==':
          return (inputs) => (left(inputs) !== right(inputs) ? 1 : 0);
        case '&&':
          return (inputs) => (truth(left(inputs)) && truth(right(inputs)) ? 1 : 0);
        default:
          return (inputs) => (truth(left(inputs)) || truth(right(inputs)) ? 1 : 0);
      }
    }
    case 'ConditionalExpression': {
      const conditional = node as jsep.ConditionalExpression;
      const test = compileNode(conditional.test, depth + 1);
      const consequent = compileNode(conditional.consequent, depth + 1);
      const alternate = compileNode(conditional.alternate, depth + 1);
      return (inputs) => (truth(test(inputs)) ? consequent(inputs) : alternate(inputs));
    }
    case 'CallExpression': {
      const call = node as jsep.CallExpression;
      const callee = call.callee.type === 'Identifier' ? (call.callee as jsep.Identifier).name : null;
      if (!callee || !(formulaFunctions as readonly string[]).includes(callee)) {
        throw new FormulaError(
          `unknown function${callee ? ` "${callee}"` : ''}: only ${formulaFunctions.join(', ')} are allowed`,
        );
      }
      const args = call.arguments.map((argument) => compileNode(argument, depth + 1));
      if (callee === 'abs') {
        const [only] = args;
        if (args.length !== 1 || !only) throw new FormulaError('abs takes exactly one argument');
        return (inputs) => Math.abs(only(inputs));
      }
      if (args.length === 0) throw new FormulaError(`${callee} needs at least one argument`);
      const values = (inputs: readonly Operand[]) => args.map((argument) => argument(inputs));
      if (callee === 'min') return (inputs) => Math.min(...values(inputs));
      if (callee === 'max') return (inputs) => Math.max(...values(inputs));
      return (inputs) => values(inputs).reduce((sum, value) => sum + value, 0) / args.length;
    }
    case 'Compound':
      throw new FormulaError('a formula is one expression: remove the extra parts (";" or ",")');
    default:
      throw new FormulaError(`${node.type.replace(/Expression$/, '').toLowerCase()} syntax is not allowed`);
  }
}

export interface CompiledFormula {
  /** The formula as written. */
  text: string;
  /** Each distinct reference once, in the order of first appearance. */
  references: FormulaReference[];
  /**
   * The result for the inputs' newest samples, in the order of `references` (undefined: the input
   * has no value yet). Any bad or missing input, a text value, a division by zero or a result that
   * is not a finite number gives a bad-quality result with the reason; it never throws.
   */
  evaluate(inputs: readonly (FormulaInput | undefined)[]): FormulaResult;
}

/** Parses and checks a formula; throws FormulaError naming what is wrong. */
export function compileFormula(text: string): CompiledFormula {
  if (text.trim() === '') throw new FormulaError('the formula is empty');
  if (text.length > MAX_FORMULA_LENGTH) {
    throw new FormulaError(`the formula is longer than ${MAX_FORMULA_LENGTH} characters`);
  }
  const references: FormulaReference[] = [];
  const indexOf = new Map<string, number>();
  let rewritten = '';
  let at = 0;
  while (at < text.length) {
    const dollar = text.indexOf('${', at);
    if (dollar === -1) {
      rewritten += text.slice(at);
      break;
    }
    rewritten += text.slice(at, dollar);
    referencePattern.lastIndex = dollar;
    const match = referencePattern.exec(text);
    if (!match) {
      throw new FormulaError(
        `a reference at character ${dollar + 1} is not \${device:tag} or \${key} (keys use letters, digits, "_", "." and "-")`,
        dollar,
      );
    }
    const [whole, first, second] = match;
    const reference: FormulaReference =
      second === undefined
        ? { kind: 'derived', key: first as string, text: `\${${first}}` }
        : { kind: 'tag', deviceKey: first as string, tagKey: second, text: `\${${first}:${second}}` };
    let index = indexOf.get(reference.text);
    if (index === undefined) {
      index = references.length;
      if (index >= MAX_FORMULA_REFERENCES) {
        throw new FormulaError(`the formula refers to more than ${MAX_FORMULA_REFERENCES} tags`);
      }
      indexOf.set(reference.text, index);
      references.push(reference);
    }
    rewritten += ` $r${index} `;
    at = dollar + whole.length;
  }
  let tree: jsep.Expression;
  try {
    tree = jsep(rewritten);
  } catch (error) {
    // Its offsets are in the rewritten text; the description alone still says what is wrong.
    const description = (error as { description?: string }).description ?? (error as Error).message;
    throw new FormulaError(`the formula does not parse: ${description}`);
  }
  const compiled = compileNode(tree, 0);
  return {
    text,
    references,
    evaluate(inputs) {
      const values: number[] = [];
      let quality: 'good' | 'uncertain' = 'good';
      for (const [index, reference] of references.entries()) {
        const input = inputs[index];
        if (input === undefined)
          return { value: null, quality: 'bad', reason: `${reference.text} has no value yet` };
        if (input.quality === 'bad')
          return { value: null, quality: 'bad', reason: `${reference.text} is bad quality` };
        if (input.quality === 'uncertain') quality = 'uncertain';
        if (typeof input.value === 'number') values.push(input.value);
        else if (typeof input.value === 'boolean') values.push(input.value ? 1 : 0);
        else return { value: null, quality: 'bad', reason: `${reference.text} is text, not a number` };
      }
      let value: number;
      try {
        value = compiled(values);
      } catch (error) {
        if (error instanceof EvaluationError) return { value: null, quality: 'bad', reason: error.message };
        throw error;
      }
      if (!Number.isFinite(value)) {
        return { value: null, quality: 'bad', reason: `the result is ${value}, not a finite number` };
      }
      // -0 stored and shown as 0
      return { value: value === 0 ? 0 : value, quality };
    },
  };
}

/**
 * The order to evaluate derived tags in, inputs first, or the first cycle found as the keys along it
 * (`a → b → a`). `dependsOn` gives each key's derived inputs; keys it does not know are ignored.
 */
export function derivedTagOrder(
  dependsOn: ReadonlyMap<string, readonly string[]>,
): { order: string[] } | { cycle: string[] } {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  function visit(key: string): string[] | null {
    const seen = state.get(key);
    if (seen === 'done') return null;
    if (seen === 'visiting') return [...path.slice(path.indexOf(key)), key];
    state.set(key, 'visiting');
    path.push(key);
    for (const input of dependsOn.get(key) ?? []) {
      if (!dependsOn.has(input)) continue;
      const cycle = visit(input);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(key, 'done');
    order.push(key);
    return null;
  }
  for (const key of [...dependsOn.keys()].sort()) {
    const cycle = visit(key);
    if (cycle) return { cycle };
  }
  return { order };
}
