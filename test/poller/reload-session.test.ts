import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/poller/scheduler.js';
import { Exposition } from '../../src/exposition/exposition.js';
import { Fleet } from '../../tools/simulator/fleet.js';
import { fleetConfig, lines, silentLog } from '../helpers/targets.js';

let fleet: Fleet;
beforeAll(async () => {
  fleet = await Fleet.start({ nodes: [{ name: 'good' }, { name: 'locked', scenario: 'wrong_password' }] });
});
afterAll(() => fleet.close());

describe('Scheduler reload and SPS sessions', () => {
  it("a changed label keeps the node's session and login backoff; a changed connection setting logs in again", async () => {
    const s = new Scheduler({ log: silentLog, exposition: new Exposition() });
    const poll = (name: string) => s.node(name)!.poll();
    const text = () => s.fleetReader().toBuffer().toString('utf8');
    const good = fleet.node('good')!;
    const locked = fleet.node('locked')!;
    const logins = good.logins;
    const failed = locked.failedLogins;

    s.apply(fleetConfig(fleet, { labels: { site: 'a' } }));
    await Promise.all([poll('good'), poll('locked')]);
    expect(good.logins - logins).toBe(1);
    expect(locked.failedLogins - failed).toBe(1);

    expect(s.apply(fleetConfig(fleet, { labels: { site: 'b' } })).changed).toEqual(['good', 'locked']);
    await Promise.all([poll('good'), poll('locked')]);
    expect(good.logins - logins).toBe(1); // the session was handed over
    expect(locked.failedLogins - failed).toBe(1); // still backing off: a relabel is no reason to try the password again
    expect(lines(text(), 'sps_up')).toEqual(['sps_up{node="good",site="b"} 1', 'sps_up{node="locked",site="b"} 0']);
    expect(lines(text(), 'sps_exporter_logins_total')).toEqual([
      'sps_exporter_logins_total{node="good",site="b"} 1',
      'sps_exporter_logins_total{node="locked",site="b"} 1',
    ]);

    s.apply(fleetConfig(fleet, { labels: { site: 'b' }, timeout: '4s' }));
    await poll('good');
    expect(good.logins - logins).toBe(2); // a new client for the new timeout, so a new session
    await s.stop();
  });
});
