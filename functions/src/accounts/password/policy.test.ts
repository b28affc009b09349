import { describe, expect, it } from 'vitest';
import { isBreachedPassword, judgePassword, requireStrongPassword } from './policy.ts';

describe('which passwords are accepted', () => {
  it.each([
    ['1234567890', /most common passwords in published breaches/],
    ['password12', /most common passwords in published breaches/],
    ['michael1987', /too easy to guess/],
    ['qwertyuiop', /most common passwords in published breaches/],
    ['          ', /too easy to guess/],
    ['basketball', /most common passwords in published breaches/],
    ['Password123', /most common passwords in published breaches|too easy to guess/],
  ])('refuses %j and says why', async (password, why) => {
    const verdict = await judgePassword(password);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? '' : verdict.reason).toMatch(why);
  });

  it('accepts a few unrelated words', async () => {
    expect(await judgePassword('pumps all night')).toMatchObject({ ok: true });
    expect(await judgePassword('cobalt lantern meadow 4')).toMatchObject({ ok: true });
  });

  it("counts the person's own address, name and organisation as easy guesses", async () => {
    const context = { email: 'riverside.ops@riverside-water.example', tenantName: 'Riverside Water' };
    expect((await judgePassword('riverside water 2026', context)).ok).toBe(false);
  });

  it('matches the breached list whatever the case and Unicode form', () => {
    expect(isBreachedPassword('QwErTyUiOp')).toBe(true);
    expect(isBreachedPassword('ｑｗｅｒｔｙｕｉｏｐ')).toBe(true); // full-width, NFKC-normalised
    expect(isBreachedPassword('pumps all night')).toBe(false);
  });

  it('refuses with a 422 that names the field', async () => {
    await expect(requireStrongPassword('qwertyuiop', {}, 'newPassword')).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: expect.stringMatching(/^newPassword: /),
      details: [{ path: 'body.newPassword', message: expect.any(String) }],
    });
  });
});
