import bcrypt from 'bcryptjs';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_PENDING_CHECKS, PasswordCheck } from '../../src/server/password-check.js';

const checks: PasswordCheck[] = [];
afterEach(async () => {
  await Promise.all(checks.splice(0).map((c) => c.close()));
});
const passwordCheck = () => {
  const check = new PasswordCheck();
  checks.push(check);
  return check;
};
const hash = bcrypt.hashSync('right', 4);

describe('PasswordCheck', () => {
  it('tells a right password from a wrong one against a real bcrypt hash', async () => {
    const check = passwordCheck();
    expect(await check.check('prometheus', 'right', hash)).toBe('ok');
    expect(await check.check('prometheus', 'wrong', hash)).toBe('wrong');
    expect(await check.check('prometheus', '', hash)).toBe('wrong');
  });

  it('remembers credentials that passed, so they are accepted without the worker', async () => {
    const check = passwordCheck();
    expect(await check.check('prometheus', 'right', hash)).toBe('ok');
    await check.close();
    expect(await check.check('prometheus', 'right', hash)).toBe('ok'); // no worker runs now: remembered
    expect(await check.check('grafana', 'right', hash)).toBe('ok'); // another user: checked again, on a new worker
  });

  it(`turns a caller away once ${MAX_PENDING_CHECKS} checks wait behind the running one`, async () => {
    const check = passwordCheck();
    const results = await Promise.all(
      Array.from({ length: MAX_PENDING_CHECKS + 4 }, (_, i) => check.check('u', `wrong${i}`, hash)),
    );
    expect(results.filter((r) => r === 'wrong')).toHaveLength(MAX_PENDING_CHECKS + 1);
    expect(results.filter((r) => r === 'busy')).toHaveLength(3);
    expect(await check.check('u', 'right', hash)).toBe('ok'); // the queue drained
  });

  it('fails the checks still pending when it is closed', async () => {
    const check = passwordCheck();
    const pending = check.check('u', 'wrong', bcrypt.hashSync('x', 12));
    await check.close();
    await expect(pending).rejects.toThrow('password check worker exited');
  });
});
