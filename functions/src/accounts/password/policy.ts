// Which passwords are accepted (issue 15): at least 10 characters (the request schema), not one of the
// most common breached passwords (breached-passwords.ts, shipped in the repository), and hard enough
// to guess by a well-kept estimator (zxcvbn-ts with its common and English dictionaries, score 3 of 4:
// about 10^10 guesses, out of reach of an offline attack on our scrypt hashes). A refusal says why.
import { InvalidInputError } from '@plantwatch/shared';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { BREACHED_PASSWORDS_TEXT } from './breached-passwords.ts';

/** zxcvbn's score (0-4) a password needs. */
export const MIN_PASSWORD_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;
let breached: Set<string> | undefined;

const normalise = (password: string) => password.normalize('NFKC').toLowerCase();

/** Whether the password is on the shipped list of the most common breached passwords. */
export function isBreachedPassword(password: string): boolean {
  breached ??= new Set(BREACHED_PASSWORDS_TEXT.split('\n'));
  return breached.has(normalise(password));
}

export interface PasswordContext {
  /** Words a guesser would try first for this person: the address, the name, the organisation. */
  email?: string | undefined;
  name?: string | undefined;
  tenantName?: string | undefined;
}

/**
 * The estimator with its dictionaries, loaded at the first password set rather than with the process:
 * ~25 MB resident that a runtime nobody signs up to does not need (ADR 0054).
 */
async function loadEstimator(): Promise<ZxcvbnFactory> {
  const [{ ZxcvbnFactory }, zxcvbnCommon, zxcvbnEnglish] = await Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
  ]);
  return new ZxcvbnFactory({
    dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEnglish.dictionary },
    graphs: zxcvbnCommon.adjacencyGraphs,
    translations: zxcvbnEnglish.translations,
  });
}

export type PasswordVerdict = { ok: true; score: number } | { ok: false; score: number; reason: string };

export async function judgePassword(
  password: string,
  context: PasswordContext = {},
): Promise<PasswordVerdict> {
  if (isBreachedPassword(password)) {
    return {
      ok: false,
      score: 0,
      reason:
        'it is one of the most common passwords in published breaches, the first an attacker tries: choose another',
    };
  }
  estimator ??= await loadEstimator();
  const userInputs = [
    context.email,
    context.email?.split('@')[0],
    context.name,
    context.tenantName,
    'plantwatch',
  ].filter((word): word is string => typeof word === 'string' && word.length > 0);
  const result = await estimator.check(password, userInputs);
  if (result.score >= MIN_PASSWORD_SCORE) return { ok: true, score: result.score };
  const hints = [result.feedback.warning, ...result.feedback.suggestions].filter(
    (hint): hint is string => typeof hint === 'string' && hint.length > 0,
  );
  const guesses = `about 10^${Math.max(0, Math.floor(Math.log10(result.guesses)))} guesses`;
  return {
    ok: false,
    score: result.score,
    reason: `it is too easy to guess (${guesses}; at least 10^10 are needed)${hints.length ? `: ${hints.join(' ')}` : ''} A few unrelated words make a strong password.`,
  };
}

/** Throws a 422 naming the field and saying why, unless the password is acceptable. */
export async function requireStrongPassword(
  password: string,
  context: PasswordContext,
  field: string,
): Promise<void> {
  const verdict = await judgePassword(password, context);
  if (!verdict.ok) {
    throw new InvalidInputError(`${field}: ${verdict.reason}`, {
      details: [{ path: `body.${field}`, message: verdict.reason }],
    });
  }
}
