#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { Fleet, type FleetOptions } from './fleet.js';
import { SCENARIOS, type Scenario } from './responses.js';
import { writeExporterFiles } from './exporter-files.js';
import { controlUrl, persistentCa, startControl } from './control.js';

const USAGE = `usage: npm run simulator -- [flags]

  --nodes N              number of simulated SPS nodes (default 3)
  --port P               first port; node i listens on P+i (default 10443; 0 = any free ports)
  --host HOST            address to listen on (default 127.0.0.1)
  --advertise-host NAME  name the exporter reaches the fleet by (certificate and written URLs)
  --name-prefix P        node names are P1, P2, ... (default sps-)
  --scenarios A,B,...    scenarios assigned to the nodes in turn (default healthy)
                         one of: ${SCENARIOS.join(', ')}
  --cluster              one SPS cluster: node i on 127.0.0.(i+1) at one shared port, the first
                         node its Central Management node listing the others as members
                         (the written exporter.yaml lists only that node: the rest are discovered)
  --config FILE          YAML with host, port, username, password and nodes: [{name, scenario, certificate_days}]
  --write-config DIR     write DIR/exporter.yaml, DIR/ca.pem and DIR/password for the exporter
  --interval DURATION    poll interval written into exporter.yaml (default 10s)
  --slow-ms MS           response delay of "slow" nodes (default 3000)
  --flap-period-ms MS    up/down period of "flapping" nodes (default 60000)
  --state-dir DIR        keep the CA in DIR across restarts, so the exporter keeps trusting it
  --control-port P       serve GET/POST /scenario on 127.0.0.1:P (0 = any free port) to switch a
                         node's scenario while running:
                         curl -X POST '127.0.0.1:P/scenario?node=sps-1&scenario=raid_degraded'
  The password is SPS_SIMULATOR_PASSWORD from the environment, or a built-in default.
`;

const scenario = z.enum(SCENARIOS);
const FileSchema = z.strictObject({
  host: z.string().optional(),
  port: z.number().int().min(0).max(65535).optional(),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  cluster: z.boolean().optional(),
  nodes: z
    .array(
      z.strictObject({
        name: z
          .string()
          .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/)
          .optional(),
        scenario: scenario.optional(),
        certificate_days: z.number().optional(),
      }),
    )
    .min(1),
});

interface SimulatorOptions {
  fleet: FleetOptions;
  writeConfig?: string;
  interval: string;
  stateDir?: string;
  controlPort?: number;
}

function options(argv: string[]): SimulatorOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      nodes: { type: 'string', default: '3' },
      port: { type: 'string', default: '10443' },
      host: { type: 'string', default: '127.0.0.1' },
      'advertise-host': { type: 'string' },
      'name-prefix': { type: 'string' },
      scenarios: { type: 'string', default: 'healthy' },
      cluster: { type: 'boolean', default: false },
      config: { type: 'string' },
      'write-config': { type: 'string' },
      interval: { type: 'string', default: '10s' },
      'slow-ms': { type: 'string', default: '3000' },
      'flap-period-ms': { type: 'string', default: '60000' },
      'state-dir': { type: 'string' },
      'control-port': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const int = (name: string, text: string, min: number, max: number) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`--${name}: must be a whole number from ${min} to ${max}`);
    return n;
  };
  const common = {
    slowMs: int('slow-ms', values['slow-ms'], 0, 600_000),
    flapPeriodMs: int('flap-period-ms', values['flap-period-ms'], 1_000, 86_400_000),
    password: process.env.SPS_SIMULATOR_PASSWORD,
    advertiseHost: values['advertise-host'],
    namePrefix: values['name-prefix'],
    cluster: values.cluster,
  };
  const rehearsal = {
    stateDir: values['state-dir'],
    controlPort:
      values['control-port'] === undefined ? undefined : int('control-port', values['control-port'], 0, 65535),
  };
  if (values.config) {
    const parsed = FileSchema.safeParse(parse(readFileSync(values.config, 'utf8')));
    if (!parsed.success) throw new Error(`${values.config}: ${z.prettifyError(parsed.error)}`);
    const file = parsed.data;
    return {
      fleet: {
        ...common,
        cluster: file.cluster ?? common.cluster,
        host: file.host,
        basePort: file.port,
        username: file.username,
        password: file.password ?? common.password,
        nodes: file.nodes.map(({ certificate_days, ...node }) => ({ ...node, certificateDays: certificate_days })),
      },
      writeConfig: values['write-config'],
      interval: values.interval,
      ...rehearsal,
    };
  }
  const cycle = values.scenarios.split(',').map((name) => {
    const result = scenario.safeParse(name.trim());
    if (!result.success) throw new Error(`--scenarios: unknown scenario "${name}" (one of ${SCENARIOS.join(', ')})`);
    return result.data;
  });
  const count = int('nodes', values.nodes, 1, 20_000);
  const nodes = Array.from({ length: count }, (_, i): { scenario: Scenario } => ({
    scenario: cycle[i % cycle.length]!,
  }));
  return {
    fleet: { ...common, host: values.host, basePort: int('port', values.port, 0, 65535), nodes },
    writeConfig: values['write-config'],
    interval: values.interval,
    ...rehearsal,
  };
}

async function main(): Promise<void> {
  const { fleet: fleetOptions, writeConfig, interval, stateDir, controlPort } = options(process.argv.slice(2));
  const fleet = await Fleet.start({ ...fleetOptions, ca: stateDir ? persistentCa(stateDir) : undefined });
  if (writeConfig) writeExporterFiles(fleet, writeConfig, interval);
  const control = controlPort === undefined ? undefined : await startControl(fleet, controlPort);
  const first = fleet.nodes[0]!;
  const last = fleet.nodes[fleet.nodes.length - 1]!;
  const stop = () => void fleet.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(
    `${JSON.stringify({ msg: 'simulator listening', nodes: fleet.nodes.length, first: first.url, last: last.url, config: writeConfig ?? null, control: control ? controlUrl(control) : null })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`simulator: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  process.exit(1);
});
