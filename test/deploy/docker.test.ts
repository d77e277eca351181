import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT } from '../../src/cli.js';

// No Docker engine runs here, so this checks what can be checked without one. `npm test` builds
// dist/ before the tests run, as the image's build stage does.
const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const dockerfile = readFileSync(repo('Dockerfile'), 'utf8');
const instructions = dockerfile.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
const ignored = readFileSync(repo('.dockerignore'), 'utf8').split('\n').filter(Boolean);

describe('Dockerfile', () => {
  it('copies only paths that exist in the build context and are not .dockerignored', () => {
    const copies = instructions.filter((l) => l.startsWith('COPY ') && !l.includes('--from='));
    expect(copies.length).toBeGreaterThan(0);
    for (const line of copies) {
      const sources = line.split(/\s+/).slice(1, -1);
      for (const source of sources) {
        expect(existsSync(repo(source)), source).toBe(true);
        expect(
          ignored.some((pattern) => source === pattern || source.startsWith(`${pattern}/`)),
          `${source} is ignored`,
        ).toBe(false);
      }
    }
  });

  it('copies from its stages what those stages make, and starts a file the build produces', () => {
    for (const line of instructions.filter((l) => l.includes('--from=build'))) {
      const source = line.split(/\s+/)[2]!.replace('/app/', '');
      expect(existsSync(repo(source)), source).toBe(true);
    }
    const entrypoint = JSON.parse(
      instructions.findLast((l) => l.startsWith('ENTRYPOINT '))!.slice('ENTRYPOINT '.length),
    ) as string[];
    expect(entrypoint[0]).toBe('node');
    expect(existsSync(repo(entrypoint.at(-1)!)), entrypoint.at(-1)).toBe(true);
    expect(entrypoint.slice(1, -1).every((flag) => flag.startsWith('--'))).toBe(true);
    const healthcheck = instructions.find((l) => l.startsWith('HEALTHCHECK '))!;
    const script = /"(dist\/[^"]+)"/.exec(healthcheck)![1]!;
    expect(existsSync(repo(script)), script).toBe(true);
  });

  it('runs as non-root, exposes the default port and expects the config in /etc/sps-exporter', () => {
    expect(instructions.filter((l) => l.startsWith('USER ')).at(-1)).toBe('USER node');
    expect(instructions).toContain(`EXPOSE ${DEFAULT_PORT}`);
    expect(dockerfile).toContain('--config.file=/etc/sps-exporter/config.yaml');
  });

  it('ships the Node the tests also run on, one version everywhere, and package.json says what is tested', () => {
    const version = /^ARG NODE_VERSION=(\d+\.\d+\.\d+)$/m.exec(dockerfile)![1]!;
    const pkg = JSON.parse(readFileSync(repo('package.json'), 'utf8')) as {
      engines: { node: string };
      config: { containerNode: string };
    };
    expect(version).toBe(pkg.config.containerNode);
    expect(Number(version.split('.')[0]) % 2, 'LTS lines are even').toBe(0);
    expect(pkg.engines.node).toContain(`^${version.split('.')[0]}.`);
    expect(pkg.engines.node).toContain(`^${process.versions.node.split('.')[0]}.`); // the Node running this test is one the package claims
    const froms = instructions.filter((l) => l.startsWith('FROM ') && !l.startsWith('FROM build '));
    expect(froms.length).toBe(3);
    for (const from of froms) expect(from).toMatch(/^FROM node:\$\{NODE_VERSION\}-slim( |$)/);
  });

  it('keeps tool code out of the production image: the simulator is a target of its own', () => {
    const stages = dockerfile.split(/^FROM /m).slice(1);
    const production = stages.at(-1)!;
    expect(production).toMatch(/^node:\$\{NODE_VERSION\}-slim AS production\n/);
    expect(production).not.toMatch(/tools|build\/tools/);
    expect(production).toContain('COPY --from=build /app/dist ./dist');
    const simulator = stages.find((stage) => stage.startsWith('build AS simulator'))!;
    expect(simulator).toContain('ENTRYPOINT ["node", "build/tools/simulator/main.js"]');
    expect(existsSync(repo('build/tools/simulator/main.js'))).toBe(true);
  });
});
