import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Exposition } from '../src/exposition/exposition.js';
import { NodePoller } from '../src/poller/node.js';
import { Fleet } from '../tools/simulator/fleet.js';
import { SCENARIOS, type Scenario } from '../tools/simulator/responses.js';
import { fleetTarget, silentLog } from './helpers/targets.js';

/**
 * The exposition of each simulator scenario, as json_exporter keeps its test/response: a checked-in
 * text per scenario (test/golden/<scenario>.prom), so a diff shows exactly what a change does to
 * the output. `npm run golden` writes them anew; review the diff before committing it.
 * The clock is fixed, so every value the simulator derives from time is too. Left out: `hang`
 * (it never answers) and the server certificate's families, which carry the serial number and
 * fingerprint of a certificate made for each run (test/poller/node.test.ts covers them).
 */
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const GOLDEN: Scenario[] = SCENARIOS.filter((scenario) => scenario !== 'hang');
const file = (scenario: string) => fileURLToPath(new URL(`golden/${scenario}.prom`, import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';
const PER_RUN = /^(# (HELP|TYPE) )?sps_server_certificate_/;

let fleet: Fleet;
beforeAll(async () => {
  fleet = await Fleet.start({
    nodes: GOLDEN.map((scenario) => ({ name: scenario.replaceAll('_', '-'), scenario })),
    now: () => NOW,
    slowMs: 0,
  });
});
afterAll(() => fleet.close());

describe('the exposition of each simulator scenario', () => {
  for (const scenario of GOLDEN) {
    it(`${scenario} reads as test/golden/${scenario}.prom (npm run golden writes it anew)`, async () => {
      const exposition = new Exposition();
      const poller = new NodePoller({
        target: fleetTarget(fleet, scenario.replaceAll('_', '-')),
        log: silentLog,
        exposition,
        now: () => NOW,
      });
      try {
        await poller.poll();
        const text = exposition
          .render(poller.view(NOW))
          .toString('utf8')
          .split('\n')
          .filter((line) => !PER_RUN.test(line))
          .join('\n');
        if (update) writeFileSync(file(scenario), text);
        expect(text).toBe(readFileSync(file(scenario), 'utf8'));
      } finally {
        await poller.close();
      }
    });
  }
});
