import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { LOGIN_RATE_WINDOW, LoginRateWatch } from '../../src/poller/login-rate.js';

describe('LoginRateWatch', () => {
  it('warns once when a node needs more logins than polls over the window, and again only after it stopped', () => {
    const warnings: string[] = [];
    const watch = new LoginRateWatch(createLogger('warn', { write: (line: string) => void warnings.push(line) }));
    let logins = 1;
    for (let poll = 0; poll < LOGIN_RATE_WINDOW + 1; poll++) watch.polled(logins); // one login, then none: fine
    expect(warnings).toEqual([]);
    for (let poll = 0; poll < 3 * LOGIN_RATE_WINDOW; poll++) watch.polled((logins += 2)); // two logins a poll
    expect(warnings).toHaveLength(1);
    for (let poll = 0; poll < LOGIN_RATE_WINDOW + 1; poll++) watch.polled(logins); // stopped
    for (let poll = 0; poll < LOGIN_RATE_WINDOW + 1; poll++) watch.polled((logins += 2)); // again
    expect(warnings).toHaveLength(2);
  });
});
